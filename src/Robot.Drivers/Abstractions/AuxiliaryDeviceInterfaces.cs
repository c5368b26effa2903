using UnitsNet;

namespace Robot.Drivers.Abstractions;

// Device roles beyond the eight of RobotHardware: the hardware rig carries them beside it, so
// the foundation's RobotHardware record (and everything built on it) stays unchanged.

/// <summary>One reading of the surface-contamination probe (alpha and beta channels).</summary>
public readonly record struct SurfaceContaminationReading(
    DateTimeOffset Time,
    double AlphaCountsPerSecond,
    double BetaCountsPerSecond,
    double AlphaBecquerelPerSquareCentimetre,
    double BetaBecquerelPerSquareCentimetre,
    DetectorStatus Status);

/// <summary>The alpha/beta surface-contamination probe used for the item survey.</summary>
public interface ISurfaceContaminationProbe
{
    string Model { get; }
    SurfaceContaminationReading Read();
}

/// <summary>An obstacle sensor (front or back).</summary>
public interface IObstacleSensor
{
    string Name { get; }
    /// <summary>Null when nothing echoes within range.</summary>
    Length? Distance { get; }
}

/// <summary>An absolute heading (yard frame: counter-clockwise from x = east).</summary>
public interface IHeadingSource
{
    /// <summary>Null until the sensor has a heading.</summary>
    Angle? Heading { get; }
}
