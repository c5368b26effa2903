using Robot.Host.Safety;

namespace Robot.Host.Tests.Safety;

public class FailsafeTableTests
{
    [Fact]
    public void Every_cause_has_exactly_one_rule_in_priority_order()
    {
        var causes = FailsafeTable.Rules.Select(r => r.Cause).ToList();
        Assert.Equal(Enum.GetValues<FailsafeCause>(), causes);
    }

    [Theory]
    [InlineData(FailsafeCause.EmergencyStopInput)]
    [InlineData(FailsafeCause.EmergencyStopCommand)]
    public void Emergency_stop_kills_outputs_needs_explicit_reset_and_cannot_be_overridden(FailsafeCause cause)
    {
        var rule = FailsafeTable.For(cause);
        Assert.Equal(FailsafeAction.KillOutputs, rule.Action);
        Assert.Equal(ClearCondition.ExplicitReset, rule.Clear);
        Assert.False(rule.OperatorMayOverride);
    }

    [Fact]
    public void Link_losses_stop_teleop_and_clear_when_the_link_is_back()
    {
        foreach (var cause in new[] { FailsafeCause.BrokerLinkLost, FailsafeCause.OperatorLinkLost })
        {
            var rule = FailsafeTable.For(cause);
            Assert.Equal(FailsafeAction.StopTeleop, rule.Action);
            Assert.Equal(ClearCondition.LinkRestored, rule.Clear);
        }
    }

    [Fact]
    public void Resolve_takes_the_most_severe_active_action()
    {
        Assert.Equal(FailsafeAction.None, FailsafeTable.Resolve(new HashSet<FailsafeCause>()));
        Assert.Equal(FailsafeAction.Warn, FailsafeTable.Resolve(new HashSet<FailsafeCause> { FailsafeCause.BatteryLow }));
        Assert.Equal(FailsafeAction.StopTeleop, FailsafeTable.Resolve(new HashSet<FailsafeCause> { FailsafeCause.BatteryLow, FailsafeCause.TeleopDeadman }));
        Assert.Equal(FailsafeAction.Hold, FailsafeTable.Resolve(new HashSet<FailsafeCause> { FailsafeCause.BatteryCritical, FailsafeCause.OperatorLinkLost }));
        Assert.Equal(FailsafeAction.KillOutputs, FailsafeTable.Resolve(new HashSet<FailsafeCause> { FailsafeCause.BatteryCritical, FailsafeCause.EmergencyStopCommand, FailsafeCause.BatteryLow }));
    }

    [Fact]
    public void Only_the_low_battery_warning_may_be_overridden()
    {
        Assert.Equal([FailsafeCause.BatteryLow], FailsafeTable.Rules.Where(r => r.OperatorMayOverride).Select(r => r.Cause));
    }
}
