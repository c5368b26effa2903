using System.Text.Json.Serialization;

namespace Robot.Protocol.Vda5050;

// VDA 5050 2.1.0 factsheet: what the robot tells a fleet manager about itself.
// Enumerations here are kept as strings because several are arrays of enums in the schema.

public sealed record Factsheet : Vda5050Message
{
    public required TypeSpecification TypeSpecification { get; init; }
    public required PhysicalParameters PhysicalParameters { get; init; }
    public required ProtocolLimits ProtocolLimits { get; init; }
    public required ProtocolFeatures ProtocolFeatures { get; init; }
    public required AgvGeometry AgvGeometry { get; init; }
    public required LoadSpecification LoadSpecification { get; init; }
    public VehicleConfig? VehicleConfig { get; init; }
}

public sealed record TypeSpecification
{
    public required string SeriesName { get; init; }
    public string? SeriesDescription { get; init; }
    /// <summary>DIFF, OMNI or THREEWHEEL.</summary>
    public required string AgvKinematic { get; init; }
    /// <summary>FORKLIFT, CONVEYOR, TUGGER or CARRIER.</summary>
    public required string AgvClass { get; init; }
    public required double MaxLoadMass { get; init; }
    public required IReadOnlyList<string> LocalizationTypes { get; init; }
    public required IReadOnlyList<string> NavigationTypes { get; init; }
}

public sealed record PhysicalParameters
{
    public required double SpeedMin { get; init; }
    public required double SpeedMax { get; init; }
    public required double AccelerationMax { get; init; }
    public required double DecelerationMax { get; init; }
    public double? HeightMin { get; init; }
    public required double HeightMax { get; init; }
    public required double Width { get; init; }
    public required double Length { get; init; }
}

public sealed record MaxStringLens
{
    public int? MsgLen { get; init; }
    public int? TopicSerialLen { get; init; }
    public int? TopicElemLen { get; init; }
    public int? IdLen { get; init; }
    public bool? IdNumericalOnly { get; init; }
    public int? EnumLen { get; init; }
    public int? LoadIdLen { get; init; }
}

public sealed record MaxArrayLens
{
    [JsonPropertyName("order.nodes")] public int? OrderNodes { get; init; }
    [JsonPropertyName("order.edges")] public int? OrderEdges { get; init; }
    [JsonPropertyName("node.actions")] public int? NodeActions { get; init; }
    [JsonPropertyName("edge.actions")] public int? EdgeActions { get; init; }
    [JsonPropertyName("actions.actionsParameters")] public int? ActionsParameters { get; init; }
    [JsonPropertyName("instantActions")] public int? InstantActions { get; init; }
    [JsonPropertyName("state.errors")] public int? StateErrors { get; init; }
}

public sealed record Timing
{
    public required double MinOrderInterval { get; init; }
    public required double MinStateInterval { get; init; }
    public double? DefaultStateInterval { get; init; }
    public double? VisualizationInterval { get; init; }
}

public sealed record ProtocolLimits
{
    public required MaxStringLens MaxStringLens { get; init; }
    public required MaxArrayLens MaxArrayLens { get; init; }
    public required Timing Timing { get; init; }
}

public sealed record OptionalParameter
{
    public required string Parameter { get; init; }
    /// <summary>SUPPORTED or REQUIRED.</summary>
    public required string Support { get; init; }
    public string? Description { get; init; }
}

public sealed record FactsheetActionParameter
{
    public required string Key { get; init; }
    /// <summary>BOOL, NUMBER, INTEGER, FLOAT, STRING, OBJECT or ARRAY.</summary>
    public required string ValueDataType { get; init; }
    public string? Description { get; init; }
    public bool? IsOptional { get; init; }
}

public sealed record AgvActionDescription
{
    public required string ActionType { get; init; }
    public string? ActionDescription { get; init; }
    /// <summary>INSTANT, NODE, EDGE.</summary>
    public required IReadOnlyList<string> ActionScopes { get; init; }
    public IReadOnlyList<FactsheetActionParameter>? ActionParameters { get; init; }
    public string? ResultDescription { get; init; }
    public IReadOnlyList<string>? BlockingTypes { get; init; }
}

public sealed record ProtocolFeatures
{
    public required IReadOnlyList<OptionalParameter> OptionalParameters { get; init; }
    public required IReadOnlyList<AgvActionDescription> AgvActions { get; init; }
}

public sealed record WheelPosition
{
    public required double X { get; init; }
    public required double Y { get; init; }
    public double? Theta { get; init; }
}

public sealed record WheelDefinition
{
    /// <summary>DRIVE, CASTER, FIXED or MECANUM.</summary>
    public required string Type { get; init; }
    public required bool IsActiveDriven { get; init; }
    public required bool IsActiveSteered { get; init; }
    public required WheelPosition Position { get; init; }
    public required double Diameter { get; init; }
    public required double Width { get; init; }
}

public sealed record PolygonPoint
{
    public required double X { get; init; }
    public required double Y { get; init; }
}

public sealed record Envelope2d
{
    public required string Set { get; init; }
    public required IReadOnlyList<PolygonPoint> PolygonPoints { get; init; }
    public string? Description { get; init; }
}

public sealed record AgvGeometry
{
    public IReadOnlyList<WheelDefinition>? WheelDefinitions { get; init; }
    public IReadOnlyList<Envelope2d>? Envelopes2d { get; init; }
}

public sealed record LoadSpecification
{
    public IReadOnlyList<string>? LoadPositions { get; init; }
}

public sealed record VersionEntry
{
    public required string Key { get; init; }
    public required string Value { get; init; }
}

public sealed record VehicleConfig
{
    public IReadOnlyList<VersionEntry>? Versions { get; init; }
}
