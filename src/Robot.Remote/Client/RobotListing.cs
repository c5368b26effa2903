using Robot.Protocol.Vda5050;

namespace Robot.Remote.Client;

/// <summary>One robot seen on the broker: from its retained connection message and factsheet.</summary>
public sealed record RobotListing
{
    public required string Manufacturer { get; init; }
    public required string SerialNumber { get; init; }
    /// <summary>Null when only a factsheet was seen.</summary>
    public ConnectionState? ConnectionState { get; init; }
    /// <summary>The newest timestamp among the robot's messages.</summary>
    public required DateTimeOffset LastSeen { get; init; }
    /// <summary>From the factsheet, when there is one.</summary>
    public string? SeriesName { get; init; }
}
