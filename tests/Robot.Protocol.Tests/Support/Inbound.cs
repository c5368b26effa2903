using System.Text;
using System.Text.Json.Nodes;
using Robot.Protocol.Codec;
using Robot.Protocol.Topics;

namespace Robot.Protocol.Tests.Support;

/// <summary>Helpers for bad-input tests: valid payloads of the inbound topics as editable JSON, and a decode that reports instead of throwing.</summary>
internal static class Inbound
{
    /// <summary>The topics the robot receives from outside.</summary>
    public static readonly IReadOnlyList<string> TopicNames = ["order", "instantActions", "teleop", "commands", "operator"];

    public static string Topic(string name) => name switch
    {
        "order" => Samples.VdaTopic(MessageKind.Order),
        "instantActions" => Samples.VdaTopic(MessageKind.InstantActions),
        "teleop" => Samples.ExtTopic(MessageKind.Teleop),
        "commands" => Samples.ExtTopic(MessageKind.Command),
        "operator" => Samples.ExtTopic(MessageKind.Operator),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static byte[] ValidPayload(string name) => name switch
    {
        "order" => ProtocolCodec.Encode(Samples.Order()),
        "instantActions" => ProtocolCodec.Encode(Samples.InstantActions()),
        "teleop" => ProtocolCodec.Encode(Samples.Teleop()),
        "commands" => ProtocolCodec.Encode(Samples.Command()),
        "operator" => ProtocolCodec.Encode(Samples.Operator()),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public static JsonObject ValidJson(string name) => JsonNode.Parse(ValidPayload(name))!.AsObject();

    /// <summary>Sets (or with <paramref name="rawValue"/> null, removes) the value at a path like "nodes[1].nodePosition.theta".</summary>
    public static string Edit(string name, string path, string? rawValue)
    {
        var root = ValidJson(name);
        var (parent, last) = Navigate(root, path);
        var value = rawValue is null ? null : JsonNode.Parse(rawValue);
        switch (parent)
        {
            case JsonObject o when rawValue is null:
                if (!o.Remove(last)) throw new InvalidOperationException($"{path} is not in the sample");
                break;
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a:
                a[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
                break;
        }
        return root.ToJsonString();
    }

    private static (JsonNode Parent, string Last) Navigate(JsonNode root, string path)
    {
        var steps = new List<string>();
        foreach (var part in path.Split('.'))
        {
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            if (bracket < 0)
            {
                steps.Add(part);
                continue;
            }
            steps.Add(part[..bracket]);
            foreach (var index in part[(bracket + 1)..^1].Split("]["))
            {
                steps.Add(index);
            }
        }
        var node = root;
        foreach (var step in steps[..^1])
        {
            node = (node is JsonArray a ? a[int.Parse(step, System.Globalization.CultureInfo.InvariantCulture)] : node[step])
                ?? throw new InvalidOperationException($"{path}: '{step}' is not in the sample");
        }
        return (node, steps[^1]);
    }

    /// <summary>Decode; an exception is turned into an assertion failure that shows the payload.</summary>
    public static DecodeResult Decode(string topic, byte[] payload, int max = ProtocolCodec.DefaultMaxPayloadBytes)
    {
        try
        {
            return ProtocolCodec.Decode(topic, payload, max);
        }
        catch (Exception ex)
        {
            throw new Xunit.Sdk.XunitException($"Decode threw {ex.GetType().Name} on {topic}: {ex.Message}\npayload: {Show(payload)}\n{ex}");
        }
    }

    public static DecodeResult Decode(string topic, string json) => Decode(topic, Encoding.UTF8.GetBytes(json));

    public static string Show(byte[] payload)
    {
        var text = Encoding.UTF8.GetString(payload);
        return text.Length <= 300 ? text : text[..300] + $"… ({payload.Length} bytes)";
    }
}
