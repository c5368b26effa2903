using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using Json.Schema;

namespace Robot.TestSupport;

/// <summary>
/// The official VDA 5050 2.1.0 JSON schemas, loaded once, validating payloads by topic name.
/// Self-contained (System.Text.Json + JsonSchema.Net 8 only) so other test projects can compile
/// this file in: they must copy the schemas to TestData/vda5050-2.1.0 next to their assembly.
/// </summary>
/// <remarks>
/// The schemas declare draft 2020-12 and carry a non-standard top-level <c>subtopic</c> keyword;
/// the 2020-12 dialect of JsonSchema.Net allows unknown keywords, so it is ignored. Each schema is
/// built into its own local <see cref="SchemaRegistry"/> under its own base URI, so several
/// instances (or several test assemblies in one process) never collide in the global registry.
/// <c>format: date-time</c> is asserted (not just annotated).
/// </remarks>
public sealed class Vda5050Schemas
{
    /// <summary>The six topics of VDA 5050 2.1.0, as the schema files are named.</summary>
    public static readonly IReadOnlyList<string> TopicNames = ["connection", "state", "order", "instantActions", "visualization", "factsheet"];

    private static readonly Lazy<Vda5050Schemas> LazyShared = new(() => new Vda5050Schemas(), LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Regex UtcMilliseconds = new(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", RegexOptions.CultureInvariant);

    private readonly Dictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);
    private readonly EvaluationOptions _evaluation = new()
    {
        OutputFormat = OutputFormat.List,
        RequireFormatValidation = true,
    };

    /// <summary>Loads the schemas from AppContext.BaseDirectory/TestData/vda5050-2.1.0.</summary>
    public Vda5050Schemas()
        : this(Path.Combine(AppContext.BaseDirectory, "TestData", "vda5050-2.1.0"))
    {
    }

    /// <summary>Loads the six <c>{topic}.schema</c> files from <paramref name="directory"/>.</summary>
    public Vda5050Schemas(string directory)
    {
        Directory = directory;
        foreach (var topic in TopicNames)
        {
            var file = Path.Combine(directory, topic + ".schema");
            if (!File.Exists(file))
            {
                throw new FileNotFoundException($"VDA 5050 schema for '{topic}' not found (copy the schemas to the test output folder)", file);
            }
            var build = new BuildOptions
            {
                SchemaRegistry = new SchemaRegistry(),
                Dialect = Dialect.Draft202012,
            };
            var baseUri = new Uri($"https://robot.test/vda5050/2.1.0/{topic}.schema");
            _schemas[topic] = JsonSchema.FromText(File.ReadAllText(file), build, baseUri);
        }
    }

    /// <summary>One instance per process: building the schemas is the expensive part.</summary>
    public static Vda5050Schemas Shared => LazyShared.Value;

    /// <summary>Where the schemas were loaded from.</summary>
    public string Directory { get; }

    /// <summary>
    /// Validates <paramref name="json"/> against the schema of <paramref name="topic"/>
    /// ("state", or a full MQTT topic ending in "/state"). Returns readable errors; empty means valid.
    /// </summary>
    public IReadOnlyList<string> Validate(string topic, string json)
    {
        var name = TopicName(topic);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            return [$"(payload): not JSON: {ex.Message}"];
        }
        using (document)
        {
            return Validate(name, document.RootElement);
        }
    }

    /// <summary>Validates UTF-8 JSON bytes (for example an MQTT payload).</summary>
    public IReadOnlyList<string> Validate(string topic, ReadOnlySpan<byte> utf8Json)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(utf8Json);
        }
        catch (DecoderFallbackException ex)
        {
            return [$"(payload): not UTF-8: {ex.Message}"];
        }
        return Validate(topic, text);
    }

    /// <summary>Validates an already parsed JSON value.</summary>
    public IReadOnlyList<string> Validate(string topic, JsonElement instance)
    {
        var schema = _schemas.TryGetValue(TopicName(topic), out var s)
            ? s
            : throw new ArgumentException($"'{topic}' is not a VDA 5050 topic; expected one of: {string.Join(", ", TopicNames)}", nameof(topic));
        var results = schema.Evaluate(instance, _evaluation);
        if (results.IsValid) return [];
        var errors = new List<string>();
        Collect(results, errors);
        if (errors.Count == 0) errors.Add("(root): invalid (the validator gave no detail)");
        return errors;
    }

    /// <summary>Throws with every error listed when the payload does not validate.</summary>
    public void AssertValid(string topic, string json)
    {
        var errors = Validate(topic, json);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"{TopicName(topic)} payload does not validate against the VDA 5050 2.1.0 schema:{Environment.NewLine}  "
                + string.Join(Environment.NewLine + "  ", errors) + Environment.NewLine + json);
        }
    }

    /// <summary>
    /// Every "timestamp" property anywhere in <paramref name="json"/> that is not ISO 8601 UTC with
    /// exactly three fractional digits ("2026-11-26T21:28:36.123Z"), the form this robot sends.
    /// Stricter than the schema (which takes any RFC 3339 date-time), so kept separate.
    /// </summary>
    public static IReadOnlyList<string> TimestampProblems(string json, params string[] propertyNames)
    {
        string[] names = propertyNames.Length == 0 ? ["timestamp"] : propertyNames;
        var problems = new List<string>();
        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement, "$");
        return problems;

        void Walk(JsonElement e, string path)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        var at = path + "." + p.Name;
                        if (names.Contains(p.Name, StringComparer.Ordinal))
                        {
                            if (p.Value.ValueKind != JsonValueKind.String || !UtcMilliseconds.IsMatch(p.Value.GetString()!))
                            {
                                problems.Add($"{at}: {p.Value.GetRawText()} is not yyyy-MM-ddTHH:mm:ss.fffZ");
                            }
                        }
                        Walk(p.Value, at);
                    }
                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in e.EnumerateArray())
                    {
                        Walk(item, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]");
                        i++;
                    }
                    break;
            }
        }
    }

    private static string TopicName(string topic)
    {
        var slash = topic.LastIndexOf('/');
        return slash >= 0 ? topic[(slash + 1)..] : topic;
    }

    private static void Collect(EvaluationResults node, List<string> errors)
    {
        if (node.Errors is { Count: > 0 } own)
        {
            var at = node.InstanceLocation.ToString();
            if (at.Length == 0) at = "(root)";
            foreach (var (keyword, message) in own)
            {
                errors.Add($"{at}: {keyword}: {message} (schema {node.EvaluationPath})");
            }
        }
        if (node.Details is { } details)
        {
            foreach (var child in details) Collect(child, errors);
        }
    }
}
