using System.Text.Json.Serialization;
using Robot.Protocol.Vda5050;

namespace Robot.Protocol.Extensions;

// The inspection report and what goes with it: what a customs file needs to stand on its own.
// Doses in µSv/h (ambient dose-equivalent rate as the instrument reports it); lengths in metres.

/// <summary>ISO 668 container types the robot surveys.</summary>
public static class ContainerTypes
{
    public const string Twenty = "20ft";
    public const string Forty = "40ft";
    public const string FortyHighCube = "40ftHC";
    public static readonly IReadOnlyList<string> All = [Twenty, Forty, FortyHighCube];
}

/// <summary>The container: ISO 6346 number (check digit verified), type, and its pose in the yard (centre, heading of the long axis towards the door end).</summary>
public sealed record ContainerInfo
{
    public required string Number { get; init; }
    public required string Type { get; init; }
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double Theta { get; init; }
}

/// <summary>The instrument and its calibration record: H = k1 * k2 * R - k3 * Hc.</summary>
public sealed record InstrumentInfo
{
    public required string Model { get; init; }
    public required string SerialNumber { get; init; }
    /// <summary>Calibration factor.</summary>
    public required double K1 { get; init; }
    /// <summary>Check-source factor.</summary>
    public required double K2 { get; init; }
    /// <summary>Cosmic shielding factor (1.0 in open field).</summary>
    public required double K3 { get; init; }
    /// <summary>The instrument's cosmic-ray response, µSv/h.</summary>
    public required double CosmicResponseUSvPerH { get; init; }
    public required string CalibrationCertificate { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset CalibrationValidUntil { get; init; }
    /// <summary>Counts per second per µSv/h at the calibration energy.</summary>
    public double? CountsPerSecondPerUSvPerH { get; init; }
    /// <summary>The probe's lowest counts per second per µSv/h between 50 keV and 3 MeV (the conservative conversion of counts to dose).</summary>
    public double? LowestCountsPerSecondPerUSvPerH { get; init; }
    /// <summary>The display's longest averaging time constant near background, seconds.</summary>
    public double? DisplayTimeConstantS { get; init; }
}

/// <summary>The measurement profile in force (named, versioned, from config).</summary>
public sealed record ProfileInfo
{
    public required string Name { get; init; }
    public required string Version { get; init; }
    /// <summary>standard or sequential.</summary>
    public required string PointMode { get; init; }
    public required double LimitUSvPerH { get; init; }
    /// <summary>How the probe's output becomes dose (spectrum-weighted, conservative counts, calibration counts or display).</summary>
    public string? DoseConversion { get; init; }
    /// <summary>The profile's figures in force, by their configuration key (Measurement:Profile:...), so a report can be checked against them.</summary>
    public IReadOnlyDictionary<string, string>? Figures { get; init; }
}

public sealed record RawReading
{
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset T { get; init; }
    /// <summary>What the instrument displayed, before calibration.</summary>
    public required double RawUSvPerH { get; init; }
    public double? Cps { get; init; }
}

/// <summary>Where a measurement was taken: robot pose, probe height, and the measured wall distance.</summary>
public sealed record MeasurementPose
{
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double Theta { get; init; }
    public required double HeightM { get; init; }
    public double? WallDistanceM { get; init; }
}

public sealed record BackgroundResult
{
    public required MeasurementPose Pose { get; init; }
    public required IReadOnlyList<RawReading> Readings { get; init; }
    public required double MeanRawUSvPerH { get; init; }
    public required double StandardErrorUSvPerH { get; init; }
    /// <summary>The computed dose rate H of the background.</summary>
    public required double DoseRateUSvPerH { get; init; }
    /// <summary>How many times the background was measured (an unstable one is repeated).</summary>
    public required int Attempts { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset MeasuredAt { get; init; }
    /// <summary>The background's count rate (counts/s), where the probe counts: a counter's rise at a point is measured against it.</summary>
    public double? CountRatePerS { get; init; }
    /// <summary>How long the background was counted, seconds.</summary>
    public double? CountingS { get; init; }
    /// <summary>Why it was accepted as steady (e.g. the chi-square dispersion test of its readings against counting statistics).</summary>
    public string? AcceptanceBasis { get; init; }
}

/// <summary>Point decisions.</summary>
public static class PointDecisions
{
    public const string Clear = "clear";
    public const string Anomaly = "anomaly";
    public const string Exceeds = "exceeds";
    public const string Invalid = "invalid";
}

public sealed record PointResult
{
    public required string PointId { get; init; }
    /// <summary>right, door, left, front: the door end is the container's +x end, left is +y (seen looking towards the door).</summary>
    public required string Face { get; init; }
    /// <summary>Distance along the face from its left corner, metres.</summary>
    public required double AlongM { get; init; }
    public required double HeightM { get; init; }
    public required MeasurementPose Pose { get; init; }
    public required IReadOnlyList<RawReading> Readings { get; init; }
    public required double MeanRawUSvPerH { get; init; }
    public required double StandardErrorUSvPerH { get; init; }
    public required double DoseRateUSvPerH { get; init; }
    /// <summary>Dose rate minus background dose rate.</summary>
    public required double NetUSvPerH { get; init; }
    public required string Decision { get; init; }
    /// <summary>standard or sequential, and why the decision was taken (e.g. "SPRT accepted r1 after 3.2 s").</summary>
    public required string Mode { get; init; }
    public required string DecisionBasis { get; init; }
    public required double DwellS { get; init; }
    /// <summary>A re-measurement of a suspect point, or a point of the finer hot-spot grid.</summary>
    public string? Kind { get; init; }
    /// <summary>The probe's position in the yard when the point was measured (measured robot pose + the probe's lateral offset to its left).</summary>
    public double? ProbeX { get; init; }
    public double? ProbeY { get; init; }
    /// <summary>The probe's measured distance along the face from its left corner (AlongM is the planned station's).</summary>
    public double? MeasuredAlongM { get; init; }
    /// <summary>The probe height the lift measured (HeightM is the planned one).</summary>
    public double? MeasuredHeightM { get; init; }
}

/// <summary>
/// The highest point of one raised area of a face (one hot spot per area). AlongM, HeightM, X and Y
/// are where the probe measurably was at the maximum (measured pose, not the planned station).
/// </summary>
public sealed record HotSpot
{
    public required string Face { get; init; }
    public required double AlongM { get; init; }
    public required double HeightM { get; init; }
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double DoseRateUSvPerH { get; init; }
    public required double NetUSvPerH { get; init; }
    /// <summary>exceeds or anomaly: the highest decision among the area's survey points.</summary>
    public string? Decision { get; init; }
    /// <summary>The point whose reading is the maximum.</summary>
    public string? PointId { get; init; }
    /// <summary>The survey points of the raised area (refinement points not counted).</summary>
    public IReadOnlyList<string>? AreaPointIds { get; init; }
}

/// <summary>Container verdicts.</summary>
public static class Verdicts
{
    public const string Pass = "PASS";
    public const string Anomaly = "ANOMALY";
    public const string Exceeds = "EXCEEDS";
    public const string Invalid = "INVALID";
}

/// <summary>
/// A finished (or interrupted) inspection, immutable once filed. reportHash is the SHA-256 (hex) of
/// the report's canonical JSON with reportHash left out; previousReportHash chains it to the report
/// filed before it (64 zeros for the first), so a maintainer can verify the whole chain.
/// signature is the robot's ECDSA P-256/SHA-256 signature (IEEE P1363, base64) of the same canonical
/// bytes, by the key named signingKeyId (16 hex digits of the SHA-256 of its SubjectPublicKeyInfo);
/// both are left out of the canonical bytes like reportHash, and absent on reports filed before signing.
/// </summary>
public sealed record InspectionReport
{
    public required string ReportId { get; init; }
    public required long Sequence { get; init; }
    public required string InspectionId { get; init; }
    public required string SerialNumber { get; init; }
    public required ContainerInfo Container { get; init; }
    public required string OperatorId { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset StartedAt { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset FinishedAt { get; init; }
    public required InstrumentInfo Instrument { get; init; }
    public required ProfileInfo Profile { get; init; }
    public BackgroundResult? Background { get; init; }
    /// <summary>Background dose rate + the profile's limit.</summary>
    public double? ThresholdUSvPerH { get; init; }
    public required IReadOnlyList<PointResult> Points { get; init; }
    public required int PlannedPoints { get; init; }
    public required string Verdict { get; init; }
    public required string VerdictReason { get; init; }
    public required IReadOnlyList<HotSpot> HotSpots { get; init; }
    public required string PreviousReportHash { get; init; }
    public string? ReportHash { get; init; }
    public string? Signature { get; init; }
    public string? SigningKeyId { get; init; }
}

/// <summary>A client's receipt for a report; the robot keeps re-sending a report until it gets one.</summary>
public sealed record ReportAck
{
    public required string ReportId { get; init; }
    public required string ReportHash { get; init; }
    public required string AckedBy { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset Timestamp { get; init; }
}
