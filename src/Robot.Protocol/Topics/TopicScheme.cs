namespace Robot.Protocol.Topics;

/// <summary>What a topic carries.</summary>
public enum MessageKind
{
    // VDA 5050: uagv/v2/{manufacturer}/{serialNumber}/{topic}
    Order,
    InstantActions,
    State,
    Visualization,
    Connection,
    Factsheet,
    // Robot extensions: robot/v1/{serialNumber}/{topic}
    Teleop,
    Telemetry,
    Command,
    Operator,
    Event,
    /// <summary>Command responses for clients without an MQTT 5 response topic.</summary>
    Response,
    /// <summary>Inspection reports, re-sent until acknowledged.</summary>
    Report,
    /// <summary>Acknowledgements of reports.</summary>
    ReportAck,
}

/// <summary>A parsed topic: which robot, which message.</summary>
public readonly record struct TopicAddress(MessageKind Kind, string SerialNumber, string? Manufacturer);

/// <summary>
/// The topic layout of DESIGN.md. VDA 5050 topics carry manufacturer and serial number;
/// the robot extensions carry the serial number only.
/// </summary>
public static class TopicScheme
{
    public const string VdaInterface = "uagv";
    public const string VdaMajorVersion = "v2";
    public const string VdaProtocolVersion = "2.1.0";
    public const string ExtensionRoot = "robot/v1";

    public static string Vda(string manufacturer, string serialNumber, MessageKind kind) =>
        $"{VdaInterface}/{VdaMajorVersion}/{manufacturer}/{serialNumber}/{VdaName(kind)}";

    public static string Extension(string serialNumber, MessageKind kind) =>
        $"{ExtensionRoot}/{serialNumber}/{ExtensionName(kind)}";

    public static string For(string manufacturer, string serialNumber, MessageKind kind) =>
        IsVda(kind) ? Vda(manufacturer, serialNumber, kind) : Extension(serialNumber, kind);

    /// <summary>Wildcard for every robot's VDA 5050 topic of one kind (for fleet views).</summary>
    public static string AllRobots(MessageKind kind) =>
        IsVda(kind) ? $"{VdaInterface}/{VdaMajorVersion}/+/+/{VdaName(kind)}" : $"{ExtensionRoot}/+/{ExtensionName(kind)}";

    /// <summary>Per-client topic for MQTT 5 responses.</summary>
    public static string ResponseTopic(string clientId) => $"{ExtensionRoot}/clients/{clientId}/responses";

    public static bool IsVda(MessageKind kind) => kind <= MessageKind.Factsheet;

    public static bool TryParse(string topic, out TopicAddress address)
    {
        address = default;
        var parts = topic.Split('/');
        if (parts.Length == 5 && parts[0] == VdaInterface && parts[1] == VdaMajorVersion
            && IsName(parts[2]) && IsName(parts[3]) && TryVdaKind(parts[4], out var vdaKind))
        {
            address = new TopicAddress(vdaKind, parts[3], parts[2]);
            return true;
        }
        if (parts.Length == 4 && parts[0] == "robot" && parts[1] == "v1" && IsName(parts[2])
            && parts[2] != "clients" && TryExtensionKind(parts[3], out var extKind))
        {
            address = new TopicAddress(extKind, parts[2], null);
            return true;
        }
        return false;
    }

    /// <summary>A manufacturer or serial segment: not empty, no MQTT wildcards (a filter such as AllRobots is not an address), no control characters.</summary>
    private static bool IsName(string segment)
    {
        if (segment.Length == 0) return false;
        foreach (var ch in segment)
        {
            if (ch is '+' or '#' || char.IsControl(ch)) return false;
        }
        return true;
    }

    private static string VdaName(MessageKind kind) => kind switch
    {
        MessageKind.Order => "order",
        MessageKind.InstantActions => "instantActions",
        MessageKind.State => "state",
        MessageKind.Visualization => "visualization",
        MessageKind.Connection => "connection",
        MessageKind.Factsheet => "factsheet",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a VDA 5050 topic"),
    };

    private static string ExtensionName(MessageKind kind) => kind switch
    {
        MessageKind.Teleop => "teleop",
        MessageKind.Telemetry => "telemetry",
        MessageKind.Command => "commands",
        MessageKind.Operator => "operator",
        MessageKind.Event => "events",
        MessageKind.Response => "responses",
        MessageKind.Report => "reports",
        MessageKind.ReportAck => "reportAcks",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a robot extension topic"),
    };

    private static bool TryVdaKind(string name, out MessageKind kind)
    {
        foreach (var k in new[] { MessageKind.Order, MessageKind.InstantActions, MessageKind.State, MessageKind.Visualization, MessageKind.Connection, MessageKind.Factsheet })
        {
            if (VdaName(k) == name) { kind = k; return true; }
        }
        kind = default;
        return false;
    }

    private static bool TryExtensionKind(string name, out MessageKind kind)
    {
        foreach (var k in new[] { MessageKind.Teleop, MessageKind.Telemetry, MessageKind.Command, MessageKind.Operator, MessageKind.Event, MessageKind.Response, MessageKind.Report, MessageKind.ReportAck })
        {
            if (ExtensionName(k) == name) { kind = k; return true; }
        }
        kind = default;
        return false;
    }
}
