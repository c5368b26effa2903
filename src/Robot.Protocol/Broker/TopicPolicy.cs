using Robot.Protocol.Topics;

namespace Robot.Protocol.Broker;

/// <summary>
/// Who may publish and subscribe what on the robot's topics: the table of docs/security.md as code.
/// The embedded broker asks it on every PUBLISH and SUBSCRIBE; deploy/mosquitto/acl is the same
/// table for a port broker (a test checks both refuse the same attacks).
/// Each method returns why the request is refused, or null when it is allowed.
/// </summary>
public static class TopicPolicy
{
    private static readonly MessageKind[] RobotPublishes =
        [MessageKind.State, MessageKind.Visualization, MessageKind.Connection, MessageKind.Factsheet,
         MessageKind.Telemetry, MessageKind.Event, MessageKind.Response, MessageKind.Report];
    private static readonly MessageKind[] OfficerPublishes =
        [MessageKind.Order, MessageKind.InstantActions, MessageKind.Teleop, MessageKind.Command, MessageKind.Operator];
    private static readonly MessageKind[] FleetPublishes = [MessageKind.Order, MessageKind.InstantActions, MessageKind.Command];
    // The archive reads reports through the two report commands and acknowledges them; the broker
    // looks into its command payloads (RefuseArchiveCommand) so it can send no other command.
    private static readonly MessageKind[] ArchivePublishes = [MessageKind.ReportAck, MessageKind.Command];
    private static readonly string[] ArchiveCommands = [Extensions.CommandNames.ListReports, Extensions.CommandNames.GetReport];

    /// <summary>What a role may publish on a robot's topics.</summary>
    public static IReadOnlyList<MessageKind> Publishes(ClientRole role) => role switch
    {
        ClientRole.Robot => RobotPublishes,
        ClientRole.Officer => OfficerPublishes,
        ClientRole.Fleet => FleetPublishes,
        ClientRole.Archive => ArchivePublishes,
        _ => [],
    };

    public static string? RefusePublish(BrokerAccount? account, string topic, bool retain)
    {
        if (account is null) return "anonymous clients may only subscribe";
        if (account.Role == ClientRole.Observer) return $"'{account.Name}' is an observer and may only subscribe";
        if (IsResponseTopic(topic))
            return account.Role == ClientRole.Robot ? (retain ? "responses are never retained" : null) : "only a robot answers on a client's response topic";
        if (!InRobotNamespace(topic)) return retain ? "retained messages are refused" : null;
        if (!TopicScheme.TryParse(topic, out var address)) return $"'{topic}' is not a robot topic";
        if (!account.Covers(address.SerialNumber)) return $"'{account.Name}' may not act on robot {address.SerialNumber}";
        if (!Publishes(account.Role).Contains(address.Kind)) return $"a {account.Role.ToString().ToLowerInvariant()} may not publish {address.Kind}";
        // Only the robot keeps state on its topics; the one other retained message is an officer's own
        // presence (with its will), so a robot that reconnects learns whether the officer is still there.
        if (retain && account.Role != ClientRole.Robot && address.Kind != MessageKind.Operator) return "retained messages on a robot's topics are the robot's own";
        return null;
    }

    /// <summary>An archive's command must be one of the report commands (anything undecodable is refused).</summary>
    public static string? RefuseArchiveCommand(BrokerAccount? account, string topic, ReadOnlySpan<byte> payload)
    {
        if (account?.Role != ClientRole.Archive || !TopicScheme.TryParse(topic, out var address) || address.Kind != MessageKind.Command) return null;
        return Codec.ProtocolCodec.TryDecode<Extensions.CommandRequest>(payload, out var request, out _) && request is not null && ArchiveCommands.Contains(request.Command)
            ? null
            : $"an archive may only send {string.Join(" and ", ArchiveCommands)}";
    }

    /// <summary>
    /// Whether a message may be delivered to a client. A client's response topic reaches that client only:
    /// a watcher subscribed to robot/v1/# does not read another client's answers (Mosquitto's read ACL
    /// works the same way, per delivered message).
    /// </summary>
    public static bool MayDeliver(string topic, string receiverClientId)
    {
        if (!IsResponseTopic(topic)) return true;
        var rest = topic.AsSpan((TopicScheme.ExtensionRoot + "/clients/").Length);
        var slash = rest.IndexOf('/');
        return slash > 0 && rest[..slash].SequenceEqual(receiverClientId);
    }

    private static bool IsResponseTopic(string topic) =>
        topic.StartsWith(TopicScheme.ExtensionRoot + "/clients/", StringComparison.Ordinal);

    private static bool InRobotNamespace(string topic) =>
        topic.StartsWith(TopicScheme.VdaInterface + "/", StringComparison.Ordinal) || topic.StartsWith("robot/", StringComparison.Ordinal)
        || topic == TopicScheme.VdaInterface || topic == "robot";

    /// <summary>MQTT topic filter matching (+ one level, # the rest).</summary>
    public static bool Matches(string filter, string topic)
    {
        var f = filter.Split('/');
        var t = topic.Split('/');
        for (var i = 0; i < f.Length; i++)
        {
            if (f[i] == "#") return true;
            if (i >= t.Length) return false;
            if (f[i] != "+" && f[i] != t[i]) return false;
        }
        return f.Length == t.Length;
    }
}
