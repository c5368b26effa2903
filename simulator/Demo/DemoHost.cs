using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Robot.Remote.Client;
using Robot.Remote.Web;
using Robot.Simulator.Clock;
using Robot.Simulator.Composition;

namespace Robot.Simulator.Demo;

/// <summary>
/// The whole demo in one process: the embedded broker and the real robot host over the demo yard
/// (<see cref="DemoYard"/>) and, with an HTTP port, the web remote with three demo-only accounts
/// whose passwords are made up at start. Used by `demo` and by the browser tests.
/// </summary>
public sealed class DemoHost : IAsyncDisposable
{
    private DemoHost(SimulatedRobot robot, WebApplication? web, IReadOnlyDictionary<string, string> accounts, int mqttPort, int? httpPort)
    {
        Robot = robot;
        Web = web;
        Accounts = accounts;
        MqttPort = mqttPort;
        HttpPort = httpPort;
    }

    public SimulatedRobot Robot { get; }
    public WebApplication? Web { get; }
    /// <summary>Demo user name → password (officer, maintainer, observer).</summary>
    public IReadOnlyDictionary<string, string> Accounts { get; }
    public int MqttPort { get; }
    /// <summary>Broker account name → secret for command-line clients (made up at start; anonymous clients may only watch).</summary>
    public IReadOnlyDictionary<string, string> BrokerAccounts { get; private init; } = new Dictionary<string, string>();
    public int? HttpPort { get; }
    public string? WebUrl => HttpPort is { } p ? $"http://127.0.0.1:{p}" : null;

    /// <summary>Build the robot (not started): for callers that start and stop it themselves.</summary>
    public static SimulatedRobotOptions RobotOptions(int mqttPort, string serial, int seed, bool standardProfile = false, double speedup = 1)
    {
        var options = new SimulatedRobotOptions
        {
            BrokerUri = new Uri($"mqtt://127.0.0.1:{mqttPort}"),
            EmbeddedBroker = true,
            SerialNumber = serial,
            World = DemoYard.World(seed),
            Speedup = speedup > 1 ? speedup : null,
        };
        if (!standardProfile)
        {
            // On the real clock a standard survey of a 40 ft box takes about an hour. The demo's
            // profile is named for what it is, so its reports never pass for snt0570-2007 ones.
            options.Config["Measurement:Profile:Name"] = "demo-quick";
            options.Config["Measurement:Profile:Version"] = "1";
            options.Config["Measurement:Profile:PointMode"] = "sequential";
            options.Config["Measurement:Profile:SettleS"] = "2";
            options.Config["Measurement:Profile:ReadingIntervalS"] = "2";
            options.Config["Measurement:Profile:ReadingsPerPoint"] = "3";
            options.Config["Measurement:Profile:Sequential:MaxDwellS"] = "10";
            options.Config["Measurement:Profile:Background:IntervalS"] = "2";
            options.Config["Measurement:Profile:Background:SettleS"] = "2";
        }
        if (speedup > 1) ScaleForPeople(options.Config, speedup);
        return options;
    }

    /// <summary>
    /// A sped-up robot measures every duration on its fast clock. The ones that stand for people or
    /// for the network, not for the robot's own work, are lengthened by the speed-up so they last as
    /// long in real time as on a real site: how old a command or a teleop sample may be when it
    /// arrives (its trip over the broker takes real time), how long an inspection waits for a lost
    /// link to come back, how long an input error stays in the state, and how often the robot
    /// publishes telemetry for the phones (5 Hz of real time, not 100). The teleop dead-man (300 ms)
    /// stays on robot time: it is a safety promise about the robot's motion.
    /// </summary>
    private static void ScaleForPeople(IDictionary<string, string?> config, double speedup)
    {
        static string Span(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);
        static string Num(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        TimeSpan Scaled(TimeSpan real, TimeSpan max) => TimeSpan.FromTicks(Math.Min((long)(real.Ticks * speedup), max.Ticks));
        config["Safety:CommandMaxAge"] = Span(Scaled(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10)));
        config["Safety:TeleopMaxAge"] = Span(Scaled(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)));
        config["Motion:MessageMaxAge"] = Span(Scaled(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(10)));
        config["Procedure:LinkLossGrace"] = Span(Scaled(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(30)));
        config["Telemetry:InputErrorRetention"] = Span(Scaled(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1)));
        config["Telemetry:RateHz"] = Num(Math.Max(0.1, 5 / speedup));
        config["Telemetry:VisualizationRateHz"] = Num(Math.Max(0.1, 2 / speedup));
    }

    /// <summary>Start the web remote in-process next to a running robot on <paramref name="mqttPort"/>.</summary>
    public static Task<DemoHost> StartAsync(SimulatedRobot robot, int mqttPort, int? httpPort, CancellationToken cancellationToken = default) =>
        StartAsync(robot, mqttPort, httpPort, webTime: null, cancellationToken);

    /// <summary>
    /// Start the web remote in-process next to a running robot on <paramref name="mqttPort"/>, on
    /// <paramref name="webTime"/> (sessions, sign-in lockout, audit, command stamps; tests pass a
    /// virtual clock). By default the remote runs on real time; next to a sped-up robot it takes the
    /// time of day from the robot's clock (<see cref="TimeOfDayClock"/>) and lengthens the durations
    /// it measures on that clock (session, lease and joystick silence, command lifetime) by the speed-up.
    /// </summary>
    public static async Task<DemoHost> StartAsync(SimulatedRobot robot, int mqttPort, int? httpPort, TimeProvider? webTime, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(robot);
        WebApplication? web = null;
        var accounts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (httpPort is { } port)
        {
            var speedup = robot.Clock is not null ? robot.Options.Speedup ?? 1 : 1;
            var time = webTime ?? (robot.Clock is { } clock ? new TimeOfDayClock(clock.Time) : TimeProvider.System);
            // The lockout is counted on the wall clock: 5 minutes for a person, whatever the robot's speed.
            var users = UserStore.InMemory(webTime ?? TimeProvider.System);
            foreach (var role in Roles.All)
            {
                var password = DemoPassword();
                users.Add(role, role, password);
                accounts[role] = password;
            }
            var options = new RemoteWebOptions
            {
                HttpPort = port,
                Users = users,
                // The web remote is one officer client on the broker, with an account of its own.
                Broker = new RobotClientOptions { BrokerUri = new Uri($"mqtt://127.0.0.1:{mqttPort}"), ClientIdPrefix = "robot-web", Username = "web-remote", Password = robot.IssueAccount("web-remote", global::Robot.Protocol.Broker.ClientRole.Officer) },
                // The yard map: the demo yard's containers, in bounds that take in the background spot (-25, 0).
                Yard = new YardBounds(-30, -15, 40, 12),
                Containers = [.. DemoYard.Layout.Select(c => new YardContainer(c.Number, c.Type, c.X, c.Y, c.Theta))],
            };
            if (speedup > 1)
            {
                options.SessionLifetime *= speedup;
                options.LeaseQuiet *= speedup;
                options.JoystickQuiet *= speedup;
                options.Broker.CommandLifetime *= speedup;
            }
            web = RemoteWebApp.Build(options, time);
            await web.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        // Throwaway broker accounts for the command-line remote: an officer and the records archive.
        var brokerAccounts = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["officer"] = robot.IssueAccount("officer", global::Robot.Protocol.Broker.ClientRole.Officer),
            ["archive"] = robot.IssueAccount("archive", global::Robot.Protocol.Broker.ClientRole.Archive),
        };
        return new DemoHost(robot, web, accounts, mqttPort, httpPort) { BrokerAccounts = brokerAccounts };
    }

    /// <summary>Readable and random: "demo-" and 10 base-32 characters.</summary>
    private static string DemoPassword()
    {
        const string alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
        return "demo-" + new string([.. RandomNumberGenerator.GetItems(alphabet.AsSpan(), 10)]);
    }

    public async ValueTask DisposeAsync()
    {
        if (Web is not null)
        {
            await Web.StopAsync().ConfigureAwait(false);
            await Web.DisposeAsync().ConfigureAwait(false);
        }
    }
}
