using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Remote.Inspection;

/// <summary>
/// Builds the VDA 5050 order of an inspection: one released node where the robot stands (its
/// status pose and map) carrying one HARD <c>inspectContainer</c> action with the request's parameters.
/// </summary>
public static class InspectionOrders
{
    public const string ActionType = "inspectContainer";

    public static string OrderId(string containerNumber, DateTimeOffset now) =>
        $"inspect-{Iso6346.Normalize(containerNumber)}-{now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";

    public static Order Build(string manufacturer, string serialNumber, long headerId, DateTimeOffset now, PoseDto pose, InspectionRequest request, string operatorId)
    {
        ArgumentNullException.ThrowIfNull(pose);
        ArgumentNullException.ThrowIfNull(request);
        var orderId = OrderId(request.ContainerNumber, now);
        List<ActionParameter> parameters =
        [
            Parameter("containerNumber", w => w.WriteStringValue(Iso6346.Normalize(request.ContainerNumber))),
            Parameter("containerType", w => w.WriteStringValue(request.ContainerType)),
            Parameter("x", w => w.WriteNumberValue(request.X)),
            Parameter("y", w => w.WriteNumberValue(request.Y)),
            Parameter("theta", w => w.WriteNumberValue(request.Theta)),
        ];
        if (request.PointMode is { } mode) parameters.Add(Parameter("pointMode", w => w.WriteStringValue(mode)));
        parameters.Add(Parameter("measureBackground", w => w.WriteBooleanValue(request.MeasureBackground)));
        parameters.Add(Parameter("operatorId", w => w.WriteStringValue(operatorId)));

        return new Order
        {
            HeaderId = headerId,
            Timestamp = now,
            Version = TopicScheme.VdaProtocolVersion,
            Manufacturer = manufacturer,
            SerialNumber = serialNumber,
            OrderId = orderId,
            OrderUpdateId = 0,
            Nodes =
            [
                new Node
                {
                    NodeId = $"{orderId}-here",
                    SequenceId = 0,
                    Released = true,
                    NodePosition = new NodePosition { X = pose.X, Y = pose.Y, MapId = pose.MapId },
                    Actions =
                    [
                        new VdaAction
                        {
                            ActionType = ActionType,
                            ActionId = $"{orderId}-inspect",
                            BlockingType = BlockingType.Hard,
                            ActionParameters = parameters,
                        },
                    ],
                },
            ],
            Edges = [],
        };
    }

    private static ActionParameter Parameter(string key, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) write(writer);
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return new ActionParameter { Key = key, Value = document.RootElement.Clone() };
    }
}
