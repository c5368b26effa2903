using System.Text;
using Robot.Protocol.Codec;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.TestSupport;

namespace Robot.Protocol.Tests;

/// <summary>
/// An order written by hand from VDA 5050 2.1.0 section 6.6 (not produced by our encoder), as a
/// fleet manager would send it: base of two released nodes, a horizon node, two edges, the
/// section 7.2 actionParameters example, and the spec's two-decimal timestamp form.
/// </summary>
public class SpecExampleOrderTests
{
    private const string Topic = "uagv/v2/PortRad/RIR-0007/order";

    private const string OrderJson = """
        {
          "headerId": 1,
          "timestamp": "2017-04-15T11:40:03.12Z",
          "version": "2.1.0",
          "manufacturer": "PortRad",
          "serialNumber": "RIR-0007",
          "orderId": "1234",
          "orderUpdateId": 0,
          "nodes": [
            {
              "nodeId": "f",
              "sequenceId": 0,
              "released": true,
              "nodePosition": { "x": 0.0, "y": 0.0, "theta": 0.0, "allowedDeviationXY": 0.1, "allowedDeviationTheta": 0.05, "mapId": "yard-east" },
              "actions": []
            },
            {
              "nodeId": "g",
              "sequenceId": 2,
              "nodeDescription": "decision point",
              "released": true,
              "nodePosition": { "x": 25.5, "y": 4.0, "theta": 1.5708, "mapId": "yard-east", "mapDescription": "east yard" },
              "actions": [
                {
                  "actionType": "someAction",
                  "actionId": "8a0f3c4e-6b1d-4b8e-9a53-2f1c0b7d9e11",
                  "blockingType": "HARD",
                  "actionParameters": [
                    { "key": "stationType", "value": "floor" },
                    { "key": "weight", "value": 8.5 },
                    { "key": "loadType", "value": "pallet_eu" }
                  ]
                }
              ]
            },
            {
              "nodeId": "h",
              "sequenceId": 4,
              "released": false,
              "nodePosition": { "x": 25.5, "y": 30.0, "mapId": "yard-east" },
              "actions": []
            }
          ],
          "edges": [
            {
              "edgeId": "f-g",
              "sequenceId": 1,
              "released": true,
              "startNodeId": "f",
              "endNodeId": "g",
              "maxSpeed": 1.0,
              "orientationType": "TANGENTIAL",
              "rotationAllowed": false,
              "actions": []
            },
            {
              "edgeId": "g-h",
              "sequenceId": 3,
              "released": false,
              "startNodeId": "g",
              "endNodeId": "h",
              "actions": []
            }
          ]
        }
        """;

    [Fact]
    public void Hand_written_order_validates_against_the_official_schema()
    {
        Assert.Empty(Vda5050Schemas.Shared.Validate("order", OrderJson));
    }

    [Fact]
    public void Hand_written_order_decodes()
    {
        var result = ProtocolCodec.Decode(Topic, Encoding.UTF8.GetBytes(OrderJson));

        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(new TopicAddress(MessageKind.Order, "RIR-0007", "PortRad"), result.Address);
        var order = Assert.IsType<Order>(result.Message);
        Assert.Equal("1234", order.OrderId);
        Assert.Equal(new DateTimeOffset(2017, 4, 15, 11, 40, 3, 120, TimeSpan.Zero), order.Timestamp);
        Assert.Equal(["f", "g", "h"], order.Nodes.Select(n => n.NodeId));
        Assert.Equal([0L, 2L, 4L], order.Nodes.Select(n => n.SequenceId));
        Assert.Equal([true, true, false], order.Nodes.Select(n => n.Released));
        Assert.All(order.Nodes, n => Assert.Equal("yard-east", n.NodePosition!.MapId));
        Assert.Equal(1.5708, order.Nodes[1].NodePosition!.Theta);
        Assert.Null(order.Nodes[2].NodePosition!.Theta);
        Assert.Equal(["f-g", "g-h"], order.Edges.Select(e => e.EdgeId));
        Assert.Equal(("g", "h"), (order.Edges[1].StartNodeId, order.Edges[1].EndNodeId));
        var action = Assert.Single(order.Nodes[1].Actions);
        Assert.Equal(BlockingType.Hard, action.BlockingType);
        Assert.Equal(8.5, action.ActionParameters![1].Value.GetDouble());
        Assert.Equal("pallet_eu", action.ActionParameters[2].Value.GetString());
    }

    [Fact]
    public void Re_encoded_order_still_validates_and_normalises_the_timestamp()
    {
        var order = (Order)ProtocolCodec.Decode(Topic, Encoding.UTF8.GetBytes(OrderJson)).Message!;
        var json = ProtocolCodec.EncodeToString(order);
        Assert.Empty(Vda5050Schemas.Shared.Validate("order", json));
        Assert.Contains("\"timestamp\":\"2017-04-15T11:40:03.120Z\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2017-04-15T11:40:03Z")]
    [InlineData("2017-04-15T11:40:03.1Z")]
    [InlineData("2017-04-15T11:40:03.123456Z")]
    [InlineData("2017-04-15T13:40:03.12+02:00")]
    public void Other_valid_rfc3339_timestamps_from_a_fleet_manager_are_accepted(string timestamp)
    {
        var json = OrderJson.Replace("2017-04-15T11:40:03.12Z", timestamp, StringComparison.Ordinal);
        Assert.Empty(Vda5050Schemas.Shared.Validate("order", json));
        var result = ProtocolCodec.Decode(Topic, Encoding.UTF8.GetBytes(json));
        Assert.True(result.IsSuccess, result.Error?.ToString());
        Assert.Equal(TimeSpan.Zero, ((Order)result.Message!).Timestamp.Offset);
    }
}
