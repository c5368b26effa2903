using System.Text.Json.Serialization;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;

namespace Robot.Protocol.Codec;

/// <summary>
/// System.Text.Json source generation for every wire message: no reflection on the control path,
/// and trim/AOT safe for the board build. Strict on types (numbers are not read from strings),
/// nullable annotations respected (a null where the schema wants a value is an error).
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true,
    AllowTrailingCommas = false,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow,
    MaxDepth = 32)]
[JsonSerializable(typeof(Connection))]
[JsonSerializable(typeof(InstantActions))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(State))]
[JsonSerializable(typeof(Visualization))]
[JsonSerializable(typeof(Factsheet))]
[JsonSerializable(typeof(TeleopCommand))]
[JsonSerializable(typeof(Telemetry))]
[JsonSerializable(typeof(CommandRequest))]
[JsonSerializable(typeof(CommandResponse))]
[JsonSerializable(typeof(OperatorPresence))]
[JsonSerializable(typeof(RobotEvent))]
[JsonSerializable(typeof(InspectionReport))]
[JsonSerializable(typeof(ReportAck))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
