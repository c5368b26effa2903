namespace Robot.Protocol.Codec;

/// <summary>Error codes the robot reports for bad input (docs/protocol.md lists them all).</summary>
public static class ProtocolErrorCode
{
    public const string UnknownTopic = "unknownTopic";
    public const string PayloadTooLarge = "payloadTooLarge";
    public const string MalformedJson = "malformedJson";
    public const string SchemaViolation = "schemaViolation";
    public const string ValueOutOfRange = "valueOutOfRange";
    public const string WrongRobot = "wrongRobot";
    public const string WrongVersion = "wrongVersion";
    public const string ExpiredCommand = "expiredCommand";
    public const string StaleCommand = "staleCommand";
    public const string ReplayedCommand = "replayedCommand";
    public const string UnknownCommand = "unknownCommand";
    public const string UnsupportedAction = "unsupportedAction";
    public const string OrderRejected = "orderRejected";
    public const string OrderUpdateRejected = "orderUpdateRejected";
    public const string EmergencyStopActive = "emergencyStopActive";
    public const string NotPermitted = "notPermitted";
    public const string Busy = "busy";
    public const string NotFound = "notFound";
}

/// <summary>Why an inbound message was refused. Field is a JSON path where one is known.</summary>
public sealed record ProtocolError(string Code, string Message, string? Field = null)
{
    public override string ToString() => Field is null ? $"{Code}: {Message}" : $"{Code}: {Message} (at {Field})";
}
