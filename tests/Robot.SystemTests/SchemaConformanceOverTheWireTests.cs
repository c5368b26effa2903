using System.Text;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.SystemTests.Support;
using Robot.TestSupport;

namespace Robot.SystemTests;

/// <summary>Every VDA 5050 message the robot puts on the wire validates against the official 2.1.0 schemas.</summary>
public class SchemaConformanceOverTheWireTests
{
    [Fact]
    public async Task Every_message_the_robot_sends_validates_through_an_order_an_estop_and_refused_input()
    {
        await using var rig = await SystemRig.StartAsync(BrokerKind.Embedded);
        await rig.Probe.WaitForAsync<State>("/state");

        // Drive an order with a lift action, provoke refusals and an e-stop: the state carries errors,
        // actionStates, node and edge states, and every other optional part.
        var order = $$"""
        {"headerId":1,"timestamp":"{{rig.Stamp}}","version":"2.1.0","manufacturer":"{{SystemRig.Manufacturer}}","serialNumber":"{{rig.Serial}}",
         "orderId":"o-schema","orderUpdateId":0,
         "nodes":[{"nodeId":"a","sequenceId":0,"released":true,"nodePosition":{"x":0,"y":0,"mapId":"yard"},"actions":[]},
                  {"nodeId":"b","sequenceId":2,"released":true,"nodePosition":{"x":1.5,"y":0,"mapId":"yard"},
                   "actions":[{"actionType":"liftTo","actionId":"l1","blockingType":"HARD","actionParameters":[{"key":"heightM","value":0.8}]}]},
                  {"nodeId":"c","sequenceId":4,"released":false,"nodePosition":{"x":3,"y":0,"mapId":"yard"},"actions":[]}],
         "edges":[{"edgeId":"ab","sequenceId":1,"released":true,"startNodeId":"a","endNodeId":"b","actions":[]},
                  {"edgeId":"bc","sequenceId":3,"released":false,"startNodeId":"b","endNodeId":"c","actions":[]}]}
        """;
        await rig.Probe.PublishAsync(rig.Vda(MessageKind.Order), order);
        await rig.Probe.WaitForAsync<State>("/state", s => s.LastNodeId == "b" && s.ActionStates.Any(a => a.ActionId == "l1" && a.ActionStatus == ActionStatus.Finished), TimeSpan.FromSeconds(30));
        await rig.Probe.PublishAsync(rig.Vda(MessageKind.InstantActions),
            $$"""{"headerId":2,"timestamp":"{{rig.Stamp}}","version":"2.1.0","manufacturer":"{{SystemRig.Manufacturer}}","serialNumber":"{{rig.Serial}}","actions":[{"actionType":"factsheetRequest","actionId":"f1","blockingType":"NONE"},{"actionType":"fly","actionId":"x1","blockingType":"NONE"}]}""");
        await rig.Probe.PublishAsync(rig.Vda(MessageKind.Order), "{ not json");
        await rig.CommandAsync(CommandNames.EmergencyStop);
        await rig.Probe.WaitForAsync<State>("/state", s => s.SafetyState.EStop == EStopState.Remote && s.Errors.Any(e => e.ErrorType == "malformedJson"));
        await rig.CommandAsync(CommandNames.ResetEmergencyStop);
        var mark = rig.Probe.Mark();
        await rig.Robot.StopAsync();
        await rig.Probe.WaitForAsync<Connection>("/connection", c => c.ConnectionState == ConnectionState.Offline, after: mark);

        var schemas = Vda5050Schemas.Shared;
        var checkedTopics = new HashSet<string>();
        var problems = new List<string>();
        foreach (var m in rig.Probe.All)
        {
            if (!TopicScheme.TryParse(m.Topic, out var address) || !TopicScheme.IsVda(address.Kind)) continue;
            if (address.Kind is MessageKind.Order or MessageKind.InstantActions) continue; // ours, not the robot's
            var topic = m.Topic[(m.Topic.LastIndexOf('/') + 1)..];
            var json = Encoding.UTF8.GetString(m.Payload.Span);
            checkedTopics.Add(topic);
            problems.AddRange(schemas.Validate(topic, json).Select(p => $"{topic}: {p}\n  {json[..Math.Min(json.Length, 300)]}"));
            problems.AddRange(Vda5050Schemas.TimestampProblems(json, "timestamp").Select(p => $"{topic}: {p}"));
        }
        Assert.Empty(problems);
        Assert.Superset(new HashSet<string> { "connection", "state", "visualization", "factsheet" }, checkedTopics);
    }
}
