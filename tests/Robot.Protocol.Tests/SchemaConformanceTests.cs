using System.Text.Json.Nodes;
using Robot.Protocol.Codec;
using Robot.Protocol.Tests.Support;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.TestSupport;

namespace Robot.Protocol.Tests;

/// <summary>Every VDA 5050 message our codec writes validates against the official 2.1.0 schema.</summary>
public class SchemaConformanceTests
{
    private static readonly Vda5050Schemas Schemas = Vda5050Schemas.Shared;

    public static TheoryData<string> VdaTopics => new(Vda5050Schemas.TopicNames);

    private static string EncodeSample(string topic) => topic switch
    {
        "connection" => ProtocolCodec.EncodeToString(Samples.Connection()),
        "state" => ProtocolCodec.EncodeToString(Samples.State()),
        "order" => ProtocolCodec.EncodeToString(Samples.Order()),
        "instantActions" => ProtocolCodec.EncodeToString(Samples.InstantActions()),
        "visualization" => ProtocolCodec.EncodeToString(Samples.Visualization()),
        "factsheet" => ProtocolCodec.EncodeToString(Samples.Factsheet()),
        _ => throw new ArgumentOutOfRangeException(nameof(topic)),
    };

    [Theory]
    [MemberData(nameof(VdaTopics))]
    public void Fully_populated_message_validates_against_its_official_schema(string topic)
    {
        var json = EncodeSample(topic);
        Assert.Empty(Schemas.Validate(topic, json));
    }

    [Theory]
    [MemberData(nameof(VdaTopics))]
    public void Timestamps_are_iso8601_utc_with_milliseconds(string topic)
    {
        var json = EncodeSample(topic);
        Assert.Empty(Vda5050Schemas.TimestampProblems(json));
        // The samples are built at +08:00 and with sub-millisecond ticks: the wire shows UTC, cut to ms.
        Assert.Equal("2026-11-26T21:28:36.123Z", JsonNode.Parse(json)!["timestamp"]!.GetValue<string>());
    }

    [Fact]
    public void Extension_timestamps_are_iso8601_utc_with_milliseconds()
    {
        string[] fields = ["timestamp", "issuedAt", "expiresAt"];
        foreach (var json in new[]
        {
            ProtocolCodec.EncodeToString(Samples.Teleop()),
            ProtocolCodec.EncodeToString(Samples.Telemetry()),
            ProtocolCodec.EncodeToString(Samples.Command()),
            ProtocolCodec.EncodeToString(Samples.CommandResponse()),
            ProtocolCodec.EncodeToString(Samples.Operator()),
            ProtocolCodec.EncodeToString(Samples.Event()),
        })
        {
            Assert.Empty(Vda5050Schemas.TimestampProblems(json, fields));
        }
        Assert.Equal("2026-11-26T21:28:41.123Z", JsonNode.Parse(ProtocolCodec.Encode(Samples.Command()))!["expiresAt"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("2026-01-01T00:00:00.000Z", 2026, 1, 1, 0, 0, 0, 0)]
    [InlineData("0001-01-01T00:00:00.000Z", 1, 1, 1, 0, 0, 0, 0)]
    [InlineData("9999-12-31T23:59:59.999Z", 9999, 12, 31, 23, 59, 59, 999)]
    public void Timestamp_format_holds_at_the_edges_of_the_calendar(string expected, int y, int mo, int d, int h, int mi, int s, int ms)
    {
        var c = Samples.Connection() with { Timestamp = new DateTimeOffset(y, mo, d, h, mi, s, ms, TimeSpan.Zero) };
        Assert.Equal(expected, JsonNode.Parse(ProtocolCodec.Encode(c))!["timestamp"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(ConnectionState.Online)]
    [InlineData(ConnectionState.Offline)]
    [InlineData(ConnectionState.ConnectionBroken)]
    public void Every_connection_state_validates(ConnectionState state)
    {
        Assert.Empty(Schemas.Validate("connection", ProtocolCodec.EncodeToString(Samples.Connection() with { ConnectionState = state })));
    }

    [Fact]
    public void Every_state_enum_value_validates()
    {
        foreach (var mode in Enum.GetValues<OperatingMode>())
        {
            foreach (var estop in Enum.GetValues<EStopState>())
            {
                var s = Samples.State() with { OperatingMode = mode, SafetyState = new SafetyState { EStop = estop, FieldViolation = true } };
                Assert.Empty(Schemas.Validate("state", ProtocolCodec.EncodeToString(s)));
            }
        }
        foreach (var status in Enum.GetValues<ActionStatus>())
        {
            var s = Samples.State() with { ActionStates = [new ActionState { ActionId = "a1", ActionStatus = status }] };
            Assert.Empty(Schemas.Validate("state", ProtocolCodec.EncodeToString(s)));
        }
        var others = Samples.State() with
        {
            Maps = [new MapInfo { MapId = "m", MapVersion = "1", MapStatus = MapStatus.Disabled }],
            Errors = [new VdaError { ErrorType = "x", ErrorLevel = ErrorLevel.Fatal }],
            Information = [new VdaInformation { InfoType = "y", InfoLevel = InfoLevel.Debug }],
        };
        Assert.Empty(Schemas.Validate("state", ProtocolCodec.EncodeToString(others)));
        foreach (var blocking in Enum.GetValues<BlockingType>())
        {
            var ia = Samples.InstantActions() with { Actions = [new VdaAction { ActionType = "pause", ActionId = "p1", BlockingType = blocking }] };
            Assert.Empty(Schemas.Validate("instantActions", ProtocolCodec.EncodeToString(ia)));
        }
    }

    [Fact]
    public void Minimal_messages_with_only_required_fields_validate()
    {
        var state = new State
        {
            HeaderId = 0, Timestamp = Samples.Now, Version = "2.1.0", Manufacturer = "m", SerialNumber = "s",
            OrderId = "", OrderUpdateId = 0, LastNodeId = "", LastNodeSequenceId = 0, Driving = false,
            OperatingMode = OperatingMode.Manual, NodeStates = [], EdgeStates = [], ActionStates = [],
            BatteryState = new BatteryState { BatteryCharge = 50, Charging = true }, Errors = [],
            SafetyState = new SafetyState { EStop = EStopState.Manual, FieldViolation = false },
        };
        Assert.Empty(Schemas.Validate("state", ProtocolCodec.EncodeToString(state)));
        var visualization = new Visualization { HeaderId = 0, Timestamp = Samples.Now, Version = "2.1.0", Manufacturer = "m", SerialNumber = "s" };
        Assert.Empty(Schemas.Validate("visualization", ProtocolCodec.EncodeToString(visualization)));
    }

    [Fact]
    public void Validator_accepts_a_full_mqtt_topic_and_bytes()
    {
        var bytes = ProtocolCodec.Encode(Samples.State());
        Assert.Empty(Schemas.Validate(Samples.VdaTopic(MessageKind.State), bytes));
    }

    // ---- the validator must be able to fail ----

    [Fact]
    public void State_without_safetyState_is_invalid()
    {
        var json = JsonNode.Parse(ProtocolCodec.Encode(Samples.State()))!.AsObject();
        Assert.True(json.Remove("safetyState"));

        var errors = Schemas.Validate("state", json.ToJsonString());

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains("required", StringComparison.Ordinal) && e.Contains("safetyState", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("safetyState.eStop", "MAYBE")]
    [InlineData("operatingMode", "automatic")]
    [InlineData("operatingMode", "AUTONOMOUS")]
    public void State_with_an_unknown_enum_value_is_invalid(string path, string value)
    {
        var json = JsonNode.Parse(ProtocolCodec.Encode(Samples.State()))!.AsObject();
        var parts = path.Split('.');
        var parent = parts[..^1].Aggregate((JsonNode)json, (n, p) => n[p]!);
        parent[parts[^1]] = value;

        var errors = Schemas.Validate("state", json.ToJsonString());

        Assert.Contains(errors, e => e.Contains("enum", StringComparison.Ordinal) && e.Contains("/" + parts[^1], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("state", "timestamp", "\"26.11.2026 21:28\"", "format")]
    [InlineData("state", "headerId", "\"1\"", "type")]
    [InlineData("state", "driving", "1", "type")]
    [InlineData("order", "orderUpdateId", "-1", "minimum")]
    [InlineData("connection", "connectionState", "\"BROKEN\"", "enum")]
    [InlineData("instantActions", "actions", "{}", "type")]
    public void Wrong_values_are_reported_with_their_keyword(string topic, string field, string rawValue, string keyword)
    {
        var json = JsonNode.Parse(EncodeSample(topic))!.AsObject();
        json[field] = JsonNode.Parse(rawValue);

        var errors = Schemas.Validate(topic, json.ToJsonString());

        Assert.Contains(errors, e => e.StartsWith("/" + field + ":", StringComparison.Ordinal) && e.Contains(keyword, StringComparison.Ordinal));
    }

    [Fact]
    public void Payload_that_is_not_json_is_reported_not_thrown()
    {
        Assert.NotEmpty(Schemas.Validate("state", "{\"headerId\":"));
        Assert.NotEmpty(Schemas.Validate("state", new byte[] { 0xff, 0xfe, 0x00 }));
    }

    [Fact]
    public void Unknown_topic_name_is_an_argument_error()
    {
        var ex = Assert.Throws<ArgumentException>(() => Schemas.Validate("teleop", "{}"));
        Assert.Contains("teleop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Schemas_with_the_nonstandard_subtopic_keyword_load()
    {
        // The keyword is really there (else this test proves nothing), and loading tolerated it.
        foreach (var topic in Vda5050Schemas.TopicNames)
        {
            var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(Schemas.Directory, topic + ".schema")))!;
            Assert.Equal("/" + topic, schema["subtopic"]!.GetValue<string>());
        }
        Assert.Empty(new Vda5050Schemas().Validate("connection", ProtocolCodec.EncodeToString(Samples.Connection())));
    }

    [Fact]
    public void Official_factsheet_schema_rejects_any_blockingTypes_array()
    {
        // A quirk of the 2.1.0 schema ({"type":"array","enum":["NONE","SOFT","HARD"]}): an array can
        // never equal one of those strings. A robot that fills AgvActionDescription.BlockingTypes
        // therefore publishes a factsheet that fails the official schema; leave it out.
        var f = Samples.Factsheet();
        var withBlocking = f with
        {
            ProtocolFeatures = f.ProtocolFeatures with
            {
                AgvActions = [f.ProtocolFeatures.AgvActions[0] with { BlockingTypes = ["HARD"] }],
            },
        };
        var errors = Schemas.Validate("factsheet", ProtocolCodec.EncodeToString(withBlocking));
        Assert.Contains(errors, e => e.Contains("blockingTypes", StringComparison.Ordinal));
    }
}
