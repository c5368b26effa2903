using System.Text.Json.Serialization;

namespace Robot.Protocol.Vda5050;

// VDA 5050 2.1.0 enumerations. Wire names are the specification's upper-case strings;
// anything else (unknown or differently cased string, number) fails decoding with a typed error
// (see StrictEnumConverter and Codec/ProtocolCodec).

[JsonConverter(typeof(StrictEnumConverter<ConnectionState>))]
public enum ConnectionState
{
    [JsonStringEnumMemberName("ONLINE")] Online,
    [JsonStringEnumMemberName("OFFLINE")] Offline,
    [JsonStringEnumMemberName("CONNECTIONBROKEN")] ConnectionBroken,
}

[JsonConverter(typeof(StrictEnumConverter<BlockingType>))]
public enum BlockingType
{
    [JsonStringEnumMemberName("NONE")] None,
    [JsonStringEnumMemberName("SOFT")] Soft,
    [JsonStringEnumMemberName("HARD")] Hard,
}

// The 2.1.0 schema has no PAUSED (the prose mentions it): a paused action stays RUNNING.
[JsonConverter(typeof(StrictEnumConverter<ActionStatus>))]
public enum ActionStatus
{
    [JsonStringEnumMemberName("WAITING")] Waiting,
    [JsonStringEnumMemberName("INITIALIZING")] Initializing,
    [JsonStringEnumMemberName("RUNNING")] Running,
    [JsonStringEnumMemberName("FINISHED")] Finished,
    [JsonStringEnumMemberName("FAILED")] Failed,
}

[JsonConverter(typeof(StrictEnumConverter<OperatingMode>))]
public enum OperatingMode
{
    [JsonStringEnumMemberName("AUTOMATIC")] Automatic,
    [JsonStringEnumMemberName("SEMIAUTOMATIC")] Semiautomatic,
    [JsonStringEnumMemberName("MANUAL")] Manual,
    [JsonStringEnumMemberName("SERVICE")] Service,
    [JsonStringEnumMemberName("TEACHIN")] Teachin,
}

[JsonConverter(typeof(StrictEnumConverter<ErrorLevel>))]
public enum ErrorLevel
{
    [JsonStringEnumMemberName("WARNING")] Warning,
    [JsonStringEnumMemberName("FATAL")] Fatal,
}

[JsonConverter(typeof(StrictEnumConverter<InfoLevel>))]
public enum InfoLevel
{
    [JsonStringEnumMemberName("INFO")] Info,
    [JsonStringEnumMemberName("DEBUG")] Debug,
}

[JsonConverter(typeof(StrictEnumConverter<EStopState>))]
public enum EStopState
{
    [JsonStringEnumMemberName("AUTOACK")] AutoAck,
    [JsonStringEnumMemberName("MANUAL")] Manual,
    [JsonStringEnumMemberName("REMOTE")] Remote,
    [JsonStringEnumMemberName("NONE")] None,
}

[JsonConverter(typeof(StrictEnumConverter<MapStatus>))]
public enum MapStatus
{
    [JsonStringEnumMemberName("ENABLED")] Enabled,
    [JsonStringEnumMemberName("DISABLED")] Disabled,
}
