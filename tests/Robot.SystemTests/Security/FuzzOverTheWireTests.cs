using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Robot.Protocol.Broker;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Simulator.Composition;

namespace Robot.SystemTests.Security;

/// <summary>
/// 10,000 malformed messages on every inbound control topic of a robot on its embedded broker, from
/// an officer's account (the broker lets them through): the host does not crash, its memory stays
/// bounded, every message is refused with an error of its own, and the robot still answers and
/// stops. Seeded, so a failure can be replayed.
/// </summary>
public sealed class FuzzOverTheWireTests
{
    private const string Serial = "FUZZ-001";
    private const int PerTopic = 2_000;

    [Fact]
    public async Task Ten_thousand_malformed_messages_are_each_refused_and_the_robot_keeps_working()
    {
        var port = EmbeddedBroker.FreePort(IPAddress.Loopback);
        var options = new SimulatedRobotOptions
        {
            BrokerUri = new Uri($"mqtt://127.0.0.1:{port}"),
            EmbeddedBroker = true,
            SerialNumber = Serial,
            // Each refusal is a warning; the first hundred are logged, which is the point, not the console.
            MinimumLogLevel = LogLevel.Error,
        };
        // The fuzzer is one connection: lift the broker's per-connection rate so every message reaches the robot.
        options.Config["Broker:MaxPublishesPerSecond"] = "100000";
        await using var robot = await SimulatedRobot.StartAsync(options);
        await using var fuzzer = new MqttLink(new MqttLinkOptions
        {
            BrokerUri = options.BrokerUri, ClientId = "fuzzer", Username = "fuzzer", Password = robot.IssueAccount("fuzzer", ClientRole.Officer),
        }, TimeProvider.System);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20))) await fuzzer.StartAsync(timeout.Token);
        // Both of the robot's connections up (the fuzz goes to the control one, which must have subscribed).
        var bridge = robot.Host.Services.GetRequiredService<Robot.Host.Link.ProtocolBridge>();
        for (var i = 0; i < 500 && !bridge.Linked; i++) await Task.Delay(20);
        Assert.True(bridge.Linked);

        var topics = new[]
        {
            TopicScheme.Vda(options.Manufacturer, Serial, MessageKind.Order),
            TopicScheme.Vda(options.Manufacturer, Serial, MessageKind.InstantActions),
            TopicScheme.Extension(Serial, MessageKind.Teleop),
            TopicScheme.Extension(Serial, MessageKind.Command),
            TopicScheme.Extension(Serial, MessageKind.Operator),
        };
        var random = new Random(20261203);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var errorsBefore = robot.Controller.InputErrorsTotal;
        var sent = 0;
        var bytes = 0L;
        foreach (var topic in topics)
        {
            for (var i = 0; i < PerTopic; i++)
            {
                var payload = Malformed(random, i);
                var decoded = ProtocolCodec.Decode(topic, payload);
                Assert.True(decoded.Error is not null, $"fuzz case {i % 10} on {topic} decodes: {Encoding.UTF8.GetString(payload.AsSpan(0, Math.Min(200, payload.Length)))}");
                // QoS 1, one at a time: the broker has taken each before the next (the robot's intake queue bounds the rest).
                Assert.True(await fuzzer.PublishAsync(new LinkMessage(topic, payload, 1)), $"the broker refused fuzz message {sent} on {topic}");
                sent++;
                bytes += payload.Length;
            }
        }

        // Every message gets its own error (state.errors keeps the newest; the counter keeps them all).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (robot.Controller.InputErrorsTotal - errorsBefore < sent && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.Equal(sent, robot.Controller.InputErrorsTotal - errorsBefore);
        Assert.True(sent >= 10_000);

        // Still up: it answers a command, and an e-stop latches at the drive outputs.
        var officer = new MqttLink(new MqttLinkOptions { BrokerUri = options.BrokerUri, ClientId = "officer-after", Username = "officer", Password = robot.IssueAccount("officer", ClientRole.Officer) }, TimeProvider.System);
        await using (officer)
        {
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20))) await officer.StartAsync(timeout.Token);
            var now = robot.Time.GetUtcNow();
            var estop = new CommandRequest { CommandId = "after-fuzz", IssuedAt = now, ExpiresAt = now.AddSeconds(30), Command = CommandNames.EmergencyStop };
            var answer = await officer.RequestAsync(topics[3], ProtocolCodec.Encode(estop), TimeSpan.FromSeconds(20));
            Assert.True(ProtocolCodec.TryDecode<CommandResponse>(answer.Payload.Span, out var response, out _) && response!.Accepted);
            Assert.True(robot.Controller.BuildTelemetry(0).EmergencyStop.Latched);
        }

        // Bounded memory: some 60 MB went through; the process keeps a small part of it at most.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var growth = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;
        Assert.True(growth < 32L * 1024 * 1024, $"managed memory grew by {growth / (1024 * 1024)} MB after {bytes / (1024 * 1024)} MB of fuzz");
        Assert.True(bytes > 40L * 1024 * 1024, $"only {bytes / (1024 * 1024)} MB of fuzz");
    }

    /// <summary>One malformed payload: never a valid message of any kind.</summary>
    private static byte[] Malformed(Random random, int i)
    {
        const string valid = """{"headerId":1,"timestamp":"2026-12-03T10:00:00.000Z","version":"2.1.0","manufacturer":"PortCustoms","serialNumber":"FUZZ-001","commandId":"c","issuedAt":"2026-12-03T10:00:00.000Z","expiresAt":"2026-12-03T10:00:30.000Z","command":"status","linearMps":0.1,"angularRadps":0,"ttlMs":300,"operatorId":"op","state":"ONLINE","actions":[],"nodes":[],"edges":[],"orderId":"o","orderUpdateId":0}""";
        switch (i % 10)
        {
            case 0: // random bytes
            {
                var b = new byte[1 + random.Next(2000)];
                random.NextBytes(b);
                b[0] = (byte)'#';
                return b;
            }
            case 1: // a well-formed start cut short
                return Encoding.UTF8.GetBytes(valid[..random.Next(1, valid.Length - 1)]);
            case 2: // nesting far past the parser's depth limit
                return Encoding.UTF8.GetBytes(new string('[', 5_000) + new string(']', 5_000));
            case 3: // not UTF-8
                return [(byte)'{', (byte)'"', 0xC3, 0x28, 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'];
            case 4: // JSON of the wrong shape
                return Encoding.UTF8.GetBytes(random.Next(4) switch { 0 => "null", 1 => "[]", 2 => "\"text\"", _ => "12345" });
            case 5: // an object with the right names and wrong types
                return Encoding.UTF8.GetBytes("""{"headerId":"x","timestamp":7,"commandId":[],"command":{},"linearMps":"fast","ttlMs":null,"operatorId":false,"state":1,"actions":"none","nodes":{},"orderId":3}""");
            case 6: // numbers no double holds
                return Encoding.UTF8.GetBytes(valid.Replace("\"headerId\":1", "\"headerId\":1e999999", StringComparison.Ordinal).Replace("\"linearMps\":0.1", "\"linearMps\":1e400", StringComparison.Ordinal).Replace("\"ttlMs\":300", "\"ttlMs\":99999999999999999999", StringComparison.Ordinal)[..(valid.Length - 1)]);
            case 7: // empty
                return [];
            case 8: // large garbage under the size limit: memory must not keep it
            {
                var b = new byte[60_000 + random.Next(60_000)];
                random.NextBytes(b);
                b[0] = (byte)'{';
                return b;
            }
            default: // control characters and a duplicate key in an unterminated object
                return Encoding.UTF8.GetBytes("{\"command\":\"status\",\"command\":\"emergencyStop\u0000\u0007\",\"commandId\":");
        }
    }
}
