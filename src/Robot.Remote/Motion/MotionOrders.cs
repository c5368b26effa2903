using System.Globalization;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Remote.Motion;

/// <summary>
/// VDA 5050 messages that move the robot without inspecting: a go-to-point order and the instant
/// actions that pause, resume or cancel whatever order runs (an inspection is an order too).
/// </summary>
public static class MotionOrders
{
    /// <summary>Pause the running order (the inspection holds where it is).</summary>
    public const string StartPause = "startPause";
    /// <summary>Go on after a pause (refused by the robot while an e-stop or a hold is active).</summary>
    public const string StopPause = "stopPause";
    /// <summary>Drop the running order; a running inspection ends INVALID ("cancelled by the operator").</summary>
    public const string CancelOrder = "cancelOrder";

    /// <summary>Ask for the robot's state now (it changes nothing on the robot).</summary>
    public const string StateRequest = "stateRequest";

    public static readonly IReadOnlyList<string> OrderControls = [StartPause, StopPause, CancelOrder];

    public static string GoToOrderId(DateTimeOffset now) =>
        $"goto-{now.UtcDateTime.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// An order of released nodes joined by released edges: where the robot stands (its status pose
    /// and map, as the robot requires of a new order's first node), each waypoint of <paramref name="via"/>
    /// (a way round the containers, <see cref="YardPlanner"/>) and the target. No actions: the robot
    /// drives there and stops, turning to <paramref name="theta"/> when given.
    /// </summary>
    public static Order GoTo(string manufacturer, string serialNumber, long headerId, DateTimeOffset now, PoseDto pose, double x, double y, double? theta,
        IReadOnlyList<(double X, double Y)>? via = null)
    {
        ArgumentNullException.ThrowIfNull(pose);
        var orderId = GoToOrderId(now);
        var nodes = new List<Node>
        {
            new() { NodeId = $"{orderId}-here", SequenceId = 0, Released = true, NodePosition = new NodePosition { X = pose.X, Y = pose.Y, MapId = pose.MapId }, Actions = [] },
        };
        var edges = new List<Edge>();
        var waypoints = via ?? [];
        for (var i = 0; i <= waypoints.Count; i++)
        {
            var last = i == waypoints.Count;
            var node = new Node
            {
                NodeId = last ? $"{orderId}-target" : $"{orderId}-via{i + 1}",
                SequenceId = 2 * (i + 1),
                Released = true,
                NodePosition = last
                    ? new NodePosition { X = x, Y = y, Theta = theta, MapId = pose.MapId }
                    : new NodePosition { X = waypoints[i].X, Y = waypoints[i].Y, MapId = pose.MapId },
                Actions = [],
            };
            edges.Add(new Edge
            {
                EdgeId = waypoints.Count == 0 ? $"{orderId}-edge" : $"{orderId}-edge{i + 1}",
                SequenceId = 2 * i + 1,
                Released = true,
                StartNodeId = nodes[^1].NodeId,
                EndNodeId = node.NodeId,
                Actions = [],
            });
            nodes.Add(node);
        }
        return new Order
        {
            HeaderId = headerId,
            Timestamp = now,
            Version = TopicScheme.VdaProtocolVersion,
            Manufacturer = manufacturer,
            SerialNumber = serialNumber,
            OrderId = orderId,
            OrderUpdateId = 0,
            Nodes = nodes,
            Edges = edges,
        };
    }

    /// <summary>One instant action (startPause, stopPause, cancelOrder or stateRequest) under a fresh actionId.</summary>
    public static InstantActions Instant(string manufacturer, string serialNumber, long headerId, DateTimeOffset now, string actionType)
    {
        if (!OrderControls.Contains(actionType) && actionType != StateRequest)
            throw new ArgumentException($"'{actionType}' is not one of {string.Join(", ", OrderControls)} or {StateRequest}", nameof(actionType));
        return new InstantActions
        {
            HeaderId = headerId,
            Timestamp = now,
            Version = TopicScheme.VdaProtocolVersion,
            Manufacturer = manufacturer,
            SerialNumber = serialNumber,
            Actions =
            [
                new VdaAction
                {
                    ActionType = actionType,
                    ActionId = $"{actionType}-{Guid.NewGuid().ToString("N")[..12]}",
                    // stateRequest only asks: it must not hold up anything the robot is doing.
                    BlockingType = actionType == StateRequest ? BlockingType.None : BlockingType.Hard,
                },
            ],
        };
    }
}
