using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Tests.Support;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.TestSupport;

namespace Robot.Protocol.Tests;

/// <summary>Encode a fully populated message, decode it on its topic, and get the same message back.</summary>
public class RoundTripTests
{
    public static TheoryData<string> Kinds => new()
    {
        "Connection", "InstantActions", "Order", "State", "Visualization", "Factsheet",
        "TeleopCommand", "Telemetry", "CommandRequest", "OperatorPresence", "RobotEvent", "InspectionReport", "ReportAck",
    };

    /// <summary>Sample, its topic, and an encoder bound to its static type (the codec is generic).</summary>
    private static (object Sample, string Topic, Func<object, byte[]> Encode) Case(string kind) => kind switch
    {
        "Connection" => (Samples.Connection(), Samples.VdaTopic(MessageKind.Connection), m => ProtocolCodec.Encode((Connection)m)),
        "InstantActions" => (Samples.InstantActions(), Samples.VdaTopic(MessageKind.InstantActions), m => ProtocolCodec.Encode((InstantActions)m)),
        "Order" => (Samples.Order(), Samples.VdaTopic(MessageKind.Order), m => ProtocolCodec.Encode((Order)m)),
        "State" => (Samples.State(), Samples.VdaTopic(MessageKind.State), m => ProtocolCodec.Encode((State)m)),
        "Visualization" => (Samples.Visualization(), Samples.VdaTopic(MessageKind.Visualization), m => ProtocolCodec.Encode((Visualization)m)),
        "Factsheet" => (Samples.Factsheet(), Samples.VdaTopic(MessageKind.Factsheet), m => ProtocolCodec.Encode((Factsheet)m)),
        "TeleopCommand" => (Samples.Teleop(), Samples.ExtTopic(MessageKind.Teleop), m => ProtocolCodec.Encode((TeleopCommand)m)),
        "Telemetry" => (Samples.Telemetry(), Samples.ExtTopic(MessageKind.Telemetry), m => ProtocolCodec.Encode((Telemetry)m)),
        "CommandRequest" => (Samples.Command(), Samples.ExtTopic(MessageKind.Command), m => ProtocolCodec.Encode((CommandRequest)m)),
        "OperatorPresence" => (Samples.Operator(), Samples.ExtTopic(MessageKind.Operator), m => ProtocolCodec.Encode((OperatorPresence)m)),
        "RobotEvent" => (Samples.Event(), Samples.ExtTopic(MessageKind.Event), m => ProtocolCodec.Encode((RobotEvent)m)),
        "InspectionReport" => (Samples.InspectionReport(), Samples.ExtTopic(MessageKind.Report), m => ProtocolCodec.Encode((InspectionReport)m)),
        "ReportAck" => (Samples.ReportAck(), Samples.ExtTopic(MessageKind.ReportAck), m => ProtocolCodec.Encode((ReportAck)m)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Decode_on_its_topic_gives_back_the_same_message(string kind)
    {
        var (sample, topic, encode) = Case(kind);
        var bytes = encode(sample);

        var result = ProtocolCodec.Decode(topic, bytes);

        Assert.True(result.IsSuccess, $"{kind}: {result.Error}");
        Assert.Null(result.Error);
        Assert.IsType(sample.GetType(), result.Message);
        Assert.True(TopicScheme.TryParse(topic, out var expected));
        Assert.Equal(expected, result.Address);
        Assert.Equal(Samples.Serial, result.Address.SerialNumber);
        // Records holding lists compare lists by reference, so compare the canonical encodings.
        Assert.Equal(Encoding.UTF8.GetString(bytes), Encoding.UTF8.GetString(encode(result.Message!)));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Samples_set_every_field_so_the_round_trip_covers_it(string kind)
    {
        var (sample, _, _) = Case(kind);
        var neverSet = NeverSet(sample);
        // Left out on purpose: the official factsheet schema rejects any value (see SchemaConformanceTests).
        neverSet.Remove("AgvActionDescription.BlockingTypes");
        Assert.True(neverSet.Count == 0, "never set in the sample: " + string.Join(", ", neverSet));
    }

    [Fact]
    public void CommandResponse_round_trips_through_TryDecode()
    {
        var sample = Samples.CommandResponse();
        var bytes = ProtocolCodec.Encode(sample);

        Assert.True(ProtocolCodec.TryDecode<CommandResponse>(bytes, out var decoded, out var error), error?.ToString());
        Assert.Null(error);
        Assert.NotNull(decoded);
        Assert.Equal(ProtocolCodec.EncodeToString(sample), ProtocolCodec.EncodeToString(decoded));
        Assert.Equal(sample.Command, decoded.Command);
        Assert.Equal(sample.Status!.Errors[0].ErrorType, decoded.Status!.Errors[0].ErrorType);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 21, 28, 36, 123, TimeSpan.Zero), decoded.Timestamp);
        var neverSet = NeverSet(sample);
        Assert.True(neverSet.Count == 0, "never set in the sample: " + string.Join(", ", neverSet));
    }

    [Fact]
    public void Decoded_fields_match_the_original_values()
    {
        var order = Samples.Order();
        var result = ProtocolCodec.Decode(Samples.VdaTopic(MessageKind.Order), ProtocolCodec.Encode(order));
        var back = Assert.IsType<Order>(result.Message);

        Assert.Equal(order.OrderId, back.OrderId);
        Assert.Equal(order.OrderUpdateId, back.OrderUpdateId);
        Assert.Equal(order.Nodes.Select(n => (n.NodeId, n.SequenceId, n.Released)), back.Nodes.Select(n => (n.NodeId, n.SequenceId, n.Released)));
        Assert.Equal(order.Nodes[1].NodePosition, back.Nodes[1].NodePosition); // no lists inside: record equality works
        Assert.Equal(order.Edges[0].Trajectory!.KnotVector, back.Edges[0].Trajectory!.KnotVector);
        Assert.Equal(order.Edges[0].Trajectory!.ControlPoints, back.Edges[0].Trajectory!.ControlPoints);
        Assert.Equal(order.Edges[0].Corridor, back.Edges[0].Corridor);
        var parameters = back.Nodes[1].Actions[0].ActionParameters!;
        Assert.Equal("MSKU9070323", parameters[0].Value.GetString());
        Assert.Equal([0.5, 1.3, 2.1], parameters[1].Value.EnumerateArray().Select(e => e.GetDouble()));
        Assert.Equal(2, parameters[4].Value.GetProperty("revision").GetInt32());
        Assert.Equal(BlockingType.Hard, back.Nodes[1].Actions[0].BlockingType);
        // Milliseconds survive; sub-millisecond ticks are cut by the wire format.
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 21, 28, 36, 123, TimeSpan.Zero), back.Timestamp);
    }

    [Fact]
    public void InspectionReport_fields_survive_the_round_trip()
    {
        var sample = Samples.InspectionReport();
        var back = Assert.IsType<InspectionReport>(ProtocolCodec.Decode(Samples.ExtTopic(MessageKind.Report), ProtocolCodec.Encode(sample)).Message);

        Assert.Equal(sample.Container, back.Container);
        Assert.Equal(sample.Instrument, back.Instrument);
        Assert.Equal(sample.Background!.Readings.Select(r => (r.RawUSvPerH, r.Cps)), back.Background!.Readings.Select(r => (r.RawUSvPerH, r.Cps)));
        Assert.Equal(sample.Points[0].Pose, back.Points[0].Pose);
        // Records compare their lists by reference: the hot spots' own lists are compared by content.
        Assert.Equal(sample.HotSpots.Select(h => h with { AreaPointIds = null }), back.HotSpots.Select(h => h with { AreaPointIds = null }));
        Assert.Equal(sample.HotSpots.Select(h => h.AreaPointIds), back.HotSpots.Select(h => h.AreaPointIds));
        Assert.Equal(sample.Profile.Figures, back.Profile.Figures);
        Assert.Equal(sample.Profile with { Figures = null }, back.Profile with { Figures = null });
        Assert.Equal(sample.Background.AcceptanceBasis, back.Background.AcceptanceBasis);
        Assert.Equal((sample.Sequence, sample.PreviousReportHash, sample.ReportHash), (back.Sequence, back.PreviousReportHash, back.ReportHash));
        Assert.Equal((sample.Signature, sample.SigningKeyId), (back.Signature, back.SigningKeyId));
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 21, 29, 36, 123, TimeSpan.Zero), back.Background.Readings[0].T);
        var ack = Assert.IsType<ReportAck>(ProtocolCodec.Decode(Samples.ExtTopic(MessageKind.ReportAck), ProtocolCodec.Encode(Samples.ReportAck())).Message);
        Assert.Equal(Samples.ReportAck() with { Timestamp = new DateTimeOffset(2026, 11, 26, 21, 28, 36, 123, TimeSpan.Zero) }, ack);
    }

    [Fact]
    public void Enum_values_are_written_with_the_specification_names()
    {
        var json = ProtocolCodec.EncodeToString(Samples.State());
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal("AUTOMATIC", root.GetProperty("operatingMode").GetString());
        Assert.Equal("NONE", root.GetProperty("safetyState").GetProperty("eStop").GetString());
        Assert.Equal("ENABLED", root.GetProperty("maps")[0].GetProperty("mapStatus").GetString());
        Assert.Equal("WAITING", root.GetProperty("actionStates")[0].GetProperty("actionStatus").GetString());
        Assert.Equal("WARNING", root.GetProperty("errors")[0].GetProperty("errorLevel").GetString());
        Assert.Equal("INFO", root.GetProperty("information")[0].GetProperty("infoLevel").GetString());
        Assert.Equal("ONLINE", JsonDocument.Parse(ProtocolCodec.Encode(Samples.Connection())).RootElement.GetProperty("connectionState").GetString());
    }

    [Fact]
    public void Optional_fields_left_null_are_omitted_not_written_as_null()
    {
        var minimal = Samples.Connection() with { };
        var order = Samples.Order() with { ZoneSetId = null };
        var json = ProtocolCodec.EncodeToString(order);
        Assert.DoesNotContain("zoneSetId", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", ProtocolCodec.EncodeToString(minimal), StringComparison.Ordinal);
    }

    /// <summary>"Type.Property" of every Robot.Protocol property that is null or empty wherever it occurs in the graph.</summary>
    private static SortedSet<string> NeverSet(object sample)
    {
        var seen = new Dictionary<string, bool>();
        Visit(sample);
        return new SortedSet<string>(seen.Where(kv => !kv.Value).Select(kv => kv.Key));

        void Visit(object? value)
        {
            if (value is null or string or JsonElement or DateTimeOffset) return;
            var type = value.GetType();
            if (type.IsPrimitive || type.IsEnum) return;
            if (value is IEnumerable items)
            {
                foreach (var item in items) Visit(item);
                return;
            }
            if (type.Namespace?.StartsWith("Robot.Protocol", StringComparison.Ordinal) != true) return;
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (p.GetIndexParameters().Length > 0) continue;
                var v = p.GetValue(value);
                var set = v is not null && !(v is ICollection { Count: 0 });
                var key = $"{type.Name}.{p.Name}";
                seen[key] = (seen.TryGetValue(key, out var before) && before) || set;
                Visit(v);
            }
        }
    }
}
