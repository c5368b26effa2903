using Microsoft.Extensions.DependencyInjection;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Robot.Protocol.Broker;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Simulator.Composition;

namespace Robot.Simulator.Bench;

/// <summary>
/// Latency from a teleop command leaving a client to the drive-train driver call, and the
/// telemetry rate the host sustains, over the embedded broker or any broker given by URL.
/// </summary>
public static class TeleopBench
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "teleop commands to time", DefaultValueFactory = _ => 10_000 };
        count.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 100 or > 1_000_000) r.AddError("--count must be 100 to 1000000");
        });
        var broker = new Option<string?>("--broker") { Description = "an external broker (mqtt://host:port); default: the embedded broker on a free port" };
        broker.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string?>();
            if (text is not null && !(Uri.TryCreate(text, UriKind.Absolute, out var u) && u.Scheme is "mqtt" or "mqtts" && u.Port > 0))
                r.AddError($"--broker must look like mqtt://127.0.0.1:1883, got '{text}'");
        });
        var seconds = new Option<double>("--telemetry-seconds") { Description = "how long to count telemetry", DefaultValueFactory = _ => 5 };
        var command = new Command("teleop", "Teleop command-to-driver latency (p50/p99/max) and sustained telemetry rate") { count, broker, seconds };
        command.SetAction((p, ct) => RunAsync(p.GetValue(count), p.GetValue(broker) is { } b ? new Uri(b) : null, p.GetValue(seconds), ct));
        return command;
    }

    private static async Task<int> RunAsync(int count, Uri? broker, double telemetrySeconds, CancellationToken ct)
    {
        var embedded = broker is null;
        var uri = broker ?? new Uri($"mqtt://127.0.0.1:{EmbeddedBroker.FreePort(System.Net.IPAddress.Loopback)}");
        var options = new SimulatedRobotOptions { BrokerUri = uri, EmbeddedBroker = embedded, SerialNumber = "BENCH-001" };
        options.Config["Telemetry:RateHz"] = "50";
        options.Config["Safety:TeleopMaxTtl"] = "00:00:01";
        options.Config["Safety:MaxLinearSpeedMps"] = "3";
        // Samples one after another as fast as they are answered (thousands a second, where an officer
        // sends 20): the embedded broker's per-connection limit would cut them, so it is lifted here.
        options.Config["Broker:MaxPublishesPerSecond"] = "100000";
        await using var robot = await SimulatedRobot.StartAsync(options, ct).ConfigureAwait(false);
        // On the embedded broker the bench signs in as an officer; an outside test broker lets it in as is.
        var secret = embedded ? robot.IssueAccount("bench", global::Robot.Protocol.Broker.ClientRole.Officer) : null;
        await using var client = new MqttLink(new MqttLinkOptions { BrokerUri = uri, ClientId = "bench-" + Environment.ProcessId, Username = embedded ? "bench" : null, Password = secret }, TimeProvider.System);
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            connectTimeout.CancelAfter(TimeSpan.FromSeconds(10));
            await client.StartAsync(connectTimeout.Token).ConfigureAwait(false);
        }
        // Both of the robot's connections, as the robot has heard of them (teleop arrives on the control one).
        var bridge = robot.Host.Services.GetRequiredService<global::Robot.Host.Link.ProtocolBridge>();
        await WaitUntilAsync(() => bridge.Linked, ct).ConfigureAwait(false);

        Console.WriteLine($"broker: {(embedded ? "embedded MQTTnet" : uri.ToString())}; {count} teleop commands, one in flight at a time");
        var topic = TopicScheme.Extension(options.SerialNumber, MessageKind.Teleop);
        var latencies = new double[count];
        var lost = 0;
        TaskCompletionSource<long>? pending = null;
        var expected = double.NaN;
        robot.World.Drive.OnCommand = (linear, _, stop) =>
        {
            if (!stop && linear == Volatile.Read(ref expected)) Volatile.Read(ref pending)?.TrySetResult(Stopwatch.GetTimestamp());
        };
        // Warm-up (JIT, connections), not counted.
        for (var i = 0; i < 200; i++) await OneAsync(i, warmup: true).ConfigureAwait(false);
        var progressEvery = Math.Max(1, count / 20);
        for (var i = 0; i < count; i++)
        {
            latencies[i] = await OneAsync(i, warmup: false).ConfigureAwait(false);
            if (double.IsNaN(latencies[i])) lost++;
            if ((i + 1) % progressEvery == 0) Console.Error.Write($"\r  {100 * (i + 1) / count,3}% [{new string('#', 20 * (i + 1) / count),-20}]");
        }
        Console.Error.WriteLine();
        robot.World.Drive.OnCommand = null;
        var ok = latencies.Where(double.IsFinite).OrderBy(x => x).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"teleop -> driver latency: p50 {Pct(ok, 0.50):0.000} ms, p99 {Pct(ok, 0.99):0.000} ms, max {ok.LastOrDefault():0.000} ms, mean {ok.DefaultIfEmpty().Average():0.000} ms, lost {lost} of {count}"));

        // Telemetry: count what arrives at a subscriber with the host set to its highest rate (50 Hz).
        var received = 0;
        client.MessageReceived = m =>
        {
            if (m.Topic.EndsWith("/telemetry", StringComparison.Ordinal)) Interlocked.Increment(ref received);
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(TopicScheme.Extension(options.SerialNumber, MessageKind.Telemetry), 0, ct).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(0.5), TimeProvider.System, ct).ConfigureAwait(false);
        var start = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref received, 0);
        await Task.Delay(TimeSpan.FromSeconds(telemetrySeconds), TimeProvider.System, ct).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var rate = Volatile.Read(ref received) / elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"telemetry: configured 50 Hz, received {rate:0.0} Hz over {elapsed:0.0} s"));
        var proc = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"process: working set {proc.WorkingSet64 / 1048576.0:0.0} MB, GC heap {GC.GetTotalMemory(false) / 1048576.0:0.0} MB"));
        return 0;

        async Task<double> OneAsync(int i, bool warmup)
        {
            // A unique speed per command identifies its driver call (the tick re-applies the previous one).
            var linear = 0.0001 * ((i % 9000) + 1) * (warmup ? -1 : 1);
            var tcs = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref pending, tcs);
            Volatile.Write(ref expected, linear);
            var cmd = new TeleopCommand
            {
                CommandId = (warmup ? "w" : "c") + i.ToString(CultureInfo.InvariantCulture),
                IssuedAt = TimeProvider.System.GetUtcNow(),
                TtlMs = 1000,
                LinearMps = linear,
                AngularRadps = 0,
            };
            var payload = ProtocolCodec.Encode(cmd);
            var t0 = Stopwatch.GetTimestamp();
            await client.PublishAsync(new LinkMessage(topic, payload), ct).ConfigureAwait(false);
            var done = await Task.WhenAny(tcs.Task, Task.Delay(TimeSpan.FromSeconds(2), TimeProvider.System, ct)).ConfigureAwait(false);
            return done == tcs.Task ? Stopwatch.GetElapsedTime(t0, tcs.Task.Result).TotalMilliseconds : double.NaN;
        }
    }

    private static double Pct(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken ct)
    {
        for (var i = 0; i < 500 && !condition(); i++) await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, ct).ConfigureAwait(false);
        if (!condition()) throw new TimeoutException("the robot did not connect to the broker");
    }
}
