using UnitsNet;

namespace Robot.Drivers.Abstractions;

// The hardware seen from the robot's code: one interface per device role, quantities typed in
// UnitsNet. Hardware implementations live in one folder per device (dotnet/iot style); the
// simulator provides a twin of each. Implementations must be safe to call from the supervisor's
// tick thread and must never block for long: they are on the control path.

/// <summary>The two-wheel differential drive train.</summary>
public interface IDriveTrain
{
    /// <summary>Command body velocities. The driver applies its own acceleration limits.</summary>
    void SetVelocity(Speed linear, RotationalSpeed angular);

    /// <summary>Outputs to their safe level at once (motors unpowered/braked). Must not throw.</summary>
    void Stop();

    /// <summary>Measured body velocities (from encoders or the twin).</summary>
    Speed MeasuredLinear { get; }
    RotationalSpeed MeasuredAngular { get; }

    /// <summary>True when the outputs are known to be at their safe level.</summary>
    bool IsStopped { get; }
}

/// <summary>The lift mast carrying the probe.</summary>
public interface ILift
{
    /// <summary>Probe height above ground.</summary>
    Length Height { get; }
    Length MinHeight { get; }
    Length MaxHeight { get; }
    bool IsHomed { get; }
    bool IsMoving { get; }

    /// <summary>Move at a signed speed (jog). Stops by itself at the end stops.</summary>
    void SetVelocity(Speed velocity);

    /// <summary>Move to a height at the lift's configured speed.</summary>
    void MoveTo(Length height);

    /// <summary>Outputs to their safe level at once. Must not throw.</summary>
    void Stop();
}

/// <summary>The emergency-stop contact (normally closed: open or cut wire means stop).</summary>
public interface IEmergencyStopInput
{
    /// <summary>True while the contact is open (pressed, or the wire is cut).</summary>
    bool IsOpen { get; }

    /// <summary>Raised on the edge, from the input's own thread, so the supervisor can latch at once.</summary>
    event Action<bool>? Changed;
}

public enum DetectorStatus
{
    Ok,
    WarmingUp,
    Fault,
    Saturated,
    Silent,
}

/// <summary>
/// One reading of the dose-rate probe. Raw is what the instrument displays, before calibration.
/// TotalCounts, where the probe has a counter, is monotonic since start: counts in an interval are the
/// difference of two readings (what the sequential test needs, independent of the display's averaging).
/// AccumulatedDoseMicroSievert, where the probe weights each count by its energy (a spectrometric
/// probe's spectrum-to-dose function G(E), or a plastic scintillator's deposited energy), is the dose
/// it has accumulated since start, before calibration: right at every energy, unlike counts, whose
/// rate per µSv/h depends on the photon energy. AccumulatedDoseVarianceMicroSievert2 is its variance
/// by counting statistics, Σ g_i² over the counts so far (g_i the dose one count stands for).
/// </summary>
public readonly record struct DoseRateReading(
    DateTimeOffset Time,
    double RawMicroSievertPerHour,
    double? CountsPerSecond,
    DetectorStatus Status,
    long? TotalCounts = null,
    double? AccumulatedDoseMicroSievert = null,
    double? AccumulatedDoseVarianceMicroSievert2 = null);

/// <summary>The gamma dose-rate probe. (UnitsNet has no dose-rate quantity: µSv/h is in the names.)</summary>
public interface IDoseRateProbe
{
    string Model { get; }
    /// <summary>The latest reading; the probe updates it at its own rate.</summary>
    DoseRateReading Read();
}

/// <summary>Position and heading in the yard frame (x east, y north, theta counter-clockwise from x).</summary>
public readonly record struct Pose(Length X, Length Y, Angle Heading)
{
    public static Pose Origin => new(Length.Zero, Length.Zero, Angle.Zero);
}

/// <summary>Where the robot is: odometry fused with GNSS and heading on the real robot.</summary>
public interface IPoseSource
{
    Pose Pose { get; }
    bool IsInitialized { get; }
}

public interface IBattery
{
    ElectricPotential Voltage { get; }
    ElectricCurrent Current { get; }
    /// <summary>State of charge, 0 to 100 %.</summary>
    Ratio StateOfCharge { get; }
    bool IsCharging { get; }
}

/// <summary>Distance from the probe side of the robot to the container wall (standoff).</summary>
public interface IWallRangeFinder
{
    /// <summary>Null when nothing is in range.</summary>
    Length? Distance { get; }
}

public enum LampColor
{
    Off,
    Green,
    Amber,
    Red,
}

/// <summary>The tower lamp and the buzzer.</summary>
public interface IAlarmIndicator
{
    LampColor Lamp { get; }
    bool BuzzerOn { get; }
    void SetLamp(LampColor color);
    void SetBuzzer(bool on);
}

/// <summary>All devices of one robot, composed by the host from config (hardware or simulated).</summary>
public sealed record RobotHardware(
    IDriveTrain Drive,
    ILift Lift,
    IEmergencyStopInput EmergencyStop,
    IDoseRateProbe DoseProbe,
    IPoseSource Pose,
    IBattery Battery,
    IWallRangeFinder WallRange,
    IAlarmIndicator Alarm);
