using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Robot.Host.Link;
using Robot.Protocol.Broker;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.Simulator.Composition;

namespace Robot.Simulator.Bench;

/// <summary>
/// Issue 11: time from an emergency-stop command leaving an operator's client to the drive outputs
/// off, while another client floods the robot with valid and invalid traffic at several rates, next
/// to the bare broker hop (the same e-stop message reaching a plain subscriber).
/// </summary>
public static class EstopBench
{
    private const string Serial = "BENCH-ESTOP";
    private const string Manufacturer = "PortCustoms";
    /// <summary>The goal: p99 within one supervisor tick (20 ms at 50 Hz) of the broker hop's p99.</summary>
    private const double TickMs = 20;

    public static Command Create()
    {
        var rates = new Option<string>("--rates") { Description = "flood rates in messages/s, comma-separated; 'max' floods as fast as the broker carries", DefaultValueFactory = _ => "0,500,2000,10000,max" };
        rates.Validators.Add(r =>
        {
            if (ParseRates(r.GetValueOrDefault<string>()) is null) r.AddError("--rates must be numbers from 0 to 1000000 or 'max', comma-separated");
        });
        var stops = new Option<int>("--stops") { Description = "e-stops timed per rate", DefaultValueFactory = _ => 100 };
        stops.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 10 or > 100_000) r.AddError("--stops must be 10 to 100000");
        });
        var command = new Command("estop", "E-stop publish -> drive outputs off (p50/p99/max) under a flood, next to the bare broker hop") { rates, stops };
        command.SetAction((p, ct) => RunAsync(ParseRates(p.GetValue(rates))!, p.GetValue(stops), ct));
        return command;
    }

    private static double[]? ParseRates(string? text)
    {
        var rates = new List<double>();
        foreach (var item in BenchSupport.List(text))
        {
            if (item == "max") rates.Add(double.PositiveInfinity);
            else if (double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) && r is >= 0 and <= 1_000_000) rates.Add(r);
            else return null;
        }
        return rates.Count == 0 ? null : [.. rates];
    }

    private static async Task<int> RunAsync(double[] rates, int stops, CancellationToken ct)
    {
        await using var rig = await Rig.StartAsync(ct).ConfigureAwait(false);
        // Warm-up (JIT, connections), not counted.
        for (var i = 0; i < 20; i++) await OneStopAsync(rig, -1 - i, ct).ConfigureAwait(false);
        Console.WriteLine($"broker: embedded MQTTnet on {rig.Robot.BrokerUri}; {stops} e-stops per rate, one at a time, from their own client; flood from another client (QoS 0)");
        Console.WriteLine("flood mix: status commands, teleop, stateRequest instant actions (valid); broken JSON orders, commands without fields (invalid)");
        Console.WriteLine($"{"flood",-12} {"sent/s",9} | {"e-stop -> outputs off (ms)",-30} | {"broker hop (ms)",-30} | {"refused",8} | goal");
        Console.WriteLine($"{"",-12} {"",9} | {"p50",9} {"p99",9} {"max",10} | {"p50",9} {"p99",9} {"max",10} | {"",8} |");
        var met = true;
        foreach (var rate in rates)
        {
            var row = await MeasureAsync(rig, rate, stops, ct).ConfigureAwait(false);
            met &= row.Met;
        }
        Console.WriteLine($"goal (p99 <= one {TickMs:0} ms supervisor tick + the hop's p99): {(met ? "met at every rate" : "NOT met at every rate")}");
        return 0;
    }

    private sealed record Row(bool Met);

    private static async Task<Row> MeasureAsync(Rig rig, double rate, int stops, CancellationToken ct)
    {
        var refusedBefore = rig.Bridge.IntakeRefused;
        using var flooding = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long sent = 0;
        var flood = rate > 0 ? Task.Run(() => FloodAsync(rig, rate, () => Interlocked.Increment(ref sent), flooding.Token), CancellationToken.None) : Task.CompletedTask;
        var floodStart = Stopwatch.GetTimestamp();
        // Let the flood settle (queues fill, JIT warms) before the first stop.
        await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, ct).ConfigureAwait(false);
        var robot = new List<double>(stops);
        var hop = new List<double>(stops);
        var lost = 0;
        for (var i = 0; i < stops; i++)
        {
            var (toOutputs, toSubscriber) = await OneStopAsync(rig, i, ct).ConfigureAwait(false);
            if (double.IsNaN(toOutputs)) lost++;
            else robot.Add(toOutputs);
            if (!double.IsNaN(toSubscriber)) hop.Add(toSubscriber);
            if ((i + 1) % Math.Max(1, stops / 20) == 0) Console.Error.Write($"\r  {100 * (i + 1) / stops,3}% [{new string('#', 20 * (i + 1) / stops),-20}]");
        }
        Console.Error.Write("\r" + new string(' ', 40) + "\r");
        var achieved = Interlocked.Read(ref sent) / Stopwatch.GetElapsedTime(floodStart).TotalSeconds;
        await flooding.CancelAsync().ConfigureAwait(false);
        await flood.ConfigureAwait(false);
        robot.Sort();
        hop.Sort();
        var p99 = BenchSupport.Quantile(robot, 0.99);
        var met = lost == 0 && p99 <= TickMs + BenchSupport.Quantile(hop, 0.99);
        var label = double.IsPositiveInfinity(rate) ? "max" : rate.ToString("0", CultureInfo.InvariantCulture) + "/s";
        Console.WriteLine(BenchSupport.F($"{label,-12} {achieved,9:0} | {BenchSupport.Quantile(robot, 0.5),9:0.000} {p99,9:0.000} {robot.LastOrDefault(),10:0.000} | {BenchSupport.Quantile(hop, 0.5),9:0.000} {BenchSupport.Quantile(hop, 0.99),9:0.000} {hop.LastOrDefault(),10:0.000} | {rig.Bridge.IntakeRefused - refusedBefore,8} | {(met ? "met" : "NOT met")}{(lost > 0 ? $" ({lost} stops never reached the outputs within 5 s)" : "")}"));
        // Let the robot drain what the flood left before the next rate.
        await Task.Delay(TimeSpan.FromSeconds(1), TimeProvider.System, ct).ConfigureAwait(false);
        return new Row(met);
    }

    /// <summary>Drive, publish one e-stop, and time it to the drive outputs off and to a plain subscriber.</summary>
    private static async Task<(double ToOutputs, double ToSubscriber)> OneStopAsync(Rig rig, int i, CancellationToken ct)
    {
        var controller = rig.Robot.Controller;
        var now = TimeProvider.System.GetUtcNow();
        // Reset and drive, straight through the controller (not what is measured).
        controller.HandleCommand(new CommandRequest { CommandId = $"reset-{i}-{Guid.NewGuid():N}", IssuedAt = now, ExpiresAt = now.AddSeconds(10), Command = CommandNames.ResetEmergencyStop });
        controller.HandleTeleop(new TeleopCommand { CommandId = $"drive-{i}-{Guid.NewGuid():N}", IssuedAt = now, TtlMs = 1000, LinearMps = 0.3, AngularRadps = 0 });
        for (var wait = 0; rig.Robot.World.Drive.Command.OutputsOff && wait < 100; wait++) await Task.Delay(1, ct).ConfigureAwait(false);

        var id = $"estop-{i}-{Guid.NewGuid():N}";
        var off = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var heard = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var idBytes = Encoding.UTF8.GetBytes(id);
        rig.Robot.World.Drive.OnCommand = (_, _, stop) =>
        {
            if (stop) off.TrySetResult(Stopwatch.GetTimestamp());
        };
        rig.Hop.MessageReceived = m =>
        {
            if (m.Payload.Span.IndexOf(idBytes) >= 0) heard.TrySetResult(Stopwatch.GetTimestamp());
            return Task.CompletedTask;
        };
        var request = new CommandRequest { CommandId = id, IssuedAt = TimeProvider.System.GetUtcNow(), ExpiresAt = TimeProvider.System.GetUtcNow().AddSeconds(10), Command = CommandNames.EmergencyStop, OperatorId = "bench" };
        var payload = ProtocolCodec.Encode(request);
        var t0 = Stopwatch.GetTimestamp();
        var publish = rig.Operator.PublishAsync(new LinkMessage(rig.CommandTopic, payload, 1), ct);
        var limit = Task.Delay(TimeSpan.FromSeconds(5), TimeProvider.System, ct);
        await Task.WhenAny(Task.WhenAll(off.Task, heard.Task), limit).ConfigureAwait(false);
        await publish.ConfigureAwait(false);
        rig.Robot.World.Drive.OnCommand = null;
        rig.Hop.MessageReceived = null;
        return (off.Task.IsCompleted ? Stopwatch.GetElapsedTime(t0, off.Task.Result).TotalMilliseconds : double.NaN,
            heard.Task.IsCompleted ? Stopwatch.GetElapsedTime(t0, heard.Task.Result).TotalMilliseconds : double.NaN);
    }

    /// <summary>Valid and invalid traffic for the robot, paced to the rate (unpaced for 'max').</summary>
    private static async Task FloodAsync(Rig rig, double rate, Action counted, CancellationToken ct)
    {
        var topics = new[]
        {
            TopicScheme.For(Manufacturer, Serial, MessageKind.Command),
            TopicScheme.For(Manufacturer, Serial, MessageKind.Teleop),
            TopicScheme.For(Manufacturer, Serial, MessageKind.InstantActions),
            TopicScheme.For(Manufacturer, Serial, MessageKind.Order),
            TopicScheme.For(Manufacturer, Serial, MessageKind.Command),
        };
        var start = Stopwatch.GetTimestamp();
        long n = 0;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (!double.IsPositiveInfinity(rate))
                {
                    var due = (long)(Stopwatch.GetElapsedTime(start).TotalSeconds * rate);
                    if (n >= due)
                    {
                        await Task.Delay(1, ct).ConfigureAwait(false);
                        continue;
                    }
                }
                var kind = (int)(n % 5);
                var now = TimeProvider.System.GetUtcNow();
                byte[] payload = kind switch
                {
                    0 => ProtocolCodec.Encode(new CommandRequest { CommandId = $"f{n}", IssuedAt = now, ExpiresAt = now.AddSeconds(10), Command = CommandNames.Status }),
                    1 => ProtocolCodec.Encode(new TeleopCommand { CommandId = $"f{n}", IssuedAt = now, TtlMs = 300, LinearMps = 0.1, AngularRadps = 0 }),
                    2 => ProtocolCodec.Encode(new InstantActions
                    {
                        HeaderId = n, Timestamp = now, Version = TopicScheme.VdaProtocolVersion, Manufacturer = Manufacturer, SerialNumber = Serial,
                        Actions = [new VdaAction { ActionType = "stateRequest", ActionId = $"f{n}", BlockingType = BlockingType.None }],
                    }),
                    3 => Encoding.UTF8.GetBytes("{\"orderId\":\"broken"),
                    _ => Encoding.UTF8.GetBytes("{\"command\":\"liftTo\"}"),
                };
                await rig.Flooder.PublishAsync(new LinkMessage(topics[kind], payload), ct).ConfigureAwait(false);
                n++;
                counted();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The robot on an embedded broker and the bench's three clients: every link is made here, so a
    /// broker that asks for credentials needs them in one place.
    /// </summary>
    private sealed class Rig : IAsyncDisposable
    {
        private Rig(SimulatedRobot robot, MqttLink flooder, MqttLink op, MqttLink hop)
        {
            Robot = robot;
            Flooder = flooder;
            Operator = op;
            Hop = hop;
        }

        public SimulatedRobot Robot { get; }
        public ProtocolBridge Bridge => Robot.Host.Services.GetRequiredService<ProtocolBridge>();
        public MqttLink Flooder { get; }
        public MqttLink Operator { get; }
        public MqttLink Hop { get; }
        public string CommandTopic { get; } = TopicScheme.For(Manufacturer, Serial, MessageKind.Command);

        public static async Task<Rig> StartAsync(CancellationToken ct)
        {
            var uri = new Uri($"mqtt://127.0.0.1:{EmbeddedBroker.FreePort(System.Net.IPAddress.Loopback)}");
            var options = new SimulatedRobotOptions
            {
                BrokerUri = uri,
                EmbeddedBroker = true,
                SerialNumber = Serial,
                Manufacturer = Manufacturer,
                // Every refused flood message is a warning: the console would be the bottleneck.
                MinimumLogLevel = LogLevel.Error,
            };
            options.Config["Safety:TeleopMaxTtl"] = "00:00:01";
            // The broker's own per-connection limit (200/s) would cut the flood before the robot saw it:
            // lifted here, so the bench measures the robot's intake under any flood the broker can carry.
            options.Config["Broker:MaxPublishesPerSecond"] = "100000";
            var robot = await SimulatedRobot.StartAsync(options, ct).ConfigureAwait(false);
            var links = new List<MqttLink>();
            try
            {
                // Each client signs in with its own account: the flood and the operator as officers, the hop watcher as an observer.
                foreach (var (name, role) in new[] { ("flood", ClientRole.Officer), ("operator", ClientRole.Officer), ("hop", ClientRole.Observer) })
                {
                    var account = $"bench-{name}";
                    links.Add(await ConnectAsync(uri, name, account, robot.IssueAccount(account, role), ct).ConfigureAwait(false));
                }
                await links[2].SubscribeAsync(TopicScheme.For(Manufacturer, Serial, MessageKind.Command), 1, ct).ConfigureAwait(false);
                // Both of the robot's connections, as the robot has heard of them (commands arrive on the control one).
                var bridge = robot.Host.Services.GetRequiredService<ProtocolBridge>();
                for (var i = 0; i < 500 && !bridge.Linked; i++) await Task.Delay(20, ct).ConfigureAwait(false);
                if (!bridge.Linked) throw new TimeoutException("the robot did not connect to the broker");
                return new Rig(robot, links[0], links[1], links[2]);
            }
            catch
            {
                foreach (var link in links) await link.DisposeAsync().ConfigureAwait(false);
                await robot.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }

        private static async Task<MqttLink> ConnectAsync(Uri uri, string name, string username, string password, CancellationToken ct)
        {
            var link = new MqttLink(new MqttLinkOptions { BrokerUri = uri, ClientId = $"bench-{name}-{Environment.ProcessId}", Username = username, Password = password }, TimeProvider.System);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            try
            {
                await link.StartAsync(timeout.Token).ConfigureAwait(false);
            }
            catch
            {
                await link.DisposeAsync().ConfigureAwait(false);
                throw;
            }
            return link;
        }

        public async ValueTask DisposeAsync()
        {
            await Flooder.DisposeAsync().ConfigureAwait(false);
            await Operator.DisposeAsync().ConfigureAwait(false);
            await Hop.DisposeAsync().ConfigureAwait(false);
            await Robot.DisposeAsync().ConfigureAwait(false);
        }
    }
}
