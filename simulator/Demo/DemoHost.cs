using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Robot.Remote.Client;
using Robot.Remote.Web;
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
    public int? HttpPort { get; }
    public string? WebUrl => HttpPort is { } p ? $"http://127.0.0.1:{p}" : null;

    /// <summary>Build the robot (not started): for callers that start and stop it themselves.</summary>
    public static SimulatedRobotOptions RobotOptions(int mqttPort, string serial, int seed, bool standardProfile = false)
    {
        var options = new SimulatedRobotOptions
        {
            BrokerUri = new Uri($"mqtt://127.0.0.1:{mqttPort}"),
            EmbeddedBroker = true,
            SerialNumber = serial,
            World = DemoYard.World(seed),
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
        return options;
    }

    /// <summary>Start the web remote in-process next to a running robot on <paramref name="mqttPort"/>.</summary>
    public static async Task<DemoHost> StartAsync(SimulatedRobot robot, int mqttPort, int? httpPort, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(robot);
        WebApplication? web = null;
        var accounts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (httpPort is { } port)
        {
            var users = UserStore.InMemory(TimeProvider.System);
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
                Broker = new RobotClientOptions { BrokerUri = new Uri($"mqtt://127.0.0.1:{mqttPort}"), ClientIdPrefix = "robot-web" },
                // The yard map: the demo yard's containers, in bounds that take in the background spot (-25, 0).
                Yard = new YardBounds(-30, -15, 40, 12),
                Containers = [.. DemoYard.Layout.Select(c => new YardContainer(c.Number, c.Type, c.X, c.Y, c.Theta))],
            };
            web = RemoteWebApp.Build(options, TimeProvider.System);
            await web.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        return new DemoHost(robot, web, accounts, mqttPort, httpPort);
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
