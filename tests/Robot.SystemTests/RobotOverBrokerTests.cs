using System.Text;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.SystemTests.Support;

namespace Robot.SystemTests;

/// <summary>
/// The real host over the simulated yard, driven through a real broker exactly as any client would:
/// the embedded MQTTnet broker and Mosquitto both.
/// </summary>
public class RobotOverBrokerTests
{
    [Theory]
    [MemberData(nameof(BrokerKind.Both), MemberType = typeof(BrokerKind))]
    public async Task Robot_announces_itself_online_with_a_retained_connection_and_factsheet(string broker)
    {
        await using var rig = await SystemRig.StartAsync(broker);
        var connection = await rig.Probe.WaitForAsync<Connection>("/connection", c => c.ConnectionState == ConnectionState.Online);
        Assert.Equal(rig.Serial, connection.SerialNumber);
        var factsheet = await rig.Probe.WaitForAsync<Factsheet>("/factsheet");
        Assert.Contains(factsheet.ProtocolFeatures.AgvActions, a => a.ActionType == "cancelOrder");
        await rig.Probe.WaitForAsync<State>("/state");
        await rig.Probe.WaitForAsync<Telemetry>("/telemetry");

        // A late subscriber still learns both from the retained messages.
        await using var late = await ProtocolProbe.ConnectAsync(rig.Broker.Uri, rig.Serial, TimeProvider.System);
        await late.WaitForAsync<Connection>("/connection", c => c.ConnectionState == ConnectionState.Online);
        await late.WaitForAsync<Factsheet>("/factsheet");
    }

    [Theory]
    [MemberData(nameof(BrokerKind.Both), MemberType = typeof(BrokerKind))]
    public async Task A_hand_written_three_node_order_takes_the_robot_through_the_nodes_in_sequence(string broker)
    {
        await using var rig = await SystemRig.StartAsync(broker);
        await rig.Probe.WaitForAsync<State>("/state");
        // Written by hand from the VDA 5050 2.1.0 specification, as a fleet manager (or mosquitto_pub) would send it.
        var order = $$"""
        {
          "headerId": 1, "timestamp": "{{rig.Stamp}}", "version": "2.1.0",
          "manufacturer": "{{SystemRig.Manufacturer}}", "serialNumber": "{{rig.Serial}}",
          "orderId": "order-1", "orderUpdateId": 0,
          "nodes": [
            { "nodeId": "start", "sequenceId": 0, "released": true, "nodePosition": { "x": 0.0, "y": 0.0, "mapId": "yard" }, "actions": [] },
            { "nodeId": "gate",  "sequenceId": 2, "released": true, "nodePosition": { "x": 3.0, "y": 0.0, "mapId": "yard", "allowedDeviationXY": 0.1 }, "actions": [] },
            { "nodeId": "bay-7", "sequenceId": 4, "released": true, "nodePosition": { "x": 3.0, "y": 2.5, "theta": 1.5708, "mapId": "yard" }, "actions": [] }
          ],
          "edges": [
            { "edgeId": "e1", "sequenceId": 1, "released": true, "startNodeId": "start", "endNodeId": "gate", "maxSpeed": 0.8, "actions": [] },
            { "edgeId": "e2", "sequenceId": 3, "released": true, "startNodeId": "gate", "endNodeId": "bay-7", "actions": [] }
          ]
        }
        """;
        await rig.Probe.PublishAsync(rig.Vda(MessageKind.Order), order);
        await rig.Probe.WaitForAsync<State>("/state", s => s.OrderId == "order-1" && s.LastNodeId == "start");
        await rig.Probe.WaitForAsync<State>("/state", s => s.OrderId == "order-1" && s.LastNodeId == "gate", TimeSpan.FromSeconds(30));
        var done = await rig.Probe.WaitForAsync<State>("/state",
            s => s.OrderId == "order-1" && s.LastNodeId == "bay-7" && s.NodeStates.Count == 0 && !s.Driving, TimeSpan.FromSeconds(30));
        Assert.Empty(done.EdgeStates);
        Assert.Equal(4, done.LastNodeSequenceId);
        Assert.InRange(done.AgvPosition!.X, 2.85, 3.15);
        Assert.InRange(done.AgvPosition.Y, 2.35, 2.65);

        // The order of last nodes the robot reported never went backwards or skipped.
        var sequence = rig.Probe.All.Where(m => m.Topic.EndsWith("/state", StringComparison.Ordinal))
            .Select(m => Robot.Protocol.Codec.ProtocolCodec.TryDecode<State>(m.Payload.Span, out var s, out _) ? s!.LastNodeId : "")
            .Where(id => id.Length > 0).Distinct().ToList();
        Assert.Equal(["start", "gate", "bay-7"], sequence);
    }

    [Theory]
    [MemberData(nameof(BrokerKind.Both), MemberType = typeof(BrokerKind))]
    public async Task Teleop_moves_the_robot_and_stopping_the_stream_stops_it_within_the_expiry(string broker)
    {
        await using var rig = await SystemRig.StartAsync(broker);
        await rig.Probe.WaitForAsync<State>("/state");
        DateTimeOffset? stoppedAt = null;
        var lastSample = DateTimeOffset.MinValue;
        for (var i = 0; i < 20; i++)
        {
            var sample = rig.Teleop(0.5, ttlMs: 300);
            lastSample = sample.IssuedAt;
            await rig.SendTeleopAsync(sample);
            await rig.VirtualDelayAsync(TimeSpan.FromMilliseconds(100));
        }
        Assert.True(rig.Robot.World.Odometer > 0.3, $"the robot drove only {rig.Robot.World.Odometer:0.###} m");
        rig.Robot.World.Drive.OnCommand = (linear, _, _) =>
        {
            if (linear == 0 && stoppedAt is null) stoppedAt = rig.Now;
        };
        Assert.True(await rig.EventuallyAsync(() => stoppedAt is not null), "the robot never stopped after the stream ended");
        // Expiry 300 ms from receipt, plus one 20 ms tick, plus the virtual time the last sample spent in flight.
        Assert.True(stoppedAt!.Value - lastSample <= TimeSpan.FromMilliseconds(300 + 20 + 150), $"stopped {(stoppedAt.Value - lastSample).TotalMilliseconds} ms after the last sample");
        await rig.Probe.WaitForAsync<RobotEvent>("/events", e => e.Kind == "teleopExpired");
    }

    [Theory]
    [MemberData(nameof(BrokerKind.Both), MemberType = typeof(BrokerKind))]
    public async Task Emergency_stop_latches_and_nothing_moves_until_reset(string broker)
    {
        await using var rig = await SystemRig.StartAsync(broker);
        await rig.Probe.WaitForAsync<State>("/state");
        var stop = await rig.CommandAsync(CommandNames.EmergencyStop);
        Assert.True(stop.Accepted, stop.Message);
        await rig.Probe.WaitForAsync<State>("/state", s => s.SafetyState.EStop == EStopState.Remote);
        await rig.Probe.WaitForAsync<RobotEvent>("/events", e => e.Kind == "emergencyStop" && e.Severity == "alarm");

        for (var i = 0; i < 5; i++)
        {
            await rig.SendTeleopAsync(rig.Teleop(0.5));
            await rig.VirtualDelayAsync(TimeSpan.FromMilliseconds(100));
        }
        var lift = await rig.CommandAsync(CommandNames.LiftTo, 1.5);
        Assert.False(lift.Accepted);
        Assert.Equal("emergencyStopActive", lift.Code);
        await rig.Probe.WaitForAsync<State>("/state", s => s.Errors.Any(e => e.ErrorType == "emergencyStopActive"));
        Assert.Equal(0, rig.Robot.World.Odometer, 6);
        Assert.Equal(0.3, rig.Robot.World.Lift.Height.Meters, 6);

        var mark = rig.Probe.Mark();
        var reset = await rig.CommandAsync(CommandNames.ResetEmergencyStop);
        Assert.True(reset.Accepted, reset.Message);
        await rig.Probe.WaitForAsync<State>("/state", s => s.SafetyState.EStop == EStopState.None, after: mark);
        await rig.VirtualDelayAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(0, rig.Robot.World.Odometer, 6);

        await rig.SendTeleopAsync(rig.Teleop(0.5));
        Assert.True(await rig.EventuallyAsync(() => rig.Robot.World.Odometer > 0), "teleop after reset did not move the robot");
    }

    [Theory]
    [MemberData(nameof(BrokerKind.Both), MemberType = typeof(BrokerKind))]
    public async Task Status_command_answers_over_mqtt5_request_response(string broker)
    {
        await using var rig = await SystemRig.StartAsync(broker);
        var status = await rig.CommandAsync(CommandNames.Status);
        Assert.True(status.Accepted);
        Assert.NotNull(status.Status);
        Assert.Equal(rig.Serial, status.Status!.SerialNumber);
        Assert.False(status.Status.EmergencyStop.Latched);
    }

    [Theory]
    [MemberData(nameof(BrokerKind.Both), MemberType = typeof(BrokerKind))]
    public async Task Connection_shows_CONNECTIONBROKEN_on_an_unclean_drop_and_OFFLINE_on_a_clean_stop(string broker)
    {
        await using (var rig = await SystemRig.StartAsync(broker))
        {
            var mark = rig.Probe.Mark();
            await rig.Robot.KillAsync();
            await rig.Probe.WaitForAsync<Connection>("/connection", c => c.ConnectionState == ConnectionState.ConnectionBroken, after: mark);
        }
        await using (var rig = await SystemRig.StartAsync(broker))
        {
            var mark = rig.Probe.Mark();
            await rig.Robot.StopAsync();
            var offline = await rig.Probe.WaitForAsync<Connection>("/connection", c => c.ConnectionState == ConnectionState.Offline, after: mark);
            Assert.Equal(rig.Serial, offline.SerialNumber);
            // ... and no will follows a clean stop.
            await using var late = await ProtocolProbe.ConnectAsync(rig.Broker.Uri, rig.Serial, TimeProvider.System);
            await late.WaitForAsync<Connection>("/connection", c => c.ConnectionState == ConnectionState.Offline);
        }
    }

    [Fact]
    public async Task After_a_Mosquitto_restart_the_host_reconnects_and_publishes_again()
    {
        using var mosquitto = new MosquittoBroker();
        var broker = await TestBrokerFor(mosquitto);
        await using var rig = await SystemRig.StartAsync(broker);
        await rig.Probe.WaitForAsync<Connection>("/connection", c => c.ConnectionState == ConnectionState.Online);
        Assert.Equal(1, rig.Robot.Link.ConnectCount);

        var mark = rig.Probe.Mark();
        mosquitto.Kill();
        Assert.True(await rig.EventuallyAsync(() => !rig.Robot.Link.IsConnected), "the host did not notice the broker went away");
        mosquitto.Start();
        Assert.True(await rig.EventuallyAsync(() => rig.Robot.Link.ConnectCount >= 2, TimeSpan.FromSeconds(30)), "the host did not reconnect");
        Assert.True(await rig.EventuallyAsync(() => rig.Probe.Link.ConnectCount >= 2, TimeSpan.FromSeconds(30)), "the probe did not reconnect");

        // Publishing again (Mosquitto ran without persistence, so this ONLINE is new) and listening again.
        await rig.Probe.WaitForAsync<Connection>("/connection", c => c.ConnectionState == ConnectionState.Online, TimeSpan.FromSeconds(30), after: mark);
        await rig.Probe.WaitForAsync<Telemetry>("/telemetry", after: mark);
        var status = await rig.CommandAsync(CommandNames.Status);
        Assert.True(status.Accepted);
    }

    private static Task<TestBroker> TestBrokerFor(MosquittoBroker mosquitto) => TestBroker.ForExisting(mosquitto.Uri);
}
