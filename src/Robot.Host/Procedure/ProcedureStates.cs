namespace Robot.Host.Procedure;

/// <summary>States of the SN/T 0570 inspection (docs/procedure.md has the chart, generated from the machine).</summary>
public enum ProcedureState
{
    Idle,
    /// <summary>Superstate: an inspection (or background measurement) is under way.</summary>
    Inspecting,
    /// <summary>Superstate of Inspecting: the robot is working (not paused or holding).</summary>
    Working,
    CheckingReadiness,
    DrivingToBackground,
    MeasuringBackground,
    Planning,
    Dispatching,
    DrivingToStation,
    HoldingWallDistance,
    Lifting,
    Settling,
    Measuring,
    Confirming,
    Localising,
    Paused,
    HoldingOnLinkLoss,
    Aborting,
    Reporting,
    ReturningToPark,
}

public enum ProcedureTrigger
{
    Start,
    Ready,
    NotReady,
    Arrived,
    BackgroundAccepted,
    BackgroundUnstable,
    BackgroundFailed,
    Planned,
    NextTask,
    Suspect,
    NeedLocalisation,
    QueueEmpty,
    WallOk,
    WallAdjust,
    LiftReached,
    Settled,
    Measured,
    Pause,
    Resume,
    LinkLost,
    LinkRestored,
    GraceExpired,
    Cancel,
    Fault,
    Proceed,
    Reported,
}
