using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Robot.Host.Hosting;
using Robot.Protocol.Broker;
using Robot.Protocol.Topics;
using Robot.Simulator.Composition;

namespace Robot.Simulator.Demo;

/// <summary>
/// `demo`: the embedded broker and the real host over the simulated yard, on the real clock,
/// until Ctrl+C or SIGTERM (then the robot publishes OFFLINE).
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--mqtt-port") { Description = "port of the embedded MQTT broker (127.0.0.1)", DefaultValueFactory = _ => 1883 };
        port.Validators.Add(r =>
        {
            if (Parsed<int>(r) is (true, var p) && p is < 1 or > 65535) r.AddError($"--mqtt-port must be 1 to 65535, got {p}");
        });
        var serial = new Option<string>("--serial") { Description = "the robot's serial number", DefaultValueFactory = _ => "SIM-001" };
        serial.Validators.Add(r =>
        {
            var s = r.GetValueOrDefault<string>() ?? "";
            if (!System.Text.RegularExpressions.Regex.IsMatch(s, "^[A-Za-z0-9_.-]{1,64}$")) r.AddError("--serial must be 1 to 64 letters, digits, '_', '.' or '-'");
        });
        var seed = new Option<int>("--seed") { Description = "random seed of the simulated yard", DefaultValueFactory = _ => 1 };
        var verbose = new Option<bool>("--verbose") { Description = "log every message the host handles" };
        var http = new Option<int?>("--http-port") { Description = "also serve the phone web remote at http://127.0.0.1:PORT (demo accounts printed)" };
        http.Validators.Add(r =>
        {
            if (Parsed<int?>(r) is (true, { } p and (< 1 or > 65535))) r.AddError($"--http-port must be 1 to 65535, got {p}");
        });
        var standard = new Option<bool>("--standard-profile") { Description = "inspect with the full snt0570-2007 profile (about an hour per 40 ft box on the real clock) instead of demo-quick" };
        var speedup = new Option<double>("--speedup")
        {
            Description = $"run the robot's clock N times faster than real time ({SimulatedRobot.MinSpeedup:0} to {SimulatedRobot.MaxSpeedup:0}; 20 surveys a 40 ft box in under a minute); the web remote stays on real time",
            DefaultValueFactory = _ => 1,
        };
        speedup.Validators.Add(r =>
        {
            if (Parsed<double>(r) is (true, var n) && !(n >= SimulatedRobot.MinSpeedup && n <= SimulatedRobot.MaxSpeedup))
                r.AddError($"--speedup must be a number from {SimulatedRobot.MinSpeedup:0} to {SimulatedRobot.MaxSpeedup:0} (times real time), got {n.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        });
        var command = new Command("demo", "Run the simulated robot on an embedded MQTT broker until Ctrl+C") { port, serial, seed, verbose, http, standard, speedup };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(port), parse.GetValue(serial)!, parse.GetValue(seed), parse.GetValue(verbose), parse.GetValue(http), parse.GetValue(standard), parse.GetValue(speedup), ct));
        return command;
    }

    /// <summary>
    /// The option's value, or (false, default) when it is not one at all ("--mqtt-port abc"): the parser
    /// reports that itself ("Cannot parse argument ..."), and reading the value would throw.
    /// </summary>
    private static (bool Ok, T? Value) Parsed<T>(System.CommandLine.Parsing.OptionResult r)
    {
        try
        {
            return (true, r.GetValueOrDefault<T>());
        }
        catch (InvalidOperationException)
        {
            return (false, default);
        }
    }

    private static async Task<int> RunAsync(int port, string serial, int seed, bool verbose, int? httpPort, bool standardProfile, double speedup, CancellationToken ct)
    {
        var options = DemoHost.RobotOptions(port, serial, seed, standardProfile, speedup);
        options.MinimumLogLevel = verbose ? Microsoft.Extensions.Logging.LogLevel.Information : Microsoft.Extensions.Logging.LogLevel.Warning;
        options.UseConsoleLifetime = true;
        SimulatedRobot robot;
        try
        {
            robot = SimulatedRobot.Create(options);
            await robot.Host.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (RobotHostBuilder.DescribeConfigurationError(ex) is { } lines)
        {
            foreach (var line in lines) Console.Error.WriteLine(line);
            return 2;
        }
        catch (System.Net.Sockets.SocketException ex)
        {
            Console.Error.WriteLine($"demo: cannot open the MQTT port 127.0.0.1:{port}: {ex.Message}. Is another broker running? Try --mqtt-port {EmbeddedBroker.FreePort(System.Net.IPAddress.Loopback)}");
            return 2;
        }
        DemoHost demo;
        try
        {
            demo = await DemoHost.StartAsync(robot, port, httpPort, ct).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"demo: cannot serve the web remote on 127.0.0.1:{httpPort}: {ex.Message}");
            await robot.DisposeAsync().ConfigureAwait(false);
            return 2;
        }
        await using (robot)
        await using (demo)
        {
            var m = options.Manufacturer;
            if (demo.WebUrl is { } url)
            {
                Console.WriteLine($"Web remote: {url}   (demo-only accounts, new passwords each run)");
                foreach (var (user, password) in demo.Accounts) Console.WriteLine($"  sign in as {user,-10} password {password}");
                Console.WriteLine();
            }
            Console.WriteLine($"Demo yard: {string.Join(", ", DemoYard.Layout.Select(c => $"{c.Number} {c.Type} at ({c.X}, {c.Y})"))}; {DemoYard.Hot40} is hot.");
            Console.WriteLine(standardProfile ? "Measurement profile: snt0570-2007 (full)." : "Measurement profile: demo-quick (sequential, 2 s settle: minutes, not an hour; --standard-profile for the real one).");
            if (speedup > 1)
            {
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"Robot clock: {speedup:0.##}x real time (virtual). Its reports and events carry robot time, ahead of the wall clock."));
                Console.WriteLine("  The web remote is set for it; other clients stamp commands with the wall clock, which the robot soon refuses as expired: use the web remote, or run without --speedup.");
            }
            Console.WriteLine();
            var officer = demo.BrokerAccounts["officer"];
            var archive = demo.BrokerAccounts["archive"];
            var cli = $"--broker mqtt://127.0.0.1:{port} --username officer --password {officer}";
            Console.WriteLine($$"""
                Simulated radiation-inspection robot is running.
                  broker        mqtt://127.0.0.1:{{port}}   (embedded MQTTnet broker, loopback only)
                  robot         manufacturer {{m}}, serial {{serial}}
                  VDA 5050      {{TopicScheme.Vda(m, serial, MessageKind.State).Replace("/state", "/{order|instantActions|state|visualization|connection|factsheet}", StringComparison.Ordinal)}}
                  extensions    {{TopicScheme.ExtensionRoot}}/{{serial}}/{teleop|telemetry|commands|responses|events|operator}

                Broker accounts (demo-only, new secrets each run; without one a client may only watch):
                  officer       {{officer}}
                  archive       {{archive}}

                Watch it:       mosquitto_sub -V 5 -h 127.0.0.1 -p {{port}} -t 'uagv/v2/#' -t 'robot/v1/#' -v
                Inspect:        dotnet run --project src/Robot.Remote -- {{cli}} inspect {{serial}} --container {{DemoYard.Hot40}} --type 40ft --x 14 --y -6
                Drive it:       dotnet run --project src/Robot.Remote -- {{cli}} drive {{serial}} --linear 0.3 --angular 0 --seconds 3
                Status:         dotnet run --project src/Robot.Remote -- {{cli}} status {{serial}}
                Stop it:        dotnet run --project src/Robot.Remote -- {{cli}} estop {{serial}}

                Press Ctrl+C to stop (the robot publishes OFFLINE).
                """);
            await robot.Host.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
            Console.WriteLine("robot stopped: OFFLINE published");
        }
        return 0;
    }
}
