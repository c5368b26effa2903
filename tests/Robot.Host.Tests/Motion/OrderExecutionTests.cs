using System.Text.Json;
using Robot.Host.Motion;
using Robot.Host.Tests.Support;
using Robot.Protocol.Codec;
using Robot.Protocol.Vda5050;

namespace Robot.Host.Tests.Motion;

/// <summary>VDA 5050 orders on the virtual clock: node by node, updates, pause, cancel, refusals.</summary>
public class OrderExecutionTests
{
    [Fact]
    public async Task A_three_node_order_is_driven_node_by_node_and_finishes()
    {
        await using var rig = new RobotRig();
        var order = rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 3, 0), RobotRig.Node("n3", 4, 3, 2));
        Assert.Null(rig.Controller.HandleOrder(order));
        var visited = new List<string> { rig.State().LastNodeId };
        var finished = rig.RunUntil(() =>
        {
            var s = rig.State();
            if (visited[^1] != s.LastNodeId) visited.Add(s.LastNodeId);
            return s.NodeStates.Count == 0 && !s.Driving && s.LastNodeId == "n3";
        }, TimeSpan.FromSeconds(60));
        Assert.True(finished, "the order did not finish within 60 s of virtual time");
        Assert.Equal(["n1", "n2", "n3"], visited);
        var pose = rig.World.Pose;
        Assert.InRange(pose.X.Meters, 2.85, 3.15);
        Assert.InRange(pose.Y.Meters, 1.85, 2.15);
        var state = rig.State();
        Assert.Empty(state.EdgeStates);
        Assert.Equal(4, state.LastNodeSequenceId);
    }

    [Fact]
    public async Task Node_and_edge_states_shrink_as_nodes_are_passed()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 2, 0), RobotRig.Node("n3", 4, 4, 0))));
        var s = rig.State();
        Assert.Equal(["n2", "n3"], s.NodeStates.Select(n => n.NodeId));
        Assert.Equal(2, s.EdgeStates.Count);
        Assert.True(rig.RunUntil(() => rig.State().LastNodeId == "n2", TimeSpan.FromSeconds(30)));
        s = rig.State();
        Assert.Equal(["n3"], s.NodeStates.Select(n => n.NodeId));
        Assert.Single(s.EdgeStates);
    }

    [Fact]
    public async Task The_first_node_must_be_where_the_robot_stands()
    {
        await using var rig = new RobotRig();
        var error = rig.Controller.HandleOrder(rig.Order("far", 0, RobotRig.Node("n1", 0, 10, 10), RobotRig.Node("n2", 2, 12, 10)));
        Assert.Equal(ProtocolErrorCode.OrderRejected, error?.Code);
        Assert.Contains("first node", error!.Message);
        var state = rig.State();
        Assert.Equal("", state.OrderId); // refused: nothing changed
        Assert.Contains(state.Errors, e => e.ErrorType == ProtocolErrorCode.OrderRejected);
        rig.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(0, rig.World.Odometer, 9);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "gap", "sequenceIds" },
        { "edge", "must join" },
        { "map", "map" },
        { "released", "follows an unreleased" },
        { "action", "not supported" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Inconsistent_orders_are_refused_with_the_reason_and_change_nothing(string kind, string expected)
    {
        await using var rig = new RobotRig();
        var ok = rig.Order("bad", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 2, 0), RobotRig.Node("n3", 4, 4, 0));
        var order = kind switch
        {
            "gap" => ok with { Nodes = [ok.Nodes[0], ok.Nodes[1] with { SequenceId = 6 }, ok.Nodes[2]] },
            "edge" => ok with { Edges = [ok.Edges[0] with { EndNodeId = "n3" }, ok.Edges[1]] },
            "map" => ok with { Nodes = [ok.Nodes[0], ok.Nodes[1] with { NodePosition = ok.Nodes[1].NodePosition! with { MapId = "other" } }, ok.Nodes[2]] },
            "released" => ok with
            {
                Nodes = [ok.Nodes[0], ok.Nodes[1] with { Released = false }, ok.Nodes[2]],
                Edges = [ok.Edges[0] with { Released = false }, ok.Edges[1]],
            },
            "action" => ok with { Nodes = [ok.Nodes[0], ok.Nodes[1] with { Actions = [new VdaAction { ActionType = "dance", ActionId = "a1", BlockingType = BlockingType.Hard }] }, ok.Nodes[2]] },
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        var error = rig.Controller.HandleOrder(order);
        Assert.NotNull(error);
        Assert.Contains(expected, error!.Message);
        Assert.Equal("", rig.State().OrderId);
        rig.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, rig.World.Odometer, 9);
    }

    [Fact]
    public async Task Order_updates_extend_the_base_and_stale_updates_are_refused()
    {
        await using var rig = new RobotRig();
        // Base n1-n2, horizon n3.
        var first = rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 2, 0), RobotRig.Node("n3", 4, 4, 0, released: false));
        Assert.Null(rig.Controller.HandleOrder(first));
        Assert.True(rig.RunUntil(() => rig.State().LastNodeId == "n2" && !rig.State().Driving, TimeSpan.FromSeconds(30)));
        rig.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("n2", rig.State().LastNodeId); // waits at the end of the base

        var update = rig.Order("o1", 1, RobotRig.Node("n2", 2, 2, 0), RobotRig.Node("n3", 4, 4, 0));
        Assert.Null(rig.Controller.HandleOrder(update));
        Assert.True(rig.RunUntil(() => rig.State().LastNodeId == "n3", TimeSpan.FromSeconds(30)));

        var stale = rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n3", 4, 4, 0)));
        Assert.Equal(ProtocolErrorCode.OrderUpdateRejected, stale?.Code);
        // A repeat of the current update (resent by the fleet manager, so with its own headerId) is ignored, as VDA 5050 asks.
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 1, RobotRig.Node("n2", 2, 2, 0), RobotRig.Node("n3", 4, 4, 0))));
    }

    [Fact]
    public async Task An_update_that_does_not_start_at_the_last_base_node_is_refused()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 2, 0), RobotRig.Node("n3", 4, 4, 0, released: false))));
        var error = rig.Controller.HandleOrder(rig.Order("o1", 1, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n9", 2, 1, 1)));
        Assert.Equal(ProtocolErrorCode.OrderUpdateRejected, error?.Code);
        Assert.Equal(0, rig.State().OrderUpdateId);
    }

    [Fact]
    public async Task A_new_order_is_refused_while_another_runs()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 5, 0))));
        var error = rig.Controller.HandleOrder(rig.Order("o2", 0, RobotRig.Node("m1", 0, 0, 0), RobotRig.Node("m2", 2, 1, 0)));
        Assert.Equal(ProtocolErrorCode.OrderRejected, error?.Code);
        Assert.Equal("o1", rig.State().OrderId);
    }

    [Fact]
    public async Task Pause_holds_the_robot_and_stop_pause_resumes()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 6, 0))));
        rig.Advance(TimeSpan.FromSeconds(2));
        rig.Controller.HandleInstantActions(rig.Instant("startPause"));
        rig.Advance(TimeSpan.FromSeconds(2)); // time to brake
        var held = rig.World.Odometer;
        rig.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(held, rig.World.Odometer, 6);
        Assert.True(rig.State().Paused);
        Assert.All(rig.State().ActionStates.Where(a => a.ActionType == "startPause"), a => Assert.Equal(ActionStatus.Finished, a.ActionStatus));

        rig.Controller.HandleInstantActions(rig.Instant("stopPause"));
        Assert.True(rig.RunUntil(() => rig.State().LastNodeId == "n2", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Cancel_stops_the_order_and_clears_its_nodes_and_a_cancel_without_order_fails()
    {
        await using var rig = new RobotRig();
        rig.Controller.HandleInstantActions(rig.Instant("cancelOrder"));
        var s = rig.State();
        Assert.Contains(s.ActionStates, a => a.ActionType == "cancelOrder" && a.ActionStatus == ActionStatus.Failed);
        Assert.Contains(s.Errors, e => e.ErrorType == "noOrderToCancel");

        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 6, 0))));
        rig.Advance(TimeSpan.FromSeconds(2));
        rig.Controller.HandleInstantActions(rig.Instant("cancelOrder"));
        rig.Advance(TimeSpan.FromSeconds(3));
        var stopped = rig.World.Odometer;
        rig.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(stopped, rig.World.Odometer, 6);
        s = rig.State();
        Assert.Empty(s.NodeStates);
        Assert.Equal("n1", s.LastNodeId);
        Assert.Contains(s.ActionStates, a => a.ActionType == "cancelOrder" && a.ActionStatus == ActionStatus.Finished);
    }

    [Fact]
    public async Task LiftTo_node_action_raises_the_mast_before_the_robot_drives_on()
    {
        await using var rig = new RobotRig();
        var lift = new VdaAction
        {
            ActionType = "liftTo",
            ActionId = "lift1",
            BlockingType = BlockingType.Hard,
            ActionParameters = [new ActionParameter { Key = "heightM", Value = JsonDocument.Parse("1.3").RootElement }],
        };
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0, true, lift), RobotRig.Node("n2", 2, 2, 0))));
        rig.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, rig.World.Odometer, 6); // waits for the lift
        Assert.Equal(ActionStatus.Running, rig.State().ActionStates.Single(a => a.ActionId == "lift1").ActionStatus);
        Assert.True(rig.RunUntil(() => rig.State().LastNodeId == "n2", TimeSpan.FromSeconds(40)));
        Assert.Equal(1.3, rig.World.Lift.Height.Meters, 3);
        Assert.Equal(ActionStatus.Finished, rig.State().ActionStates.Single(a => a.ActionId == "lift1").ActionStatus);
    }

    [Fact]
    public async Task Emergency_stop_during_an_order_holds_it_and_only_stop_pause_after_reset_moves_on()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 6, 0))));
        rig.Advance(TimeSpan.FromSeconds(2));
        rig.World.EmergencyStop.Press();
        Assert.True(rig.World.Drive.Command.OutputsOff);
        rig.World.EmergencyStop.Release();
        Assert.True(rig.Controller.HandleCommand(rig.Command("resetEmergencyStop")).Accepted);
        rig.Advance(TimeSpan.FromSeconds(3));
        var held = rig.World.Odometer;
        rig.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(held, rig.World.Odometer, 6);
        Assert.True(rig.State().Paused);
        rig.Controller.HandleInstantActions(rig.Instant("stopPause"));
        Assert.True(rig.RunUntil(() => rig.State().LastNodeId == "n2", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Teleop_is_refused_while_an_order_runs()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 6, 0))));
        Assert.Equal(ProtocolErrorCode.Busy, rig.Controller.HandleTeleop(rig.Teleop(0.2))?.Code);
    }

    [Fact]
    public async Task State_keeps_only_the_newest_finished_instant_actions_however_many_watchers_asked()
    {
        await using var rig = new RobotRig();
        for (var i = 0; i < 100; i++) rig.Controller.HandleInstantActions(rig.Instant("stateRequest"));
        rig.Controller.HandleInstantActions(rig.Instant("startPause"));

        var states = rig.State().ActionStates;
        Assert.Equal(OrderExecutor.MaxRememberedInstantActions, states.Count);
        Assert.Equal("startPause", states[^1].ActionType);
        Assert.All(states, a => Assert.Contains(a.ActionStatus, new[] { ActionStatus.Finished, ActionStatus.Failed }));
    }
}
