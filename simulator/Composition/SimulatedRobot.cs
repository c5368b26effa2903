using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Robot.Host.Control;
using Robot.Host.Hosting;
using Robot.Protocol.Link;
using Robot.Simulator.Clock;
using Robot.Simulator.Yard;

namespace Robot.Simulator.Composition;

public sealed class SimulatedRobotOptions
{
    /// <summary>The robot's clock. Ignored when <see cref="Speedup"/> is set: the robot then owns a pumped virtual clock.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
    /// <summary>
    /// Run the robot (host and yard) on its own virtual clock pumped at this many times real time
    /// (<see cref="SimClock.StartPump"/>); null runs it on <see cref="Time"/>. The fast demo uses it
    /// so that a whole survey takes a minute or two while a person (or a browser test) watches.
    /// </summary>
    public double? Speedup { get; set; }
    public SimWorldOptions World { get; set; } = new();
    public Uri BrokerUri { get; set; } = new("mqtt://127.0.0.1:1883");
    /// <summary>Start the embedded broker on the BrokerUri's port inside this process (the robot then signs in with an account it makes up).</summary>
    public bool EmbeddedBroker { get; set; }
    /// <summary>The robot's account on an outside broker (Link:Username / Link:Password).</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string SerialNumber { get; set; } = "SIM-001";
    public string Manufacturer { get; set; } = "PortCustoms";
    /// <summary>Extra configuration (keys like "Safety:TickHz"), applied over the defaults.</summary>
    public IDictionary<string, string?> Config { get; } = new Dictionary<string, string?>();
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Warning;
    /// <summary>Let Ctrl+C / SIGTERM stop the host (the demo); tests stop it themselves.</summary>
    public bool UseConsoleLifetime { get; set; }
}

/// <summary>
/// The real robot host composed over the simulated yard (ArduPilot's SITL idea): the demo, the
/// system tests and the benchmarks all start the robot through here.
/// </summary>
public sealed class SimulatedRobot : IAsyncDisposable
{
    private bool _stopped;

    private SimulatedRobot(IHost host, SimWorld world, SimulatedRobotOptions options, SimClock? clock)
    {
        Host = host;
        World = world;
        Options = options;
        Clock = clock;
    }

    public IHost Host { get; }
    /// <summary>The pumped virtual clock when <see cref="SimulatedRobotOptions.Speedup"/> is set, else null.</summary>
    public SimClock? Clock { get; }
    /// <summary>The clock the robot runs on.</summary>
    public TimeProvider Time => Clock?.Time ?? Options.Time;
    public SimWorld World { get; }
    public SimulatedRobotOptions Options { get; }
    public RobotController Controller => Host.Services.GetRequiredService<RobotController>();
    public MqttLink Link => Host.Services.GetRequiredService<MqttLink>();
    public Uri BrokerUri => Options.BrokerUri;

    /// <summary>
    /// A new account on the robot's embedded broker (the demo's web remote and CLI, tests); returns its
    /// secret. Only for a robot started with <see cref="SimulatedRobotOptions.EmbeddedBroker"/>.
    /// </summary>
    public string IssueAccount(string name, Robot.Protocol.Broker.ClientRole role) =>
        (Host.Services.GetService<EmbeddedBrokerService>()?.Broker ?? throw new InvalidOperationException("this robot runs no embedded broker (or it is not started)"))
            .Accounts.Issue(name, role, Options.SerialNumber);

    /// <summary>Build the host (validating its configuration) without starting it.</summary>
    public static SimulatedRobot Create(SimulatedRobotOptions options, string[]? args = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Speedup is { } speedup && !(speedup is >= MinSpeedup and <= MaxSpeedup))
            throw new ArgumentOutOfRangeException(nameof(options), speedup, $"Speedup must be {MinSpeedup} to {MaxSpeedup} times real time");
        var clock = options.Speedup is not null ? new SimClock() : null;
        var time = clock?.Time ?? options.Time;
        var config = new Dictionary<string, string?>
        {
            ["Robot:SerialNumber"] = options.SerialNumber,
            ["Robot:Manufacturer"] = options.Manufacturer,
            ["Link:BrokerUri"] = options.BrokerUri.ToString(),
            ["Broker:Embedded"] = options.EmbeddedBroker ? "true" : "false",
            ["Broker:Port"] = options.BrokerUri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Broker:BindAddress"] = options.BrokerUri.Host is "localhost" ? "127.0.0.1" : options.BrokerUri.Host,
            // The simulated probe needs no warm-up.
            ["Measurement:Profile:WarmUp"] = "00:00:00",
            ["Records:DatabasePath"] = Path.Combine(Path.GetTempPath(), "robot-sim-records", $"{options.SerialNumber}-{Guid.NewGuid():N}.db"),
        };
        if (options.Username is not null)
        {
            config["Link:Username"] = options.Username;
            config["Link:Password"] = options.Password;
        }
        // A store this robot made up for itself is its own to remove (with SQLite's -wal and -shm, and its signing key) when it is disposed.
        var temporaryStore = options.Config.ContainsKey("Records:DatabasePath") ? null : config["Records:DatabasePath"];
        // Its own report signing key beside it, never the packaged /etc/robot-host one (a named store keeps the key beside it).
        if (temporaryStore is not null) config["Records:SigningKeyFile"] = Path.ChangeExtension(temporaryStore, null) + "-signing-key.pem";
        foreach (var (k, v) in options.Config) config[k] = v;
        var world = new SimWorld(options.World, time);
        var builder = RobotHostBuilder.Create(args ?? [], _ => world.Hardware, time, config);
        builder.Logging.SetMinimumLevel(options.MinimumLogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        if (!options.UseConsoleLifetime)
        {
            builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        }
        try
        {
            var host = builder.Build();
            // Pumped from here on: starting the host already waits on the robot's clock.
            clock?.StartPump(options.Speedup!.Value, PumpStep(options.Speedup.Value), keepPace: true);
            return new SimulatedRobot(host, world, options, clock) { TemporaryStore = temporaryStore };
        }
        catch
        {
            world.Dispose();
            clock?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public const double MinSpeedup = 1;
    public const double MaxSpeedup = 100;

    /// <summary>
    /// Virtual time per pump step: one control tick (20 ms) up to 10x, then more per step so the
    /// pump wakes at most every 2 ms of real time (a 1 ms timer is not kept on a loaded machine).
    /// </summary>
    public static TimeSpan PumpStep(double speedup) => TimeSpan.FromMilliseconds(speedup <= 10 ? 20 : Math.Ceiling(speedup / 10) * 20);

    public static async Task<SimulatedRobot> StartAsync(SimulatedRobotOptions options, CancellationToken cancellationToken = default)
    {
        var robot = Create(options);
        try
        {
            await robot.Host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await robot.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return robot;
    }

    /// <summary>Clean stop: the robot publishes OFFLINE and disconnects.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        await Host.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>As a crash would: the connection drops without a goodbye, so the broker publishes the will.</summary>
    public async Task KillAsync()
    {
        if (_stopped) return;
        await Link.AbortAsync().ConfigureAwait(false);
        await StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        finally
        {
            Host.Dispose();
            World.Dispose();
            if (Clock is not null) await Clock.DisposeAsync().ConfigureAwait(false);
            if (TemporaryStore is { } store)
            {
                var key = Path.ChangeExtension(store, null) + "-signing-key";
                foreach (var file in new[] { store, store + "-wal", store + "-shm", key + ".pem", key + "-public.pem" })
                {
                    try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
                }
            }
        }
    }

    /// <summary>The record store in the temp folder made for this robot (null when the config names one): removed on dispose.</summary>
    public string? TemporaryStore { get; private init; }

    /// <summary>A lifetime that leaves Ctrl+C alone, for hosts inside tests and benchmarks.</summary>
    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
