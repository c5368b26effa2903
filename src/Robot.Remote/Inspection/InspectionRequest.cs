namespace Robot.Remote.Inspection;

/// <summary>What the operator asks to inspect: the container, where it stands, and how.</summary>
public sealed record InspectionRequest
{
    /// <summary>ISO 6346 number (check digit verified before sending).</summary>
    public required string ContainerNumber { get; init; }
    /// <summary>20ft, 40ft or 40ftHC (Robot.Protocol.Extensions.ContainerTypes).</summary>
    public required string ContainerType { get; init; }
    /// <summary>The container's centre in the yard, metres.</summary>
    public required double X { get; init; }
    public required double Y { get; init; }
    /// <summary>Heading of the container's long axis, radians within [-π, π].</summary>
    public double Theta { get; init; }
    /// <summary>standard or sequential; null leaves the profile's default.</summary>
    public string? PointMode { get; init; }
    /// <summary>Measure a fresh background before the survey.</summary>
    public bool MeasureBackground { get; init; }
    /// <summary>Who asks (the report names them); null: the client's own operator id.</summary>
    public string? OperatorId { get; init; }
}

/// <summary>An inspection order that went out: where, under which ids.</summary>
/// <param name="Manufacturer">From the robot's retained connection message.</param>
/// <param name="Topic">uagv/v2/{manufacturer}/{serial}/order.</param>
/// <param name="ActionId">The inspectContainer action, whose state the robot reports.</param>
public sealed record SentInspection(string SerialNumber, string Manufacturer, string Topic, string OrderId, string ActionId, string ContainerNumber);
