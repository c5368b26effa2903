using System.Text.Json.Serialization;
using Robot.Drivers.Configuration;
using Robot.Host.Records;
using Robot.Protocol.Link;

namespace Robot.Host.Configuration;

/// <summary>
/// System.Text.Json source generation for <c>robot-host print-config</c>: every options class the
/// host binds, written with the configuration's own key names (PascalCase) so the output can be
/// pasted back into appsettings.json. No reflection: trim and Native AOT safe.
/// </summary>
[JsonSourceGenerationOptions(IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(RobotIdentityOptions))]
[JsonSerializable(typeof(SafetyOptions))]
[JsonSerializable(typeof(MotionOptions))]
[JsonSerializable(typeof(TelemetryOptions))]
[JsonSerializable(typeof(BrokerOptions))]
[JsonSerializable(typeof(MqttLinkOptions))]
[JsonSerializable(typeof(MeasurementProfileOptions))]
[JsonSerializable(typeof(InstrumentOptions))]
[JsonSerializable(typeof(ProcedureOptions))]
[JsonSerializable(typeof(RecordsOptions))]
[JsonSerializable(typeof(HardwareOptions))]
internal sealed partial class ConfigJsonContext : JsonSerializerContext;
