using System.Text.Json;
using Robot.Host.Motion;
using Robot.Host.Tests.Support;
using Robot.Protocol.Codec;
using Robot.Protocol.Vda5050;

namespace Robot.Host.Tests.Motion;

/// <summary>
/// What the robot admits on the order and instantActions topics: fresh timestamps, rising headerIds
/// (stop actions excepted), and actionIds that do not collide with the running order's.
/// </summary>
public class OrderAdmissionTests
{
    private static VdaError? ErrorNaming(State s, string key, string value) =>
        s.Errors.FirstOrDefault(e => (e.ErrorReferences ?? []).Any(r => r.ReferenceKey == key && r.ReferenceValue == value));

    private static Order Drive(RobotRig rig, string orderId = "o1", double toX = 6) =>
        rig.Order(orderId, 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, toX, 0));

    private static VdaAction Lift(string id, double heightM) => new()
    {
        ActionType = "liftTo",
        ActionId = id,
        BlockingType = BlockingType.Hard,
        ActionParameters = [new ActionParameter { Key = "heightM", Value = JsonDocument.Parse(heightM.ToString(System.Globalization.CultureInfo.InvariantCulture)).RootElement }],
    };

    // ---------------- timestamps and headerIds ----------------

    [Fact]
    public async Task An_eleven_month_old_stopPause_replayed_does_not_resume_a_paused_robot()
    {
        await using var rig = new RobotRig();
        var old = rig.InstantWithId("stopPause", "resume-last-year") with { Timestamp = rig.Now.AddDays(-330) };
        Assert.Null(rig.Controller.HandleOrder(Drive(rig)));
        rig.Advance(TimeSpan.FromSeconds(2));
        rig.Controller.HandleInstantActions(rig.Instant("startPause"));
        rig.Advance(TimeSpan.FromSeconds(2));

        rig.Controller.HandleInstantActions(old);
        var held = rig.World.Odometer;
        rig.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(held, rig.World.Odometer, 6);
        var s = rig.State();
        Assert.True(s.Paused);
        Assert.Equal(ActionStatus.Failed, s.ActionStates.Single(a => a.ActionId == "resume-last-year").ActionStatus);
        var error = ErrorNaming(s, "actionId", "resume-last-year");
        Assert.NotNull(error);
        Assert.Equal(VdaMessageGuard.StaleMessage, error!.ErrorType);
        Assert.Equal(ErrorLevel.Warning, error.ErrorLevel);
        Assert.Contains(error.ErrorReferences!, r => r.ReferenceKey == "headerId" && r.ReferenceValue == old.HeaderId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(error.ErrorReferences!, r => r.ReferenceKey == "timestamp");
    }

    [Fact]
    public async Task A_replayed_stopPause_within_the_window_is_refused_and_the_robot_stays_paused()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(Drive(rig, toX: 8)));
        rig.Advance(TimeSpan.FromSeconds(2));
        rig.Controller.HandleInstantActions(rig.Instant("startPause"));
        var resume = rig.Instant("stopPause");
        rig.Controller.HandleInstantActions(resume);
        Assert.False(rig.State().Paused);
        rig.Advance(TimeSpan.FromSeconds(1));
        rig.Controller.HandleInstantActions(rig.Instant("startPause"));
        rig.Advance(TimeSpan.FromSeconds(2));

        rig.Controller.HandleInstantActions(resume); // the captured message, sent again 3 s later
        var held = rig.World.Odometer;
        rig.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(held, rig.World.Odometer, 6);
        Assert.True(rig.State().Paused);
        Assert.Equal(VdaMessageGuard.ReplayedMessage, ErrorNaming(rig.State(), "headerId", resume.HeaderId.ToString(System.Globalization.CultureInfo.InvariantCulture))?.ErrorType);
    }

    public static TheoryData<double, bool> OrderAges => new()
    {
        { -31, false }, // older than Motion:MessageMaxAge (30 s)
        { -29, true },
        { 4, true },
        { 6, false },   // further ahead than Motion:MessageClockSkew (5 s)
    };

    [Theory]
    [MemberData(nameof(OrderAges))]
    public async Task An_order_is_taken_only_with_a_timestamp_inside_the_window(double ageS, bool taken)
    {
        await using var rig = new RobotRig();
        var order = Drive(rig) with { Timestamp = rig.Now.AddSeconds(ageS) };
        var error = rig.Controller.HandleOrder(order);
        if (taken)
        {
            Assert.Null(error);
            Assert.Equal("o1", rig.State().OrderId);
            return;
        }
        Assert.Equal(VdaMessageGuard.StaleMessage, error?.Code);
        Assert.Equal("$.timestamp", error!.Field);
        Assert.Equal("", rig.State().OrderId);
        Assert.NotNull(ErrorNaming(rig.State(), "headerId", order.HeaderId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        rig.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, rig.World.Odometer, 9);
    }

    [Fact]
    public async Task A_replayed_order_does_not_start_again()
    {
        await using var rig = new RobotRig();
        var there = rig.Order("there", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 2, 0));
        Assert.Null(rig.Controller.HandleOrder(there));
        Assert.True(rig.RunUntil(() => !rig.Controller.HasActiveOrder, TimeSpan.FromSeconds(20)));
        Assert.Null(rig.Controller.HandleOrder(rig.Order("back", 0, RobotRig.Node("n2", 2, 2, 0), RobotRig.Node("n1", 4, 0, 0))));
        Assert.True(rig.RunUntil(() => !rig.Controller.HasActiveOrder, TimeSpan.FromSeconds(20)));
        var travelled = rig.World.Odometer;

        var error = rig.Controller.HandleOrder(there); // a captured copy, sent again inside the window
        Assert.Equal(VdaMessageGuard.ReplayedMessage, error?.Code);
        Assert.Equal("$.headerId", error!.Field);
        Assert.Equal("back", rig.State().OrderId);
        rig.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(travelled, rig.World.Odometer, 6);
    }

    [Fact]
    public async Task A_new_fleet_manager_session_starting_at_headerId_0_is_taken_when_its_timestamp_is_newer()
    {
        await using var rig = new RobotRig();
        var late = Drive(rig, "session1") with { HeaderId = 500 };
        Assert.Null(rig.Controller.HandleOrder(late));
        rig.Controller.HandleInstantActions(rig.Instant("cancelOrder") with { HeaderId = 300 });
        rig.Advance(TimeSpan.FromSeconds(3));

        // The restarted fleet manager counts from 0 again, with the current time.
        Assert.Null(rig.Controller.HandleOrder(Drive(rig, "session2") with { HeaderId = 0 }));
        Assert.Equal("session2", rig.State().OrderId);
        rig.Controller.HandleInstantActions(rig.InstantWithId("startPause", "p0") with { HeaderId = 0 });
        rig.Controller.HandleInstantActions(rig.InstantWithId("stopPause", "r1") with { HeaderId = 1 });
        Assert.Equal(ActionStatus.Finished, rig.State().ActionStates.Single(a => a.ActionId == "r1").ActionStatus);
        Assert.False(rig.State().Paused);
    }

    [Fact]
    public async Task A_lower_headerId_with_an_older_timestamp_is_refused_as_out_of_order()
    {
        await using var rig = new RobotRig();
        var earlier = rig.Now;
        rig.Advance(TimeSpan.FromSeconds(2));
        Assert.Null(rig.Controller.HandleOrder(Drive(rig, "new") with { HeaderId = 8 }));
        rig.Controller.HandleInstantActions(rig.Instant("cancelOrder"));
        rig.Advance(TimeSpan.FromSeconds(3));

        // Fresh enough, but sent before the message the robot already took: a delayed or replayed one.
        var error = rig.Controller.HandleOrder(Drive(rig, "delayed") with { HeaderId = 7, Timestamp = earlier });
        Assert.Equal(VdaMessageGuard.ReplayedMessage, error?.Code);
        Assert.Equal("new", rig.State().OrderId);
    }

    [Fact]
    public async Task With_two_senders_interleaved_a_copy_of_the_first_ones_message_is_still_refused()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(Drive(rig) with { HeaderId = 40 }));
        rig.Advance(TimeSpan.FromSeconds(1));
        var fromA = rig.InstantWithId("stopPause", "a-resume") with { HeaderId = 50 };
        rig.Controller.HandleInstantActions(rig.InstantWithId("startPause", "a-pause") with { HeaderId = 49 });
        rig.Controller.HandleInstantActions(fromA);
        rig.Advance(TimeSpan.FromSeconds(1));
        rig.Controller.HandleInstantActions(rig.InstantWithId("startPause", "b-pause") with { HeaderId = 1 }); // B counts from 1, later
        Assert.True(rig.State().Paused);

        rig.Controller.HandleInstantActions(fromA); // headerId 50 is above B's 1: only the copy check stops it

        Assert.True(rig.State().Paused);
        Assert.Equal(VdaMessageGuard.ReplayedMessage, ErrorNaming(rig.State(), "actionId", "a-resume")?.ErrorType);
    }

    [Fact]
    public async Task HeaderIds_are_counted_per_topic()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(Drive(rig) with { HeaderId = 40 }));
        rig.Controller.HandleInstantActions(rig.InstantWithId("startPause", "p1") with { HeaderId = 3 });
        rig.Controller.HandleInstantActions(rig.InstantWithId("stopPause", "r1") with { HeaderId = 4 });
        var s = rig.State();
        Assert.Equal(ActionStatus.Finished, s.ActionStates.Single(a => a.ActionId == "r1").ActionStatus);
        Assert.DoesNotContain(s.Errors, e => e.ErrorType is VdaMessageGuard.ReplayedMessage or VdaMessageGuard.StaleMessage);
    }

    public static TheoryData<string, string> StaleStops => new()
    {
        { "startPause", "stale" },
        { "startPause", "replayed" },
        { "cancelOrder", "stale" },
        { "cancelOrder", "replayed" },
    };

    [Theory]
    [MemberData(nameof(StaleStops))]
    public async Task A_stop_action_is_carried_out_even_when_stale_or_replayed(string type, string how)
    {
        await using var rig = new RobotRig();
        var captured = rig.InstantWithId(type, "stop-1");
        Assert.Null(rig.Controller.HandleOrder(Drive(rig, toX: 8)));
        rig.Advance(TimeSpan.FromSeconds(2));
        Assert.True(rig.World.Odometer > 0.1);
        var message = how == "stale"
            ? captured with { Timestamp = rig.Now.AddDays(-330) }
            : captured; // never sent before, but older than what the robot took since: headerId below
        rig.Controller.HandleInstantActions(rig.Instant("stateRequest") with { HeaderId = 100 });

        rig.Controller.HandleInstantActions(message);
        rig.Advance(TimeSpan.FromSeconds(3));
        var stopped = rig.World.Odometer;
        rig.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(stopped, rig.World.Odometer, 6);
        Assert.Equal(ActionStatus.Finished, rig.State().ActionStates.Single(a => a.ActionId == "stop-1").ActionStatus);
    }

    [Fact]
    public async Task A_stale_message_runs_its_stop_action_and_refuses_the_rest()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(Drive(rig, toX: 8)));
        rig.Advance(TimeSpan.FromSeconds(2));
        var stale = rig.Instant("stopPause", "startPause", "stateRequest") with { Timestamp = rig.Now.AddMinutes(-5) };

        var (stateRequested, _) = rig.Controller.HandleInstantActions(stale);

        var s = rig.State();
        Assert.True(s.Paused);
        Assert.False(stateRequested);
        Assert.Equal(ActionStatus.Failed, s.ActionStates.Single(a => a.ActionId == stale.Actions[0].ActionId).ActionStatus);
        Assert.Equal(ActionStatus.Finished, s.ActionStates.Single(a => a.ActionId == stale.Actions[1].ActionId).ActionStatus);
        Assert.Equal(ActionStatus.Failed, s.ActionStates.Single(a => a.ActionId == stale.Actions[2].ActionId).ActionStatus);
    }

    [Fact]
    public async Task A_refused_stale_message_does_not_move_the_headerId_mark()
    {
        await using var rig = new RobotRig();
        // A stale message with a huge headerId must not lock out the real sender's next one.
        rig.Controller.HandleInstantActions(rig.InstantWithId("stateRequest", "s1") with { HeaderId = 1_000_000, Timestamp = rig.Now.AddHours(-1) });
        rig.Controller.HandleInstantActions(rig.InstantWithId("stateRequest", "s2") with { HeaderId = 5 });
        Assert.Equal(ActionStatus.Finished, rig.State().ActionStates.Single(a => a.ActionId == "s2").ActionStatus);
    }

    // ---------------- actionIds ----------------

    [Fact]
    public async Task An_instant_action_reusing_a_running_liftTo_actionId_is_refused_and_the_mast_is_waited_for()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0, true, Lift("lift1", 1.3)), RobotRig.Node("n2", 2, 2, 0))));
        rig.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(ActionStatus.Running, rig.State().ActionStates.Single(a => a.ActionId == "lift1").ActionStatus);

        rig.Controller.HandleInstantActions(rig.InstantWithId("stateRequest", "lift1"));

        var s = rig.State();
        var lift = s.ActionStates.Single(a => a.ActionId == "lift1");
        Assert.Equal(ActionStatus.Running, lift.ActionStatus);
        Assert.Equal("liftTo", lift.ActionType);
        Assert.Equal(VdaMessageGuard.DuplicateActionId, ErrorNaming(s, "actionId", "lift1")?.ErrorType);
        rig.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, rig.World.Odometer, 6); // still waiting for the mast
        Assert.True(rig.RunUntil(() => rig.State().LastNodeId == "n2", TimeSpan.FromSeconds(40)));
        Assert.Equal(1.3, rig.World.Lift.Height.Meters, 3);
        Assert.Equal(ActionStatus.Finished, rig.State().ActionStates.Single(a => a.ActionId == "lift1").ActionStatus);
    }

    [Fact]
    public async Task An_instant_action_reusing_a_finished_order_actionId_is_refused()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0, true, Lift("lift1", 0.8)), RobotRig.Node("n2", 2, 2, 0))));
        Assert.True(rig.RunUntil(() => rig.State().LastNodeId == "n2", TimeSpan.FromSeconds(40)));

        rig.Controller.HandleInstantActions(rig.InstantWithId("stopPause", "lift1"));

        var lift = rig.State().ActionStates.Single(a => a.ActionId == "lift1");
        Assert.Equal("liftTo", lift.ActionType);
        Assert.Equal(ActionStatus.Finished, lift.ActionStatus);
        Assert.NotNull(ErrorNaming(rig.State(), "actionId", "lift1"));
    }

    [Fact]
    public async Task A_stop_action_reusing_an_order_actionId_still_stops_but_does_not_overwrite_it()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0, true, Lift("lift1", 0.8)), RobotRig.Node("n2", 2, 8, 0))));
        Assert.True(rig.RunUntil(() => rig.World.Odometer > 0.3, TimeSpan.FromSeconds(40)));

        rig.Controller.HandleInstantActions(rig.InstantWithId("startPause", "lift1"));
        rig.Advance(TimeSpan.FromSeconds(3));
        var held = rig.World.Odometer;
        rig.Advance(TimeSpan.FromSeconds(3));

        Assert.Equal(held, rig.World.Odometer, 6);
        var s = rig.State();
        Assert.True(s.Paused);
        var lift = s.ActionStates.Single(a => a.ActionId == "lift1");
        Assert.Equal("liftTo", lift.ActionType);
        Assert.Equal(ActionStatus.Finished, lift.ActionStatus);
        Assert.Equal(VdaMessageGuard.DuplicateActionId, ErrorNaming(s, "actionId", "lift1")?.ErrorType);
    }

    [Fact]
    public async Task Two_instant_actions_with_one_actionId_in_one_message_run_only_the_first()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(Drive(rig)));
        var message = rig.Instant("startPause", "stopPause");
        message = message with { Actions = [message.Actions[0], message.Actions[1] with { ActionId = message.Actions[0].ActionId }] };

        rig.Controller.HandleInstantActions(message);

        var s = rig.State();
        Assert.True(s.Paused);
        Assert.Equal("startPause", s.ActionStates.Single(a => a.ActionId == message.Actions[0].ActionId).ActionType);
        Assert.Equal(VdaMessageGuard.DuplicateActionId, ErrorNaming(s, "actionId", message.Actions[0].ActionId)?.ErrorType);
    }

    [Fact]
    public async Task An_order_whose_actions_share_an_actionId_is_refused()
    {
        await using var rig = new RobotRig();
        var order = rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0, true, Lift("lift", 1.3)), RobotRig.Node("n2", 2, 2, 0, true, Lift("lift", 0.2)));
        var mast = rig.World.Lift.Height.Meters;

        var error = rig.Controller.HandleOrder(order);

        Assert.Equal(VdaMessageGuard.DuplicateActionId, error?.Code);
        Assert.Contains("lift", error!.Message);
        Assert.Equal("$.nodes[1].actions[0].actionId", error.Field);
        Assert.Equal("", rig.State().OrderId);
        rig.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(mast, rig.World.Lift.Height.Meters, 6);
        Assert.Equal(0, rig.World.Odometer, 9);
    }

    [Fact]
    public async Task An_order_update_reusing_an_instant_actions_id_is_refused()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("n1", 0, 0, 0), RobotRig.Node("n2", 2, 2, 0), RobotRig.Node("n3", 4, 4, 0, released: false))));
        rig.Controller.HandleInstantActions(rig.InstantWithId("stateRequest", "x1"));
        Assert.True(rig.RunUntil(() => rig.State().LastNodeId == "n2" && !rig.State().Driving, TimeSpan.FromSeconds(30)));

        var error = rig.Controller.HandleOrder(rig.Order("o1", 1, RobotRig.Node("n2", 2, 2, 0), RobotRig.Node("n3", 4, 4, 0, true, Lift("x1", 1.0))));

        Assert.Equal(VdaMessageGuard.DuplicateActionId, error?.Code);
        Assert.Equal(0, rig.State().OrderUpdateId);
        Assert.Equal("stateRequest", rig.State().ActionStates.Single(a => a.ActionId == "x1").ActionType);
    }

    private static Order InspectOrder(RobotRig rig)
    {
        var parameters = new List<ActionParameter>
        {
            new() { Key = "containerNumber", Value = JsonDocument.Parse("\"CSQU3054383\"").RootElement },
            new() { Key = "containerType", Value = JsonDocument.Parse("\"20ft\"").RootElement },
            new() { Key = "x", Value = JsonDocument.Parse("6").RootElement },
            new() { Key = "y", Value = JsonDocument.Parse("4").RootElement },
            new() { Key = "operatorId", Value = JsonDocument.Parse("\"officer-7\"").RootElement },
        };
        var action = new VdaAction { ActionType = "inspectContainer", ActionId = "inspect-1", BlockingType = BlockingType.Hard, ActionParameters = parameters };
        return rig.Order("inspection", 0, RobotRig.Node("here", 0, 0, 0, true, action));
    }

    private static Robot.Host.Configuration.MeasurementProfileOptions FastProfile() => new()
    {
        WarmUp = TimeSpan.Zero,
        SettleS = 1,
        ReadingIntervalS = 1,
        ReadingsPerPoint = 3,
        Background = new Robot.Host.Configuration.BackgroundProfileOptions { IntervalS = 1, SettleS = 1 },
    };

    [Fact]
    public async Task The_testers_case_an_instant_action_named_like_the_running_inspection_does_not_let_a_second_order_in()
    {
        await using var rig = new RobotRig(profile: FastProfile(), procedure: new Robot.Host.Configuration.ProcedureOptions { BackgroundSpotX = -6, BackgroundSpotY = 0 });
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => rig.World.Odometer > 0.5, TimeSpan.FromMinutes(2)), "the inspection never drove");

        rig.Controller.HandleInstantActions(rig.InstantWithId("stateRequest", "inspect-1"));
        await rig.RunUntilAsync(() => false, TimeSpan.FromSeconds(1));
        var second = rig.Controller.HandleOrder(rig.Order("second", 0, RobotRig.Node("s1", 0, rig.World.Pose.X.Meters, rig.World.Pose.Y.Meters), RobotRig.Node("s2", 2, 0, 0)));

        Assert.Equal(ProtocolErrorCode.OrderRejected, second?.Code);
        var s = rig.State();
        Assert.Equal("inspection", s.OrderId);
        var inspect = s.ActionStates.Single(a => a.ActionId == "inspect-1");
        Assert.Equal("inspectContainer", inspect.ActionType);
        Assert.Equal(ActionStatus.Running, inspect.ActionStatus);
        Assert.Equal(VdaMessageGuard.DuplicateActionId, ErrorNaming(s, "actionId", "inspect-1")?.ErrorType);
    }

    [Fact]
    public async Task A_new_order_waits_until_a_cancelled_inspection_has_wound_down()
    {
        await using var rig = new RobotRig(profile: FastProfile(), procedure: new Robot.Host.Configuration.ProcedureOptions { BackgroundSpotX = -6, BackgroundSpotY = 0 });
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => rig.World.Odometer > 0.5, TimeSpan.FromMinutes(2)), "the inspection never drove");

        rig.Controller.HandleInstantActions(rig.Instant("cancelOrder"));
        Assert.False(rig.Controller.HasActiveOrder);
        Assert.True(rig.Controller.Procedure.IsBusy); // still winding down
        var pose = rig.World.Pose;
        var second = rig.Controller.HandleOrder(rig.Order("second", 0, RobotRig.Node("s1", 0, pose.X.Meters, pose.Y.Meters), RobotRig.Node("s2", 2, 0, 0)));

        Assert.Equal(ProtocolErrorCode.OrderRejected, second?.Code);
        Assert.Contains("inspection", second!.Message);
        Assert.Equal("inspection", rig.State().OrderId);
        Assert.True(await rig.RunUntilAsync(() => !rig.Controller.Procedure.IsBusy, TimeSpan.FromMinutes(2)));
        pose = rig.World.Pose;
        Assert.Null(rig.Controller.HandleOrder(rig.Order("third", 0, RobotRig.Node("t1", 0, pose.X.Meters, pose.Y.Meters), RobotRig.Node("t2", 2, 0, 0))));
    }
}
