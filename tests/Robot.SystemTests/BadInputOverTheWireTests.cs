using System.Text;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.SystemTests.Support;

namespace Robot.SystemTests;

/// <summary>
/// Bad input on every inbound topic, over a real broker: each is refused with an error in
/// state.errors, the host stays up and answers, and nothing moves.
/// </summary>
public class BadInputOverTheWireTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var topic in new[] { "order", "instantActions", "teleop", "commands", "operator" })
        {
            foreach (var kind in new[] { "random", "truncated", "wrongType", "outOfRange", "unknownEnum", "oversized", "empty", "stale", "replayed" })
            {
                // A replayed order would be taken once (and move the robot); its replay is covered in the host's tests.
                if (kind == "stale" && topic is not ("teleop" or "commands" or "order" or "instantActions")) continue;
                if (kind == "replayed" && topic is not ("teleop" or "commands" or "instantActions")) continue;
                if (kind == "unknownEnum" && topic is "teleop" or "commands") continue;
                data.Add(topic, kind);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Bad_input_is_refused_reported_and_moves_nothing(string topic, string kind)
    {
        // The embedded broker itself refuses an oversized payload (BrokerSecurityTests); the robot's own
        // check is for a broker that forwards anything, as the test Mosquitto does.
        await using var rig = await SystemRig.StartAsync(kind == "oversized" ? BrokerKind.Mosquitto : BrokerKind.Embedded);
        await rig.Probe.WaitForAsync<State>("/state");
        var mqttTopic = topic switch
        {
            "order" => rig.Vda(MessageKind.Order),
            "instantActions" => rig.Vda(MessageKind.InstantActions),
            "teleop" => rig.Ext(MessageKind.Teleop),
            "commands" => rig.Ext(MessageKind.Command),
            _ => rig.Ext(MessageKind.Operator),
        };
        var valid = ValidPayload(rig, topic);
        byte[] payload = kind switch
        {
            "random" => RandomBytes(topic.Length * 31 + 7),
            "truncated" => valid[..(valid.Length / 2)],
            "wrongType" => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(valid).Replace("\"headerId\":0", "\"headerId\":\"zero\"").Replace("\"ttlMs\":300", "\"ttlMs\":\"300\"").Replace("\"command\":\"status\"", "\"command\":42").Replace("\"operatorId\":\"op\"", "\"operatorId\":7")),
            "outOfRange" => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(valid).Replace("\"x\":0", "\"x\":1e9").Replace("\"linearMps\":0.5", "\"linearMps\":99").Replace("\"command\":\"status\"", "\"command\":\"liftTo\",\"heightM\":-4").Replace("\"actionId\":\"i1\"", "\"actionId\":\"" + new string('a', 200) + "\"").Replace("\"operatorId\":\"op\"", "\"operatorId\":\"a/b#\"")),
            "unknownEnum" => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(valid).Replace("\"NONE\"", "\"SOMETIMES\"").Replace("\"ONLINE\"", "\"ASLEEP\"")),
            "oversized" => Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', ProtocolCodec.DefaultMaxPayloadBytes + 10) + "\"}"),
            "empty" => [],
            "stale" => topic switch
            {
                "teleop" => ProtocolCodec.Encode(rig.Teleop(0.5) with { IssuedAt = rig.Now.AddMinutes(-5) }),
                "commands" => ProtocolCodec.Encode(new CommandRequest { CommandId = "old", IssuedAt = rig.Now.AddMinutes(-5), ExpiresAt = rig.Now.AddMinutes(5), Command = CommandNames.LiftTo, HeightM = 1.5 }),
                _ => Encoding.UTF8.GetBytes(System.Text.RegularExpressions.Regex.Replace(Encoding.UTF8.GetString(valid), "\"timestamp\":\"[^\"]*\"", "\"timestamp\":\"2025-12-24T08:00:00.000Z\"")),
            },
            "replayed" => valid,
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        if (kind != "replayed") Assert.NotEqual(Encoding.UTF8.GetString(valid), Encoding.UTF8.GetString(payload)); // the case really changed something
        if (kind == "replayed")
        {
            // The first copy is fine (and for teleop moves the robot until the dead-man stops it).
            await rig.Probe.PublishAsync(mqttTopic, valid);
            await rig.VirtualDelayAsync(TimeSpan.FromSeconds(2));
        }
        var oldOdometer = rig.Robot.World.Odometer;
        var oldLift = rig.Robot.World.Lift.Height.Meters;
        var mark = rig.Probe.Mark();

        await rig.Probe.PublishAsync(mqttTopic, payload);

        var state = await rig.Probe.WaitForAsync<State>("/state", s => s.Errors.Any(e => e.ErrorReferences?.Any(r => r.ReferenceKey == "topic") == true), after: mark);
        var error = state.Errors.Last(e => e.ErrorReferences?.Any(r => r.ReferenceKey == "topic") == true);
        Assert.False(string.IsNullOrWhiteSpace(error.ErrorDescription));
        Assert.Equal(ErrorLevel.Warning, error.ErrorLevel);

        // Still up and answering; nothing moved.
        var status = await rig.CommandAsync(CommandNames.Status);
        Assert.True(status.Accepted);
        await rig.VirtualDelayAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(oldOdometer, rig.Robot.World.Odometer, 3);
        Assert.Equal(oldLift, rig.Robot.World.Lift.Height.Meters, 6);
        Assert.Equal("", state.OrderId);
    }

    private static byte[] ValidPayload(SystemRig rig, string topic) => topic switch
    {
        "order" => Encoding.UTF8.GetBytes($$"""{"headerId":0,"timestamp":"{{rig.Stamp}}","version":"2.1.0","manufacturer":"{{SystemRig.Manufacturer}}","serialNumber":"{{rig.Serial}}","orderId":"o","orderUpdateId":0,"nodes":[{"nodeId":"a","sequenceId":0,"released":true,"nodePosition":{"x":0,"y":0,"mapId":"yard"},"actions":[{"actionType":"liftTo","actionId":"i1","blockingType":"NONE","actionParameters":[{"key":"heightM","value":1.0}]}]}],"edges":[]}"""),
        "instantActions" => Encoding.UTF8.GetBytes($$"""{"headerId":0,"timestamp":"{{rig.Stamp}}","version":"2.1.0","manufacturer":"{{SystemRig.Manufacturer}}","serialNumber":"{{rig.Serial}}","actions":[{"actionType":"stateRequest","actionId":"i1","blockingType":"NONE"}]}"""),
        "teleop" => ProtocolCodec.Encode(rig.Teleop(0.5, ttlMs: 300) with { CommandId = "fixed-teleop" }),
        "commands" => Encoding.UTF8.GetBytes(ProtocolCodec.EncodeToString(new CommandRequest { CommandId = "fixed-cmd", IssuedAt = rig.Now, ExpiresAt = rig.Now.AddSeconds(60), Command = CommandNames.Status })),
        _ => Encoding.UTF8.GetBytes($$"""{"operatorId":"op","state":"ONLINE","timestamp":"2026-11-26T08:00:00.000Z"}"""),
    };

    private static byte[] RandomBytes(int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[200 + random.Next(800)];
        random.NextBytes(bytes);
        return bytes;
    }
}
