using System.Text.Json;
using System.Text.Json.Serialization;

namespace Robot.Protocol.Vda5050;

// VDA 5050 2.1.0 messages, field names exactly as the specification's JSON schemas
// (tests/Robot.Protocol.Tests/TestData/vda5050-2.1.0). Optional fields are nullable and omitted
// when null, because the schemas do not allow null. Units: metres, radians, seconds, m/s.

/// <summary>The header every VDA 5050 message starts with.</summary>
public abstract record Vda5050Message
{
    /// <summary>Counted per topic by the sender, +1 per message sent.</summary>
    public required long HeaderId { get; init; }
    [JsonConverter(typeof(UtcMillisecondsConverter))]
    public required DateTimeOffset Timestamp { get; init; }
    public required string Version { get; init; }
    public required string Manufacturer { get; init; }
    public required string SerialNumber { get; init; }
}

public sealed record Connection : Vda5050Message
{
    public required ConnectionState ConnectionState { get; init; }
}

public sealed record ActionParameter
{
    public required string Key { get; init; }
    /// <summary>Any JSON value (string, number, boolean, array, object).</summary>
    public required JsonElement Value { get; init; }
}

public sealed record VdaAction
{
    public required string ActionType { get; init; }
    public required string ActionId { get; init; }
    public string? ActionDescription { get; init; }
    public required BlockingType BlockingType { get; init; }
    public IReadOnlyList<ActionParameter>? ActionParameters { get; init; }
}

public sealed record InstantActions : Vda5050Message
{
    public required IReadOnlyList<VdaAction> Actions { get; init; }
}

public sealed record NodePosition
{
    public required double X { get; init; }
    public required double Y { get; init; }
    public double? Theta { get; init; }
    public double? AllowedDeviationXY { get; init; }
    public double? AllowedDeviationTheta { get; init; }
    public required string MapId { get; init; }
    public string? MapDescription { get; init; }
}

public sealed record Node
{
    public required string NodeId { get; init; }
    public required long SequenceId { get; init; }
    public string? NodeDescription { get; init; }
    public required bool Released { get; init; }
    public NodePosition? NodePosition { get; init; }
    public required IReadOnlyList<VdaAction> Actions { get; init; }
}

public sealed record ControlPoint
{
    public required double X { get; init; }
    public required double Y { get; init; }
    public double? Weight { get; init; }
}

public sealed record Trajectory
{
    public required int Degree { get; init; }
    public required IReadOnlyList<double> KnotVector { get; init; }
    public required IReadOnlyList<ControlPoint> ControlPoints { get; init; }
}

public sealed record Corridor
{
    public required double LeftWidth { get; init; }
    public required double RightWidth { get; init; }
    public string? CorridorRefPoint { get; init; }
}

public sealed record Edge
{
    public required string EdgeId { get; init; }
    public required long SequenceId { get; init; }
    public string? EdgeDescription { get; init; }
    public required bool Released { get; init; }
    public required string StartNodeId { get; init; }
    public required string EndNodeId { get; init; }
    public double? MaxSpeed { get; init; }
    public double? MaxHeight { get; init; }
    public double? MinHeight { get; init; }
    public double? Orientation { get; init; }
    public string? OrientationType { get; init; }
    public string? Direction { get; init; }
    public bool? RotationAllowed { get; init; }
    public double? MaxRotationSpeed { get; init; }
    public double? Length { get; init; }
    public Trajectory? Trajectory { get; init; }
    public Corridor? Corridor { get; init; }
    public required IReadOnlyList<VdaAction> Actions { get; init; }
}

public sealed record Order : Vda5050Message
{
    public required string OrderId { get; init; }
    public required long OrderUpdateId { get; init; }
    public string? ZoneSetId { get; init; }
    public required IReadOnlyList<Node> Nodes { get; init; }
    public required IReadOnlyList<Edge> Edges { get; init; }
}

// ---- state ----

public sealed record MapInfo
{
    public required string MapId { get; init; }
    public required string MapVersion { get; init; }
    public string? MapDescription { get; init; }
    public required MapStatus MapStatus { get; init; }
}

public sealed record StateNodePosition
{
    public required double X { get; init; }
    public required double Y { get; init; }
    public double? Theta { get; init; }
    public required string MapId { get; init; }
}

public sealed record NodeState
{
    public required string NodeId { get; init; }
    public required long SequenceId { get; init; }
    public string? NodeDescription { get; init; }
    public required bool Released { get; init; }
    public StateNodePosition? NodePosition { get; init; }
}

public sealed record EdgeState
{
    public required string EdgeId { get; init; }
    public required long SequenceId { get; init; }
    public string? EdgeDescription { get; init; }
    public required bool Released { get; init; }
    public Trajectory? Trajectory { get; init; }
}

public sealed record AgvPosition
{
    public required double X { get; init; }
    public required double Y { get; init; }
    public required double Theta { get; init; }
    public required string MapId { get; init; }
    public string? MapDescription { get; init; }
    public required bool PositionInitialized { get; init; }
    public double? LocalizationScore { get; init; }
    public double? DeviationRange { get; init; }
}

public sealed record Velocity
{
    public double? Vx { get; init; }
    public double? Vy { get; init; }
    public double? Omega { get; init; }
}

public sealed record ActionState
{
    public required string ActionId { get; init; }
    public string? ActionType { get; init; }
    public string? ActionDescription { get; init; }
    public required ActionStatus ActionStatus { get; init; }
    public string? ResultDescription { get; init; }
}

public sealed record BatteryState
{
    /// <summary>State of charge, percent 0..100.</summary>
    public required double BatteryCharge { get; init; }
    public double? BatteryVoltage { get; init; }
    public double? BatteryHealth { get; init; }
    public required bool Charging { get; init; }
    /// <summary>Estimated reach in metres.</summary>
    public double? Reach { get; init; }
}

public sealed record ErrorReference
{
    public required string ReferenceKey { get; init; }
    public required string ReferenceValue { get; init; }
}

public sealed record VdaError
{
    public required string ErrorType { get; init; }
    public IReadOnlyList<ErrorReference>? ErrorReferences { get; init; }
    public string? ErrorDescription { get; init; }
    public string? ErrorHint { get; init; }
    public required ErrorLevel ErrorLevel { get; init; }
}

public sealed record InfoReference
{
    public required string ReferenceKey { get; init; }
    public required string ReferenceValue { get; init; }
}

public sealed record VdaInformation
{
    public required string InfoType { get; init; }
    public IReadOnlyList<InfoReference>? InfoReferences { get; init; }
    public string? InfoDescription { get; init; }
    public required InfoLevel InfoLevel { get; init; }
}

public sealed record SafetyState
{
    [JsonPropertyName("eStop")]
    public required EStopState EStop { get; init; }
    public required bool FieldViolation { get; init; }
}

public sealed record State : Vda5050Message
{
    public IReadOnlyList<MapInfo>? Maps { get; init; }
    public required string OrderId { get; init; }
    public required long OrderUpdateId { get; init; }
    public string? ZoneSetId { get; init; }
    public required string LastNodeId { get; init; }
    public required long LastNodeSequenceId { get; init; }
    public required bool Driving { get; init; }
    public bool? Paused { get; init; }
    public bool? NewBaseRequest { get; init; }
    public double? DistanceSinceLastNode { get; init; }
    public required OperatingMode OperatingMode { get; init; }
    public required IReadOnlyList<NodeState> NodeStates { get; init; }
    public required IReadOnlyList<EdgeState> EdgeStates { get; init; }
    public AgvPosition? AgvPosition { get; init; }
    public Velocity? Velocity { get; init; }
    public required IReadOnlyList<ActionState> ActionStates { get; init; }
    public required BatteryState BatteryState { get; init; }
    public required IReadOnlyList<VdaError> Errors { get; init; }
    public IReadOnlyList<VdaInformation>? Information { get; init; }
    public required SafetyState SafetyState { get; init; }
}

public sealed record Visualization : Vda5050Message
{
    public AgvPosition? AgvPosition { get; init; }
    public Velocity? Velocity { get; init; }
}
