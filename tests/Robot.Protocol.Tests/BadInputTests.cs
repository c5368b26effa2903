using System.Text;
using Robot.Protocol.Codec;
using Robot.Protocol.Tests.Support;
using Robot.Protocol.Topics;
using Code = Robot.Protocol.Codec.ProtocolErrorCode;

namespace Robot.Protocol.Tests;

/// <summary>
/// Bad input on the topics the robot listens to: each gives a failed DecodeResult with a sensible
/// code, and Decode never throws.
/// </summary>
public class BadInputTests
{
    public static TheoryData<string> InboundTopics => new(Inbound.TopicNames);

    private static void AssertRefused(DecodeResult result, string expectedCode, string? fieldContains = null)
    {
        Assert.False(result.IsSuccess, "accepted: " + result.Message);
        Assert.Null(result.Message);
        Assert.NotNull(result.Error);
        Assert.True(expectedCode == result.Error.Code, $"expected {expectedCode}, got {result.Error}");
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
        if (fieldContains is not null)
        {
            Assert.True(result.Error.Field?.Contains(fieldContains, StringComparison.Ordinal) == true, $"field of {result.Error} should name {fieldContains}");
        }
    }

    [Theory]
    [MemberData(nameof(InboundTopics))]
    public void Valid_payloads_of_the_inbound_topics_are_accepted(string name)
    {
        // The baseline every edit below starts from.
        var result = Inbound.Decode(Inbound.Topic(name), Inbound.ValidPayload(name));
        Assert.True(result.IsSuccess, result.Error?.ToString());
    }

    // ---- random bytes ----

    [Theory]
    [MemberData(nameof(InboundTopics))]
    public void Random_bytes_are_refused(string name)
    {
        var topic = Inbound.Topic(name);
        var random = new Random(5050 + name.Length);
        const string jsonish = "{}[]\":,-.0123456789eE truefalsnul\\abcxyz";
        for (var i = 0; i < 400; i++)
        {
            var payload = new byte[random.Next(0, 600)];
            switch (i % 3)
            {
                case 0:
                    random.NextBytes(payload);
                    break;
                case 1:
                    for (var j = 0; j < payload.Length; j++) payload[j] = (byte)jsonish[random.Next(jsonish.Length)];
                    break;
                default:
                    // Starts like an object, so the parser gets further in.
                    for (var j = 0; j < payload.Length; j++) payload[j] = (byte)jsonish[random.Next(jsonish.Length)];
                    if (payload.Length > 0) payload[0] = (byte)'{';
                    break;
            }
            var result = Inbound.Decode(topic, payload);
            Assert.False(result.IsSuccess, $"#{i} accepted: {Inbound.Show(payload)}");
            Assert.Contains(result.Error!.Code, new[] { Code.MalformedJson, Code.SchemaViolation, Code.ValueOutOfRange });
            Assert.Equal(TopicScheme.TryParse(topic, out var a) ? a : default, result.Address);
        }
    }

    [Theory]
    [MemberData(nameof(InboundTopics))]
    public void Every_prefix_of_a_valid_payload_is_malformed_json(string name)
    {
        var valid = Inbound.ValidPayload(name);
        for (var length = 0; length < valid.Length; length++)
        {
            var result = Inbound.Decode(Inbound.Topic(name), valid[..length]);
            Assert.False(result.IsSuccess, $"prefix of {length} bytes accepted");
            Assert.True(result.Error!.Code == Code.MalformedJson, $"prefix of {length} bytes: {result.Error}");
        }
    }

    // ---- not an object ----

    [Theory]
    [InlineData("", Code.MalformedJson)]
    [InlineData("   \n", Code.MalformedJson)]
    [InlineData("null", Code.SchemaViolation)]
    [InlineData("[]", Code.SchemaViolation)]
    [InlineData("42", Code.SchemaViolation)]
    [InlineData("\"order\"", Code.SchemaViolation)]
    [InlineData("true", Code.SchemaViolation)]
    [InlineData("{}", Code.SchemaViolation)]
    [InlineData("{\"headerId\":1,}", Code.MalformedJson)]
    [InlineData("{\"headerId\":1 /* comment */}", Code.MalformedJson)]
    [InlineData("{'headerId':1}", Code.MalformedJson)]
    [InlineData("{\"headerId\":1}{\"headerId\":2}", Code.MalformedJson)]
    public void Payloads_that_are_not_a_message_object_are_refused(string payload, string code)
    {
        foreach (var name in Inbound.TopicNames)
        {
            AssertRefused(Inbound.Decode(Inbound.Topic(name), payload), code);
        }
    }

    // ---- wrong types ----

    [Theory]
    [InlineData("order", "headerId", "\"42\"")]
    [InlineData("order", "headerId", "4.5")]
    [InlineData("order", "orderUpdateId", "true")]
    [InlineData("order", "orderId", "1234")]
    [InlineData("order", "nodes", "{}")]
    [InlineData("order", "nodes[0].released", "\"true\"")]
    [InlineData("order", "nodes[0].sequenceId", "\"0\"")]
    [InlineData("order", "nodes[1].nodePosition.x", "\"48.0\"")]
    [InlineData("order", "nodes[1].nodePosition", "[48, 11]")]
    [InlineData("order", "edges[0].maxSpeed", "\"fast\"")]
    [InlineData("order", "edges[0].trajectory.knotVector", "\"0,1\"")]
    [InlineData("order", "edges[0].corridor.corridorRefPoint", "\"MIDDLE\"")]
    [InlineData("order", "timestamp", "1732656516123")]
    [InlineData("order", "timestamp", "\"yesterday\"")]
    [InlineData("instantActions", "actions[0]", "\"cancelOrder\"")]
    [InlineData("instantActions", "actions[0].actionParameters", "{\"key\":\"a\",\"value\":1}")]
    [InlineData("teleop", "linearMps", "\"0.5\"")]
    [InlineData("teleop", "ttlMs", "300.5")]
    [InlineData("teleop", "ttlMs", "\"300\"")]
    [InlineData("teleop", "ttlMs", "4294967296")]
    [InlineData("teleop", "issuedAt", "{}")]
    [InlineData("commands", "command", "[\"status\"]")]
    [InlineData("commands", "heightM", "\"1.3\"")]
    [InlineData("commands", "expiresAt", "\"2026-13-45T99:00:00.000Z\"")]
    [InlineData("operator", "state", "true")]
    [InlineData("operator", "operatorId", "7")]
    public void Wrong_json_types_are_schema_violations(string name, string path, string rawValue)
    {
        AssertRefused(Inbound.Decode(Inbound.Topic(name), Inbound.Edit(name, path, rawValue)), Code.SchemaViolation);
    }

    // ---- missing required fields ----

    [Theory]
    [InlineData("order", "headerId")]
    [InlineData("order", "timestamp")]
    [InlineData("order", "version")]
    [InlineData("order", "manufacturer")]
    [InlineData("order", "serialNumber")]
    [InlineData("order", "orderId")]
    [InlineData("order", "orderUpdateId")]
    [InlineData("order", "nodes")]
    [InlineData("order", "edges")]
    [InlineData("order", "nodes[0].nodeId")]
    [InlineData("order", "nodes[0].sequenceId")]
    [InlineData("order", "nodes[0].released")]
    [InlineData("order", "nodes[0].actions")]
    [InlineData("order", "nodes[0].nodePosition.x")]
    [InlineData("order", "nodes[0].nodePosition.mapId")]
    [InlineData("order", "nodes[1].actions[0].actionId")]
    [InlineData("order", "nodes[1].actions[0].blockingType")]
    [InlineData("order", "nodes[1].actions[0].actionParameters[0].value")]
    [InlineData("order", "edges[0].startNodeId")]
    [InlineData("order", "edges[0].endNodeId")]
    [InlineData("order", "edges[0].trajectory.controlPoints")]
    [InlineData("order", "edges[0].corridor.leftWidth")]
    [InlineData("instantActions", "actions")]
    [InlineData("instantActions", "actions[0].actionType")]
    [InlineData("teleop", "commandId")]
    [InlineData("teleop", "issuedAt")]
    [InlineData("teleop", "ttlMs")]
    [InlineData("teleop", "linearMps")]
    [InlineData("teleop", "angularRadps")]
    [InlineData("commands", "commandId")]
    [InlineData("commands", "issuedAt")]
    [InlineData("commands", "expiresAt")]
    [InlineData("commands", "command")]
    [InlineData("operator", "operatorId")]
    [InlineData("operator", "state")]
    [InlineData("operator", "timestamp")]
    public void Missing_required_fields_are_schema_violations(string name, string path)
    {
        var result = Inbound.Decode(Inbound.Topic(name), Inbound.Edit(name, path, null));
        AssertRefused(result, Code.SchemaViolation);
        var field = path[(path.LastIndexOf('.') + 1)..];
        Assert.Contains(field, result.Error!.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order", "orderId")]
    [InlineData("order", "nodes")]
    [InlineData("order", "nodes[0]")]
    [InlineData("order", "nodes[1].actions[0]")]
    [InlineData("order", "nodes[1].actions[0].actionParameters[0]")]
    [InlineData("order", "nodes[1].nodePosition.mapId")]
    [InlineData("order", "edges[0]")]
    [InlineData("order", "edges[0].actions")]
    [InlineData("order", "edges[0].trajectory.controlPoints[0]")]
    [InlineData("order", "edges[0].trajectory.knotVector[0]")]
    [InlineData("instantActions", "actions[0]")]
    [InlineData("instantActions", "actions[1].actionParameters[0]")]
    [InlineData("teleop", "commandId")]
    [InlineData("teleop", "ttlMs")]
    [InlineData("commands", "command")]
    [InlineData("operator", "state")]
    public void Null_where_a_value_is_required_is_a_schema_violation(string name, string path)
    {
        AssertRefused(Inbound.Decode(Inbound.Topic(name), Inbound.Edit(name, path, "null")), Code.SchemaViolation);
    }

    // ---- out of range ----

    [Theory]
    [InlineData("teleop", "linearMps", "99", "linearMps")]
    [InlineData("teleop", "linearMps", "-5.01", "linearMps")]
    [InlineData("teleop", "linearMps", "1e308", "linearMps")]
    [InlineData("teleop", "linearMps", "-1e308", "linearMps")]
    [InlineData("teleop", "angularRadps", "10.5", "angularRadps")]
    [InlineData("teleop", "liftMps", "2.5", "liftMps")]
    [InlineData("teleop", "ttlMs", "0", "ttlMs")]
    [InlineData("teleop", "ttlMs", "-1", "ttlMs")]
    [InlineData("teleop", "ttlMs", "100000", "ttlMs")]
    [InlineData("teleop", "commandId", "\"a/b\"", "commandId")]
    [InlineData("teleop", "operatorId", "\"op#1\"", "operatorId")]
    [InlineData("order", "headerId", "-1", "headerId")]
    [InlineData("order", "orderUpdateId", "-1", "orderUpdateId")]
    [InlineData("order", "nodes[0].sequenceId", "-1", "nodes[0].sequenceId")]
    [InlineData("order", "edges[0].sequenceId", "-5", "edges[0].sequenceId")]
    [InlineData("order", "nodes[1].nodePosition.theta", "7", "nodes[1].nodePosition.theta")]
    [InlineData("order", "nodes[1].nodePosition.theta", "-3.2", "nodes[1].nodePosition.theta")]
    [InlineData("order", "nodes[1].nodePosition.allowedDeviationXY", "-0.1", "allowedDeviationXY")]
    [InlineData("order", "nodes[1].nodePosition.allowedDeviationTheta", "4", "allowedDeviationTheta")]
    [InlineData("order", "nodes[1].nodePosition.x", "1e308", "nodes[1].nodePosition.x")]
    [InlineData("order", "nodes[1].nodePosition.y", "-100001", "nodes[1].nodePosition.y")]
    [InlineData("order", "edges[0].maxSpeed", "0", "edges[0].maxSpeed")]
    [InlineData("order", "edges[0].maxSpeed", "99", "edges[0].maxSpeed")]
    [InlineData("order", "edges[0].maxRotationSpeed", "-1", "maxRotationSpeed")]
    [InlineData("order", "edges[0].orientation", "4", "edges[0].orientation")]
    [InlineData("order", "edges[0].trajectory.degree", "0", "trajectory.degree")]
    [InlineData("order", "edges[0].trajectory.knotVector[3]", "1.5", "trajectory.knotVector[3]")]
    [InlineData("order", "edges[0].trajectory.knotVector[0]", "-0.1", "trajectory.knotVector[0]")]
    [InlineData("order", "edges[0].trajectory.controlPoints[1].weight", "-1", "controlPoints[1].weight")]
    [InlineData("order", "edges[0].corridor.leftWidth", "-0.1", "corridor.leftWidth")]
    [InlineData("order", "edges[0].corridor.rightWidth", "-1e308", "corridor.rightWidth")]
    [InlineData("order", "orderId", "\"a/b\"", "orderId")]
    [InlineData("order", "orderId", "\"order#7\"", "orderId")]
    [InlineData("order", "orderId", "\"uagv/+/x\"", "orderId")]
    [InlineData("order", "orderId", "\"0123456789012345678901234567890123456789012345678901234567890123X\"", "orderId")]
    [InlineData("order", "nodes[0].nodeId", "\"bay\\u0000\"", "nodes[0].nodeId")]
    [InlineData("order", "edges[0].startNodeId", "\"a\\nb\"", "startNodeId")]
    [InlineData("order", "manufacturer", "\"Port/Rad\"", "manufacturer")]
    [InlineData("order", "serialNumber", "\"RIR#7\"", "serialNumber")]
    [InlineData("instantActions", "actions[0].actionId", "\"ia/1\"", "actionId")]
    [InlineData("instantActions", "actions[1].actionParameters[0].key", "\"k#\"", "key")]
    [InlineData("commands", "heightM", "25", "heightM")]
    [InlineData("commands", "heightM", "-0.5", "heightM")]
    [InlineData("commands", "expiresAt", "\"2026-11-26T21:28:36.000Z\"", "expiresAt")]
    [InlineData("commands", "commandId", "\"0123456789012345678901234567890123456789012345678901234567890123X\"", "commandId")]
    [InlineData("operator", "operatorId", "\"op/lee\"", "operatorId")]
    public void Out_of_range_values_are_refused_naming_the_field(string name, string path, string rawValue, string field)
    {
        AssertRefused(Inbound.Decode(Inbound.Topic(name), Inbound.Edit(name, path, rawValue)), Code.ValueOutOfRange, field);
    }

    [Fact]
    public void Id_of_exactly_64_characters_is_accepted()
    {
        var id = new string('a', MessageValidator.MaxIdLength);
        var result = Inbound.Decode(Inbound.Topic("order"), Inbound.Edit("order", "orderId", $"\"{id}\""));
        Assert.True(result.IsSuccess, result.Error?.ToString());
    }

    [Theory]
    [InlineData("teleop", "linearMps", "1e309")]
    [InlineData("teleop", "linearMps", "-1e400")]
    [InlineData("order", "nodes[1].nodePosition.x", "1e309")]
    public void Numbers_beyond_double_range_are_refused(string name, string path, string rawValue)
    {
        var result = Inbound.Decode(Inbound.Topic(name), Inbound.Edit(name, path, rawValue));
        Assert.False(result.IsSuccess);
        Assert.Contains(result.Error!.Code, new[] { Code.SchemaViolation, Code.ValueOutOfRange });
    }

    [Theory]
    [InlineData("order", "orderId", "\"\"")]
    [InlineData("order", "orderId", "\"   \"")]
    [InlineData("order", "nodes[0].nodeId", "\"\"")]
    [InlineData("teleop", "commandId", "\"\"")]
    [InlineData("operator", "operatorId", "\" \"")]
    [InlineData("order", "nodes", "[]")]
    [InlineData("instantActions", "actions", "[]")]
    [InlineData("order", "nodes[1].actions[0].actionParameters[0].value", "null")]
    public void Empty_ids_and_empty_required_lists_are_refused(string name, string path, string rawValue)
    {
        var result = Inbound.Decode(Inbound.Topic(name), Inbound.Edit(name, path, rawValue));
        Assert.False(result.IsSuccess);
        Assert.Contains(result.Error!.Code, new[] { Code.SchemaViolation, Code.ValueOutOfRange });
    }

    [Theory]
    [InlineData("3.0.0")]
    [InlineData("1.1")]
    [InlineData("")]
    public void Other_protocol_versions_are_refused(string version)
    {
        AssertRefused(Inbound.Decode(Inbound.Topic("order"), Inbound.Edit("order", "version", $"\"{version}\"")), Code.WrongVersion, "version");
    }

    [Theory]
    [InlineData("selfDestruct")]
    [InlineData("STATUS")]
    [InlineData("")]
    public void Unknown_commands_are_refused(string command)
    {
        AssertRefused(Inbound.Decode(Inbound.Topic("commands"), Inbound.Edit("commands", "command", $"\"{command}\"")), Code.UnknownCommand, "command");
    }

    [Fact]
    public void LiftTo_without_a_height_is_refused()
    {
        AssertRefused(Inbound.Decode(Inbound.Topic("commands"), Inbound.Edit("commands", "heightM", null)), Code.SchemaViolation, "heightM");
    }

    [Fact]
    public void Too_many_nodes_or_actions_are_refused()
    {
        var order = Samples.Order();
        var node = order.Nodes[0] with { NodeDescription = null, NodePosition = null };
        var many = order with { Nodes = Enumerable.Range(0, MessageValidator.MaxNodes + 1).Select(i => node with { NodeId = "n" + i, SequenceId = 2 * i }).ToList() };
        AssertRefused(Inbound.Decode(Inbound.Topic("order"), ProtocolCodec.Encode(many)), Code.ValueOutOfRange, "nodes");

        var ia = Samples.InstantActions();
        var manyActions = ia with { Actions = Enumerable.Range(0, MessageValidator.MaxActionsPerElement + 1).Select(i => ia.Actions[0] with { ActionId = "a" + i }).ToList() };
        AssertRefused(Inbound.Decode(Inbound.Topic("instantActions"), ProtocolCodec.Encode(manyActions)), Code.ValueOutOfRange, "actions");
    }

    // ---- unknown enum values ----

    [Theory]
    [InlineData("order", "nodes[1].actions[0].blockingType", "\"MAYBE\"")]
    [InlineData("order", "nodes[1].actions[0].blockingType", "\"\"")]
    [InlineData("order", "nodes[1].actions[0].blockingType", "\"hard\"")]
    [InlineData("order", "nodes[1].actions[0].blockingType", "\"Hard\"")]
    [InlineData("order", "nodes[1].actions[0].blockingType", "\"HARD, SOFT\"")]
    [InlineData("order", "nodes[1].actions[0].blockingType", "\"1\"")]
    [InlineData("order", "nodes[1].actions[0].blockingType", "1")]
    [InlineData("order", "nodes[1].actions[0].blockingType", "99")]
    [InlineData("instantActions", "actions[0].blockingType", "\"MAYBE\"")]
    [InlineData("instantActions", "actions[0].blockingType", "2")]
    [InlineData("operator", "state", "\"AWAY\"")]
    [InlineData("operator", "state", "\"online\"")]
    [InlineData("operator", "state", "0")]
    public void Unknown_enum_values_are_schema_violations(string name, string path, string rawValue)
    {
        AssertRefused(Inbound.Decode(Inbound.Topic(name), Inbound.Edit(name, path, rawValue)), Code.SchemaViolation);
    }

    [Fact]
    public void Unknown_enum_error_lists_the_valid_names_and_the_path()
    {
        var result = Inbound.Decode(Inbound.Topic("order"), Inbound.Edit("order", "nodes[1].actions[0].blockingType", "\"MAYBE\""));
        AssertRefused(result, Code.SchemaViolation);
        Assert.Contains("NONE, SOFT, HARD", result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal("$.nodes[1].actions[0].blockingType", result.Error.Field);
    }

    // ---- size ----

    [Fact]
    public void Payload_over_the_default_limit_is_refused_before_parsing()
    {
        // Valid JSON padded with whitespace: only the size is wrong.
        var valid = Inbound.ValidPayload("order");
        var big = new byte[ProtocolCodec.DefaultMaxPayloadBytes + 1];
        Array.Fill(big, (byte)' ');
        valid.CopyTo(big, 0);

        AssertRefused(Inbound.Decode(Inbound.Topic("order"), big), Code.PayloadTooLarge);

        var atLimit = big[..ProtocolCodec.DefaultMaxPayloadBytes];
        Assert.True(Inbound.Decode(Inbound.Topic("order"), atLimit).IsSuccess);
    }

    [Theory]
    [MemberData(nameof(InboundTopics))]
    public void Payload_over_a_configured_limit_is_refused(string name)
    {
        var valid = Inbound.ValidPayload(name);
        AssertRefused(Inbound.Decode(Inbound.Topic(name), valid, max: valid.Length - 1), Code.PayloadTooLarge);
        Assert.True(Inbound.Decode(Inbound.Topic(name), valid, max: valid.Length).IsSuccess);
    }

    [Fact]
    public void Huge_garbage_is_refused_by_size_not_parsed()
    {
        var huge = new byte[4 * 1024 * 1024];
        new Random(7).NextBytes(huge);
        var result = Inbound.Decode(Inbound.Topic("teleop"), huge);
        AssertRefused(result, Code.PayloadTooLarge);
        Assert.Contains(huge.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Error!.Message, StringComparison.Ordinal);
    }

    // ---- topics ----

    [Theory]
    [InlineData("")]
    [InlineData("order")]
    [InlineData("uagv/v2/PortRad/RIR-0007/unknown")]
    [InlineData("uagv/v1/PortRad/RIR-0007/order")]
    [InlineData("uagv/v2/PortRad/RIR-0007/order/extra")]
    [InlineData("robot/v1/RIR-0007/reportz")]
    [InlineData("robot/v1/clients/teleop")]
    [InlineData("robot/v1/clients/abc/responses")]
    [InlineData("robot/v1/RIR-0007/state")]
    public void Unknown_topics_are_refused(string topic)
    {
        var result = Inbound.Decode(topic, Inbound.ValidPayload("order"));
        AssertRefused(result, Code.UnknownTopic);
        Assert.Equal(default, result.Address);
    }

    // ---- deep nesting ----

    [Theory]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(10_000)]
    [InlineData(100_000)]
    public void Deep_nesting_is_refused_without_a_stack_overflow(int depth)
    {
        var arrays = new string('[', depth) + new string(']', depth);
        var objects = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        foreach (var name in Inbound.TopicNames)
        {
            var topic = Inbound.Topic(name);
            foreach (var payload in new[]
            {
                arrays,
                objects,
                // Hidden in an unknown property of an otherwise valid message.
                Inbound.ValidJson(name).ToJsonString()[..^1] + ",\"extra\":" + arrays + "}",
            })
            {
                if (payload.Length > ProtocolCodec.DefaultMaxPayloadBytes) continue;
                var result = Inbound.Decode(topic, payload);
                Assert.False(result.IsSuccess, $"{name}: depth {depth} accepted");
                Assert.Contains(result.Error!.Code, new[] { Code.MalformedJson, Code.SchemaViolation });
            }
        }
    }

    [Fact]
    public void Deep_action_parameter_value_is_refused()
    {
        var deep = new string('[', 40) + new string(']', 40);
        var result = Inbound.Decode(Inbound.Topic("order"), Inbound.Edit("order", "nodes[1].actions[0].actionParameters[0].value", deep));
        Assert.False(result.IsSuccess);
        Assert.Contains(result.Error!.Code, new[] { Code.MalformedJson, Code.SchemaViolation });
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_is_refused()
    {
        var json = Encoding.UTF8.GetBytes(Inbound.Edit("operator", "operatorId", "\"op-XX\""));
        var at = Array.IndexOf(json, (byte)'X');
        json[at] = 0xC3; // a lead byte...
        json[at + 1] = 0x28; // ...followed by a byte that cannot continue it
        var result = Inbound.Decode(Inbound.Topic("operator"), json);
        Assert.False(result.IsSuccess);
        Assert.Contains(result.Error!.Code, new[] { Code.MalformedJson, Code.SchemaViolation });
    }
}
