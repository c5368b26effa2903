using System.Text.Json;
using System.Text.Json.Serialization;
using Robot.Protocol.Vda5050;

namespace Robot.Remote.Cli.Output;

// The remote's own --json lines. Protocol messages (status, command answers, watched messages) are
// written by the protocol codec so they read exactly as on the wire; these records only wrap or
// summarise. Times are ISO 8601 UTC with milliseconds, as in the protocol.

/// <summary>One robot from `robots`.</summary>
internal sealed record RobotLine(
    string Manufacturer,
    string SerialNumber,
    string ConnectionState,
    [property: JsonConverter(typeof(UtcMillisecondsConverter))] DateTimeOffset LastSeen,
    string? SeriesName);

/// <summary>The summary of one `drive`.</summary>
internal sealed record DriveLine(
    string SerialNumber,
    int CommandsSent,
    bool StopSent,
    bool Interrupted,
    double LinearMps,
    double AngularRadps,
    double Seconds,
    int TtlMs,
    double RateHz);

/// <summary>One message from `watch`: the decoded protocol message as on the wire, or why it did not decode.</summary>
internal sealed record WatchLine(
    string Kind,
    string Topic,
    [property: JsonConverter(typeof(UtcMillisecondsConverter))] DateTimeOffset ReceivedAt,
    JsonElement? Message,
    string? Error);

/// <summary>One step of `inspect`: sent, progress, finished, failed or refused.</summary>
internal sealed record InspectionLine(
    string Kind,
    string SerialNumber,
    string Manufacturer,
    string OrderId,
    string ActionId,
    string ContainerNumber,
    [property: JsonConverter(typeof(UtcMillisecondsConverter))] DateTimeOffset Timestamp)
{
    public string? ProcedureState { get; init; }
    public int? PointsDone { get; init; }
    public int? PointsPlanned { get; init; }
    public string? CurrentPoint { get; init; }
    public double? LastDoseUSvPerH { get; init; }
    public string? Verdict { get; init; }
    public string? ReportId { get; init; }
    /// <summary>The action's resultDescription, or the refusal's description.</summary>
    public string? Result { get; init; }
    public string? ErrorType { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RobotLine))]
[JsonSerializable(typeof(DriveLine))]
[JsonSerializable(typeof(WatchLine))]
[JsonSerializable(typeof(InspectionLine))]
internal sealed partial class RemoteJsonContext : JsonSerializerContext;
