using System.Text.Json.Serialization;
using Robot.Protocol.Vda5050;

namespace Robot.Protocol.Extensions;

// Robot extension messages under robot/v1/{serialNumber}/..., for what VDA 5050 does not cover.
// Units are in the field names: M = metres, Mps = metres per second, Radps = radians per second,
// USvPerH = microsievert per hour. Times are ISO 8601 UTC with milliseconds.

/// <summary>
/// One dead-man teleop sample. The robot moves with these velocities for at most <see cref="TtlMs"/>
/// after it receives the sample; a new sample must arrive before then or the robot stops.
/// </summary>
public sealed record TeleopCommand
{
    public required string CommandId { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset IssuedAt { get; init; }
    /// <summary>Dead-man expiry in milliseconds after receipt (the robot caps it by its own limit).</summary>
    public required int TtlMs { get; init; }
    public required double LinearMps { get; init; }
    public required double AngularRadps { get; init; }
    public double LiftMps { get; init; }
    public string? OperatorId { get; init; }
}

/// <summary>Operator presence: the remote publishes ONLINE and sets a will of CONNECTIONBROKEN.</summary>
public sealed record OperatorPresence
{
    public required string OperatorId { get; init; }
    public required ConnectionState State { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset Timestamp { get; init; }
}

public sealed record PoseDto
{
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double Theta { get; init; }
    public required string MapId { get; init; }
}

public sealed record DetectorTelemetry
{
    /// <summary>ok, warmingUp, fault, saturated, silent, unknown.</summary>
    public required string Status { get; init; }
    public double? DoseRateUSvPerH { get; init; }
    public double? CountsPerSecond { get; init; }
}

public sealed record BatteryTelemetry
{
    public required double ChargePercent { get; init; }
    public double? VoltageV { get; init; }
    public double? CurrentA { get; init; }
}

public sealed record EmergencyStopTelemetry
{
    public required bool Latched { get; init; }
    /// <summary>none, input (the hardware contact), command (a protocol command).</summary>
    public required string Source { get; init; }
    public required bool InputOpen { get; init; }
}

public sealed record Telemetry
{
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset Timestamp { get; init; }
    public required long Seq { get; init; }
    public required string SerialNumber { get; init; }
    public required PoseDto Pose { get; init; }
    public required double LinearMps { get; init; }
    public required double AngularRadps { get; init; }
    public required double LiftHeightM { get; init; }
    public required DetectorTelemetry Detector { get; init; }
    public required BatteryTelemetry Battery { get; init; }
    public required EmergencyStopTelemetry EmergencyStop { get; init; }
    public double? WallDistanceM { get; init; }
    /// <summary>idle, teleop, order, emergencyStop, hold.</summary>
    public required string Activity { get; init; }
    public bool OperatorLinkUp { get; init; }
    /// <summary>The alarm buzzer is sounding: an EXCEEDS verdict that nobody has silenced yet (null from a robot too old to say).</summary>
    public bool? AlarmOn { get; init; }
    /// <summary>The inspection in progress, if any.</summary>
    public ProcedureTelemetry? Procedure { get; init; }
}

/// <summary>Progress of the inspection procedure.</summary>
public sealed record ProcedureTelemetry
{
    public required string State { get; init; }
    public string? InspectionId { get; init; }
    public string? ContainerNumber { get; init; }
    public int PointsDone { get; init; }
    public int PointsPlanned { get; init; }
    public string? CurrentPoint { get; init; }
    public double? BackgroundUSvPerH { get; init; }
    /// <summary>Background + the profile's limit: a point whose dose rate is above it exceeds (null until the background is measured).</summary>
    public double? ThresholdUSvPerH { get; init; }
    public double? LastDoseUSvPerH { get; init; }
    public string? LastVerdict { get; init; }
    public string? LastReportId { get; init; }
}

/// <summary>
/// A command sent as an MQTT 5 request (response topic + correlation data) to robot/v1/{serial}/commands.
/// Refused when expired, issued too far in the future, or its id was already seen.
/// </summary>
public sealed record CommandRequest
{
    public required string CommandId { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset IssuedAt { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset ExpiresAt { get; init; }
    /// <summary>See <see cref="CommandNames"/>.</summary>
    public required string Command { get; init; }
    public string? OperatorId { get; init; }
    /// <summary>For liftTo: target probe height in metres.</summary>
    public double? HeightM { get; init; }
    /// <summary>For getReport: which report.</summary>
    public string? ReportId { get; init; }
    /// <summary>For listReports: how many of the newest (default 20, at most 200).</summary>
    public int? Limit { get; init; }
}

public static class CommandNames
{
    public const string EmergencyStop = "emergencyStop";
    public const string ResetEmergencyStop = "resetEmergencyStop";
    public const string Status = "status";
    public const string LiftTo = "liftTo";
    public const string ListReports = "listReports";
    public const string GetReport = "getReport";
    public const string SilenceAlarm = "silenceAlarm";
    /// <summary>The points of the inspection in progress so far (for a map opened mid-survey).</summary>
    public const string SurveyProgress = "surveyProgress";

    public static readonly IReadOnlyList<string> All = [EmergencyStop, ResetEmergencyStop, Status, LiftTo, ListReports, GetReport, SilenceAlarm, SurveyProgress];

    /// <summary>
    /// A cheap look for the e-stop's quoted name in a command payload, before any decoding: the robot's
    /// intake and the embedded broker use it to give an e-stop its own path (no other command carries
    /// the name; "resetEmergencyStop" does not contain it with its quotes). A match is decoded before use.
    /// </summary>
    public static bool MayBeEmergencyStop(ReadOnlySpan<byte> payload) => payload.IndexOf("\"emergencyStop\""u8) >= 0;
}

/// <summary>The robot's status snapshot, answered to the status command.</summary>
public sealed record RobotStatus
{
    public required string SerialNumber { get; init; }
    public required OperatingMode OperatingMode { get; init; }
    public required string Activity { get; init; }
    public required EmergencyStopTelemetry EmergencyStop { get; init; }
    public required PoseDto Pose { get; init; }
    public required double LiftHeightM { get; init; }
    public required BatteryTelemetry Battery { get; init; }
    public required DetectorTelemetry Detector { get; init; }
    public required string OrderId { get; init; }
    public required bool Driving { get; init; }
    public required bool Paused { get; init; }
    public required IReadOnlyList<VdaError> Errors { get; init; }
}

public sealed record CommandResponse
{
    public required string CommandId { get; init; }
    public required string Command { get; init; }
    public required bool Accepted { get; init; }
    /// <summary>ok, or an error code from <see cref="Codec.ProtocolErrorCode"/>.</summary>
    public required string Code { get; init; }
    public required string Message { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset Timestamp { get; init; }
    public RobotStatus? Status { get; init; }
    /// <summary>For listReports: the newest reports first.</summary>
    public IReadOnlyList<ReportSummary>? Reports { get; init; }
    /// <summary>For getReport: the whole report as filed.</summary>
    public InspectionReport? Report { get; init; }
    /// <summary>For surveyProgress: the running inspection's points so far, oldest first (empty when none runs).</summary>
    public IReadOnlyList<MeasuredPoint>? Survey { get; init; }
}

/// <summary>One measured point of the inspection in progress: where the robot stood, the dose rate and the decision.</summary>
public sealed record MeasuredPoint
{
    public required string PointId { get; init; }
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double HeightM { get; init; }
    public required double DoseRateUSvPerH { get; init; }
    public required string Decision { get; init; }
    /// <summary>null for a survey point; remeasure or refine (as in the report).</summary>
    public string? Kind { get; init; }
}

/// <summary>One line of the report list.</summary>
public sealed record ReportSummary
{
    public required string ReportId { get; init; }
    public required long Sequence { get; init; }
    public required string ContainerNumber { get; init; }
    public required string Verdict { get; init; }
    public required string VerdictReason { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset FinishedAt { get; init; }
    public required string ReportHash { get; init; }
}

/// <summary>Something an operator should notice: e-stop, failsafe, rejected input, alarm.</summary>
public sealed record RobotEvent
{
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset Timestamp { get; init; }
    public required long Seq { get; init; }
    public required string Kind { get; init; }
    /// <summary>info, warning, alarm.</summary>
    public required string Severity { get; init; }
    public required string Message { get; init; }
}
