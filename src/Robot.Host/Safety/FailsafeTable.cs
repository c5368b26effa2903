namespace Robot.Host.Safety;

// PX4's failsafe framework is the model: an ordered table of causes, each with its action, the
// condition that clears it, and whether an operator may override it. The supervisor applies the
// most severe action of all active causes; the table is the single place to read (and test) policy.

/// <summary>Why the supervisor intervenes. Declaration order is priority order (first = most important).</summary>
public enum FailsafeCause
{
    EmergencyStopInput,
    EmergencyStopCommand,
    BatteryCritical,
    BrokerLinkLost,
    OperatorLinkLost,
    TeleopDeadman,
    BatteryLow,
}

/// <summary>What the supervisor does, in rising severity.</summary>
public enum FailsafeAction
{
    None = 0,
    /// <summary>Report only.</summary>
    Warn = 1,
    /// <summary>Teleop motion stops; autonomous work may continue.</summary>
    StopTeleop = 2,
    /// <summary>All motion stops under control; the order is held (paused) until resumed.</summary>
    Hold = 3,
    /// <summary>Drive and lift outputs off at once (within one tick), latched.</summary>
    KillOutputs = 4,
}

/// <summary>What makes a cause go away.</summary>
public enum ClearCondition
{
    /// <summary>An explicit reset by an authorised user, and only while the input is closed.</summary>
    ExplicitReset,
    /// <summary>The link is back (motion still needs a new command).</summary>
    LinkRestored,
    /// <summary>A fresh command arrives.</summary>
    NewCommand,
    /// <summary>The battery is above the threshold again (charging).</summary>
    BatteryRecovered,
}

public sealed record FailsafeRule(
    FailsafeCause Cause,
    FailsafeAction Action,
    ClearCondition Clear,
    bool OperatorMayOverride,
    string ErrorType,
    string Description);

public static class FailsafeTable
{
    public static readonly IReadOnlyList<FailsafeRule> Rules =
    [
        new(FailsafeCause.EmergencyStopInput, FailsafeAction.KillOutputs, ClearCondition.ExplicitReset, false,
            "emergencyStop", "emergency-stop contact opened (button pressed or wire cut)"),
        new(FailsafeCause.EmergencyStopCommand, FailsafeAction.KillOutputs, ClearCondition.ExplicitReset, false,
            "emergencyStop", "emergency stop commanded over the protocol"),
        new(FailsafeCause.BatteryCritical, FailsafeAction.Hold, ClearCondition.BatteryRecovered, false,
            "batteryCritical", "battery below the critical threshold: motion refused"),
        new(FailsafeCause.BrokerLinkLost, FailsafeAction.StopTeleop, ClearCondition.LinkRestored, false,
            "brokerLinkLost", "connection to the MQTT broker lost: teleop stopped"),
        new(FailsafeCause.OperatorLinkLost, FailsafeAction.StopTeleop, ClearCondition.LinkRestored, false,
            "operatorLinkLost", "the operator's link dropped: teleop stopped"),
        new(FailsafeCause.TeleopDeadman, FailsafeAction.StopTeleop, ClearCondition.NewCommand, false,
            "teleopExpired", "no teleop command within the dead-man expiry: stopped"),
        new(FailsafeCause.BatteryLow, FailsafeAction.Warn, ClearCondition.BatteryRecovered, true,
            "batteryLow", "battery low: return to park soon"),
    ];

    public static FailsafeRule For(FailsafeCause cause) => Rules.First(r => r.Cause == cause);

    /// <summary>The most severe action among the active causes (None when nothing is active).</summary>
    public static FailsafeAction Resolve(IReadOnlySet<FailsafeCause> active)
    {
        var action = FailsafeAction.None;
        foreach (var rule in Rules)
        {
            if (active.Contains(rule.Cause) && rule.Action > action) action = rule.Action;
        }
        return action;
    }
}
