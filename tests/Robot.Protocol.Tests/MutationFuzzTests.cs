using System.Text.Json.Nodes;
using Robot.Protocol.Codec;
using Robot.Protocol.Tests.Support;
using Robot.TestSupport;

namespace Robot.Protocol.Tests;

/// <summary>
/// Structured fuzzing: every value in a valid inbound message is replaced in turn by values of the
/// wrong kind. Decode must never throw, and for the VDA 5050 topics whatever the codec accepts must
/// also pass the official schema (DESIGN.md: messages that do not validate are rejected).
/// </summary>
public class MutationFuzzTests
{
    private static readonly string[] Replacements =
    [
        "null", "[null]", "[]", "{}", "\"\"", "\"x\"", "0", "-1", "1.5", "1e308", "-1e308", "true", "[{}]", "[[]]", "{\"a\":null}",
    ];

    public static TheoryData<string> InboundTopics => new(Inbound.TopicNames);

    [Theory]
    [MemberData(nameof(InboundTopics))]
    public void Replacing_any_value_never_makes_decode_throw(string name)
    {
        var topic = Inbound.Topic(name);
        var count = 0;
        foreach (var (path, json) in Mutations(name))
        {
            var result = Inbound.Decode(topic, json); // fails the test with the payload if it throws
            Assert.True(result.IsSuccess || result.Error is not null, path);
            count++;
        }
        Assert.True(count >= 3 * Replacements.Length, $"only {count} mutations");
    }

    [Theory]
    [InlineData("order")]
    [InlineData("instantActions")]
    public void What_the_codec_accepts_the_official_schema_accepts(string name)
    {
        var topic = Inbound.Topic(name);
        var accepted = 0;
        var disagreements = new List<string>();
        foreach (var (path, json) in Mutations(name))
        {
            var result = Inbound.Decode(topic, json);
            if (!result.IsSuccess) continue;
            accepted++;
            // The codec reads an explicit null in an optional field as "absent" (the schemas allow
            // absent but not null): compare what it means, not that spelling.
            var errors = Vda5050Schemas.Shared.Validate(name, WithoutNulls(JsonNode.Parse(json))!.ToJsonString());
            if (errors.Count > 0) disagreements.Add($"{path}: {errors[0]}");
        }
        Assert.True(accepted > 0, "no mutation was accepted: the comparison proved nothing");
        Assert.True(disagreements.Count == 0, "the codec accepted payloads the schema rejects:\n" + string.Join("\n", disagreements));
    }

    private static JsonNode? WithoutNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var key in o.Where(p => p.Value is null).Select(p => p.Key).ToList()) o.Remove(key);
                foreach (var (_, value) in o) WithoutNulls(value);
                break;
            case JsonArray a:
                foreach (var item in a) WithoutNulls(item);
                break;
        }
        return node;
    }

    /// <summary>(description, payload) for every value position in the sample and every replacement.</summary>
    private static IEnumerable<(string Path, string Json)> Mutations(string name)
    {
        var paths = new List<string>();
        Collect(Inbound.ValidJson(name), "", paths);
        foreach (var path in paths)
        {
            foreach (var replacement in Replacements)
            {
                var root = Inbound.ValidJson(name);
                Replace(root, path, JsonNode.Parse(replacement));
                yield return ($"{path} = {replacement}", root.ToJsonString());
            }
        }
    }

    private static void Collect(JsonNode? node, string path, List<string> paths)
    {
        if (path.Length > 0) paths.Add(path);
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o) Collect(value, path.Length == 0 ? key : path + "." + key, paths);
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) Collect(a[i], $"{path}[{i}]", paths);
                break;
        }
    }

    private static void Replace(JsonObject root, string path, JsonNode? value)
    {
        // Paths come from Collect: "a.b[2].c". Walk to the parent and set the last step.
        var steps = new List<object>();
        foreach (var part in path.Split('.'))
        {
            var name = part;
            var bracket = name.IndexOf('[', StringComparison.Ordinal);
            steps.Add(bracket < 0 ? name : name[..bracket]);
            while (bracket >= 0)
            {
                var close = name.IndexOf(']', bracket);
                steps.Add(int.Parse(name[(bracket + 1)..close], System.Globalization.CultureInfo.InvariantCulture));
                bracket = name.IndexOf('[', close);
            }
        }
        JsonNode node = root;
        foreach (var step in steps[..^1])
        {
            node = step is int i ? node[i]! : node[(string)step]!;
        }
        if (steps[^1] is int index) node.AsArray()[index] = value;
        else node.AsObject()[(string)steps[^1]] = value;
    }
}
