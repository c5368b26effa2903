using System.Text.Json;
using System.Text.Json.Serialization;

namespace Robot.Remote.Web;

public sealed record SignInRequest(string? User, string? Password);
public sealed record MeResponse(string User, string Role, string CsrfToken);
public sealed record ErrorResponse(string Error);
public sealed record RobotItem(string SerialNumber, string Manufacturer, string? ConnectionState, string? SeriesName, DateTimeOffset LastSeen);
public sealed record CommandBody(double? HeightM);
public sealed record CommandResult(bool Accepted, string Code, string Message);
public sealed record InspectBody(string? ContainerNumber, string? ContainerType, double? X, double? Y, double? Theta);
public sealed record InspectResult(string OrderId, string ContainerNumber);
public sealed record GoToBody(double? X, double? Y, double? Theta);

/// <summary>A robot's control lease as a page sees it: free (no holder), the caller's (yours), or someone else's.</summary>
public sealed record LeaseView(string Robot, string? Holder, string? HolderRole, DateTimeOffset? Since, bool Yours, double QuietS)
{
    public static LeaseView Of(string robot, ControlLease? lease, string viewer, TimeSpan quiet) =>
        new(robot, lease?.User, lease?.Role, lease?.Since, lease is not null && lease.User == viewer, quiet.TotalSeconds);
}

/// <summary>409 for a control command without the lease: the message and who holds it.</summary>
public sealed record LeaseConflict(string Error, LeaseView Lease);

/// <summary>The yard map: bounds and containers.</summary>
public sealed record YardView(YardBounds Bounds, IReadOnlyList<YardContainer> Containers);

/// <summary>
/// The robot's pose and order as its VDA 5050 state says (agvPosition, paused, driving, orderId), as the page shows them; operatingMode in lower case (automatic, manual, ...);
/// route: the [x, y] of the order's nodes still ahead (the way round the containers on the map).
/// </summary>
public sealed record LiveState(double? X, double? Y, double? Theta, bool Paused, bool Driving, string OrderId, string OperatingMode, IReadOnlyList<double[]> Route);

/// <summary>What the page's socket receives: telemetry boiled down to what the page shows.</summary>
public sealed record LiveMessage
{
    public required string T { get; init; }
    public LiveTelemetry? Telemetry { get; init; }
    public LeaseView? Lease { get; init; }
    public LiveState? State { get; init; }
    public string? Severity { get; init; }
    public string? Message { get; init; }
}

public sealed record LiveTelemetry
{
    public required DateTimeOffset At { get; init; }
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double Theta { get; init; }
    public required double LinearMps { get; init; }
    public required double AngularRadps { get; init; }
    public required double LiftHeightM { get; init; }
    public double? DoseRateUSvPerH { get; init; }
    public required string DetectorStatus { get; init; }
    public required double BatteryPercent { get; init; }
    public required bool EmergencyStop { get; init; }
    public required string EmergencyStopSource { get; init; }
    public required string Activity { get; init; }
    public string? ProcedureState { get; init; }
    public string? ContainerNumber { get; init; }
    public int PointsDone { get; init; }
    public int PointsPlanned { get; init; }
    public string? Verdict { get; init; }
    public string? ReportId { get; init; }
    public string? CurrentPoint { get; init; }
    public double? LastDoseUSvPerH { get; init; }
    public double? BackgroundUSvPerH { get; init; }
    /// <summary>Background + the profile's limit, as the robot decides with it.</summary>
    public double? ThresholdUSvPerH { get; init; }
    /// <summary>The robot's alarm is sounding (an EXCEEDS verdict not yet silenced); null when the robot does not say.</summary>
    public bool? AlarmOn { get; init; }
}

/// <summary>What the page sends on its socket: joystick samples (t = "joy"), "stop", and the heartbeat "hb" that keeps its lease.</summary>
public sealed record JoystickMessage(string? T, double? Linear, double? Angular);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UserFile))]
[JsonSerializable(typeof(AuditEntry))]
[JsonSerializable(typeof(IReadOnlyList<AuditEntry>))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(IReadOnlyList<RobotItem>))]
[JsonSerializable(typeof(CommandBody))]
[JsonSerializable(typeof(CommandResult))]
[JsonSerializable(typeof(InspectBody))]
[JsonSerializable(typeof(InspectResult))]
[JsonSerializable(typeof(LiveMessage))]
[JsonSerializable(typeof(JoystickMessage))]
[JsonSerializable(typeof(GoToBody))]
[JsonSerializable(typeof(LeaseView))]
[JsonSerializable(typeof(LeaseConflict))]
[JsonSerializable(typeof(YardView))]
[JsonSerializable(typeof(YardLayout))]
internal sealed partial class WebJson : JsonSerializerContext;
