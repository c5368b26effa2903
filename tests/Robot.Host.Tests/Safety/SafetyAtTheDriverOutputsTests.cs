using Robot.Host.Configuration;
using Robot.Host.Safety;
using Robot.Host.Tests.Support;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;

namespace Robot.Host.Tests.Safety;

/// <summary>E-stop, dead-man and link loss, checked where it matters: at the drive and lift outputs.</summary>
public class SafetyAtTheDriverOutputsTests
{
    [Fact]
    public async Task Emergency_stop_input_edge_cuts_drive_and_lift_outputs_before_the_next_tick()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.5, 0.2, lift: 0.1)));
        rig.AdvanceMs(100);
        Assert.True(rig.World.Drive.Command.Linear > 0);
        Assert.True(rig.World.Lift.IsMoving);

        rig.World.EmergencyStop.Press(); // no time passes: the edge alone must act

        var drive = rig.World.Drive.Command;
        Assert.True(drive.OutputsOff);
        Assert.Equal(0, drive.Linear);
        Assert.Equal(0, drive.Angular);
        Assert.False(rig.World.Lift.IsMoving);
        Assert.Equal(EStopState.Manual, rig.State().SafetyState.EStop);
    }

    [Fact]
    public async Task Emergency_stop_found_by_the_tick_acts_within_one_tick_even_without_an_edge()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.5, ttlMs: 300)));
        // Simulate a missed edge: open the contact without raising the event.
        rig.World.EmergencyStop.OpenWithoutEdge();
        Assert.False(rig.World.Drive.Command.OutputsOff);
        rig.AdvanceMs(1000.0 / rig.Safety.TickHz);
        Assert.True(rig.World.Drive.Command.OutputsOff);
    }

    [Theory]
    [InlineData("stale")]      // issued 31 s ago and expired: a phone whose clock is behind, a retried packet
    [InlineData("future")]     // issued 3 s ahead of the robot's clock
    [InlineData("replayed")]   // the same command id again (a retry after a lost reply)
    [InlineData("cacheFull")]  // the replay window full of other commands
    public async Task An_emergency_stop_request_is_never_refused_and_cuts_the_drive(string kind)
    {
        // Issue 11 found each of these refused the e-stop; DESIGN.md: no age, replay or busy check applies to it.
        await using var rig = new RobotRig();
        var stop = rig.Command(CommandNames.EmergencyStop);
        switch (kind)
        {
            case "stale":
                stop = stop with { IssuedAt = rig.Now.AddSeconds(-31), ExpiresAt = rig.Now.AddSeconds(-21) };
                break;
            case "future":
                stop = stop with { IssuedAt = rig.Now.AddSeconds(3), ExpiresAt = rig.Now.AddSeconds(13) };
                break;
            case "replayed":
                Assert.True(rig.Controller.HandleCommand(stop).Accepted);
                rig.World.EmergencyStop.Release();
                Assert.True(rig.Controller.HandleCommand(rig.Command(CommandNames.ResetEmergencyStop)).Accepted);
                break;
            case "cacheFull":
                for (var i = 0; i < 100_000; i++) rig.Controller.HandleCommand(rig.Command(CommandNames.Status));
                Assert.Equal(ProtocolErrorCode.Busy, rig.Controller.HandleCommand(rig.Command(CommandNames.Status)).Code);
                break;
        }
        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.5, ttlMs: 300)));
        rig.AdvanceMs(40);
        Assert.False(rig.World.Drive.Command.OutputsOff);
        var answer = rig.Controller.HandleCommand(stop);
        Assert.True(answer.Accepted, $"{answer.Code}: {answer.Message}");
        Assert.True(rig.World.Drive.Command.OutputsOff, "the drive outputs are still on after the emergency stop");
        Assert.Equal(EStopState.Remote, rig.State().SafetyState.EStop);
    }

    [Fact]
    public async Task Latched_stop_refuses_all_motion_until_an_explicit_reset_and_then_waits_for_a_new_command()
    {
        await using var rig = new RobotRig();
        Assert.True(rig.Controller.HandleCommand(rig.Command(CommandNames.EmergencyStop)).Accepted);
        Assert.Equal(EStopState.Remote, rig.State().SafetyState.EStop);

        var teleop = rig.Controller.HandleTeleop(rig.Teleop(0.3));
        Assert.Equal(ProtocolErrorCode.EmergencyStopActive, teleop?.Code);
        var lift = rig.Controller.HandleCommand(rig.Command(CommandNames.LiftTo, 1.5));
        Assert.False(lift.Accepted);
        Assert.Equal(ProtocolErrorCode.EmergencyStopActive, lift.Code);
        var order = rig.Controller.HandleOrder(rig.Order("o1", 0, RobotRig.Node("a", 0, 0, 0), RobotRig.Node("b", 2, 2, 0)));
        Assert.Equal(ProtocolErrorCode.EmergencyStopActive, order?.Code);
        rig.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, rig.World.Odometer, 6);
        Assert.Equal(0.3, rig.World.Lift.Height.Meters, 6);

        Assert.True(rig.Controller.HandleCommand(rig.Command(CommandNames.ResetEmergencyStop)).Accepted);
        Assert.Equal(EStopState.None, rig.State().SafetyState.EStop);
        rig.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(0, rig.World.Odometer, 6); // reset alone moves nothing

        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.3)));
        rig.AdvanceMs(200);
        Assert.True(rig.World.Odometer > 0);
    }

    [Fact]
    public async Task Reset_is_refused_while_the_contact_is_still_open()
    {
        await using var rig = new RobotRig();
        rig.World.EmergencyStop.Press();
        var refused = rig.Controller.HandleCommand(rig.Command(CommandNames.ResetEmergencyStop));
        Assert.False(refused.Accepted);
        Assert.Contains("still open", refused.Message);
        Assert.True(rig.Controller.Status().EmergencyStop.Latched);

        rig.World.EmergencyStop.Release();
        rig.Advance(TimeSpan.FromSeconds(1));
        Assert.True(rig.Controller.Status().EmergencyStop.Latched); // releasing the button does not release the latch
        Assert.True(rig.Controller.HandleCommand(rig.Command(CommandNames.ResetEmergencyStop)).Accepted);
        Assert.False(rig.Controller.Status().EmergencyStop.Latched);
    }

    [Fact]
    public async Task Dead_man_stops_the_drive_when_the_teleop_stream_stops_for_longer_than_the_expiry()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.5, ttlMs: 300)));
        rig.AdvanceMs(280);
        Assert.Equal(0.5, rig.World.Drive.Command.Linear, 6);
        rig.AdvanceMs(40);
        Assert.Equal(0, rig.World.Drive.Command.Linear);
        Assert.Contains(rig.State().Errors, e => e.ErrorType == "teleopExpired");
        // The robot then comes to rest and stays there.
        rig.Advance(TimeSpan.FromSeconds(2));
        var rest = rig.World.Odometer;
        rig.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(rest, rig.World.Odometer, 9);
    }

    [Fact]
    public async Task A_steady_stream_keeps_the_robot_moving_and_a_long_ttl_is_capped_by_the_robot()
    {
        await using var rig = new RobotRig(new SafetyOptions { TeleopMaxTtl = TimeSpan.FromMilliseconds(300) });
        for (var i = 0; i < 20; i++)
        {
            Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.4, ttlMs: 2000)));
            rig.AdvanceMs(100);
            Assert.Equal(0.4, rig.World.Drive.Command.Linear, 6);
        }
        rig.AdvanceMs(320); // the sender asked for 2 s; the robot caps it at 300 ms
        Assert.Equal(0, rig.World.Drive.Command.Linear);
    }

    [Fact]
    public async Task Stale_and_replayed_teleop_samples_move_nothing()
    {
        await using var rig = new RobotRig();
        var stale = rig.Teleop(0.5) with { IssuedAt = rig.Now.AddSeconds(-5) };
        Assert.Equal(ProtocolErrorCode.StaleCommand, rig.Controller.HandleTeleop(stale)?.Code);
        var sample = rig.Teleop(0.5);
        Assert.Null(rig.Controller.HandleTeleop(sample));
        rig.Advance(TimeSpan.FromSeconds(1)); // dead-man stops it
        Assert.Equal(ProtocolErrorCode.ReplayedCommand, rig.Controller.HandleTeleop(sample)?.Code);
        Assert.Equal(0, rig.World.Drive.Command.Linear);
    }

    [Fact]
    public async Task Teleop_over_the_robots_own_speed_limit_is_refused_not_clamped()
    {
        await using var rig = new RobotRig(new SafetyOptions { MaxLinearSpeedMps = 1.0 });
        var refused = rig.Controller.HandleTeleop(rig.Teleop(1.5));
        Assert.Equal(ProtocolErrorCode.ValueOutOfRange, refused?.Code);
        Assert.Equal(0, rig.World.Drive.Command.Linear);
    }

    [Fact]
    public async Task Operator_link_loss_stops_teleop_at_once_and_refuses_it_until_the_link_is_back()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.5, ttlMs: 300, operatorId: "op1")));
        rig.Controller.HandleOperatorPresence(new OperatorPresence { OperatorId = "op1", State = ConnectionState.ConnectionBroken, Timestamp = rig.Now });
        Assert.Equal(0, rig.World.Drive.Command.Linear); // no time passed
        Assert.Equal(ProtocolErrorCode.NotPermitted, rig.Controller.HandleTeleop(rig.Teleop(0.5, operatorId: "op1"))?.Code);
        Assert.Contains(rig.State().Errors, e => e.ErrorType == "operatorLinkLost");

        rig.Controller.HandleOperatorPresence(new OperatorPresence { OperatorId = "op1", State = ConnectionState.Online, Timestamp = rig.Now });
        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.5, operatorId: "op1")));
    }

    [Fact]
    public async Task Broker_link_loss_stops_teleop_at_once()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.5, ttlMs: 300)));
        rig.Controller.SetBrokerLink(false);
        Assert.Equal(0, rig.World.Drive.Command.Linear);
        Assert.Contains(rig.State().Errors, e => e.ErrorType == "brokerLinkLost");
        rig.Controller.SetBrokerLink(true);
        Assert.DoesNotContain(rig.State().Errors, e => e.ErrorType == "brokerLinkLost");
    }

    [Fact]
    public async Task Critical_battery_holds_the_robot()
    {
        await using var rig = new RobotRig();
        rig.World.Battery.SetPercent(5);
        rig.AdvanceMs(40);
        Assert.NotNull(rig.Controller.HandleTeleop(rig.Teleop(0.5)));
        Assert.Contains(rig.State().Errors, e => e.ErrorType == "batteryCritical" && e.ErrorLevel == ErrorLevel.Fatal);
        Assert.False(rig.Controller.HandleCommand(rig.Command(CommandNames.LiftTo, 1.0)).Accepted);
    }
}

public class OperatorGoodbyeTests
{
    [Fact]
    public async Task A_clean_operator_goodbye_stops_its_teleop_without_raising_a_failsafe()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.5, ttlMs: 300, operatorId: "op1")));
        rig.Controller.HandleOperatorPresence(new OperatorPresence { OperatorId = "op1", State = ConnectionState.Offline, Timestamp = rig.Now });
        Assert.Equal(0, rig.World.Drive.Command.Linear);
        Assert.DoesNotContain(rig.State().Errors, e => e.ErrorType == "operatorLinkLost");
        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.2, operatorId: "op1")));
    }

    [Fact]
    public async Task A_refused_lift_names_only_the_cause_that_blocks_it()
    {
        await using var rig = new RobotRig();
        Assert.Null(rig.Controller.HandleTeleop(rig.Teleop(0.5, operatorId: "op1")));
        rig.Controller.HandleOperatorPresence(new OperatorPresence { OperatorId = "op1", State = ConnectionState.ConnectionBroken, Timestamp = rig.Now });
        rig.Controller.HandleCommand(rig.Command(CommandNames.EmergencyStop));
        var refused = rig.Controller.HandleCommand(rig.Command(CommandNames.LiftTo, 1.0));
        Assert.Contains("emergency stop", refused.Message);
        Assert.DoesNotContain("operator", refused.Message);
    }
}
