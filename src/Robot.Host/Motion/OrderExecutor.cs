using System.Text.Json;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Procedure;
using Robot.Host.Safety;
using Robot.Protocol.Codec;
using Robot.Protocol.Vda5050;
using UnitsNet;

namespace Robot.Host.Motion;

/// <summary>
/// Carries out VDA 5050 orders: accepts new orders and order updates (refusing stale or
/// inconsistent ones), drives node to node along the released base, runs node actions, and keeps
/// the nodeStates / edgeStates / actionStates the state message reports. Not thread-safe: the
/// RobotController calls it under its lock.
/// </summary>
public sealed class OrderExecutor
{
    /// <summary>Node and edge action types this robot carries out (the factsheet lists them).</summary>
    public static readonly IReadOnlyList<string> SupportedOrderActions = ["liftTo", InspectionRequest.InspectContainer, InspectionRequest.MeasureBackground];

    /// <summary>Instant actions this robot carries out.</summary>
    public static readonly IReadOnlyList<string> SupportedInstantActions = ["startPause", "stopPause", "cancelOrder", "stateRequest", "factsheetRequest"];

    /// <summary>A node counts as reached only once the robot has stopped there (m/s).</summary>
    private const double StoppedBelowMps = 0.02;

    private readonly RobotHardware _hw;
    private readonly SafetySupervisor _supervisor;
    private readonly MotionOptions _motion;
    private readonly string _mapId;
    private readonly PoseController _controller;
    private readonly List<Node> _nodes = [];          // not yet traversed (base then horizon)
    private readonly List<Edge> _edges = [];          // not yet traversed
    private readonly Dictionary<string, ActionState> _actionStates = new(StringComparer.Ordinal);
    private readonly List<string> _actionOrder = [];
    /// <summary>The instant actions among them, oldest first: only these are ever dropped.</summary>
    private readonly List<string> _instantActions = [];
    private Node? _arrivedNode;                        // node whose actions are running
    private int _arrivedActionIndex;
    private double _lastX, _lastY;

    private readonly InspectionProcedure _procedure;
    private readonly string _profileName;

    public OrderExecutor(RobotHardware hardware, SafetySupervisor supervisor, MotionOptions motion, string mapId, InspectionProcedure procedure, string profileName)
    {
        _procedure = procedure;
        _profileName = profileName;
        _hw = hardware;
        _supervisor = supervisor;
        _motion = motion;
        _mapId = mapId;
        _controller = new PoseController(motion);
    }

    public string OrderId { get; private set; } = "";
    public long OrderUpdateId { get; private set; }
    public string LastNodeId { get; private set; } = "";
    public long LastNodeSequenceId { get; private set; }
    public bool Paused { get; private set; }
    public bool Driving { get; private set; }
    public double DistanceSinceLastNode { get; private set; }

    /// <summary>True while released nodes or node actions remain.</summary>
    public bool HasActiveOrder => _arrivedNode is not null || _nodes.Any(n => n.Released);

    /// <summary>Raised when something the state message reports has changed.</summary>
    public event Action? Changed;

    public IReadOnlyList<NodeState> NodeStates => _nodes.Select(n => new NodeState
    {
        NodeId = n.NodeId,
        SequenceId = n.SequenceId,
        NodeDescription = n.NodeDescription,
        Released = n.Released,
        NodePosition = n.NodePosition is { } p ? new StateNodePosition { X = p.X, Y = p.Y, Theta = p.Theta, MapId = p.MapId } : null,
    }).ToList();

    public IReadOnlyList<EdgeState> EdgeStates => _edges.Select(e => new EdgeState
    {
        EdgeId = e.EdgeId,
        SequenceId = e.SequenceId,
        EdgeDescription = e.EdgeDescription,
        Released = e.Released,
        Trajectory = e.Trajectory,
    }).ToList();

    public IReadOnlyList<ActionState> ActionStates => _actionOrder.Select(id => _actionStates[id]).ToList();

    /// <summary>Accept a new order or an order update, or say why not. Changes nothing when refused.</summary>
    public ProtocolError? Accept(Order order)
    {
        var structural = ValidateStructure(order);
        if (structural is not null) return structural;

        if (order.OrderId == OrderId && OrderId.Length > 0)
        {
            if (order.OrderUpdateId < OrderUpdateId)
                return new ProtocolError(ProtocolErrorCode.OrderUpdateRejected, $"orderUpdateId {order.OrderUpdateId} is older than the current {OrderUpdateId}", "$.orderUpdateId");
            if (order.OrderUpdateId == OrderUpdateId)
                return null; // a repeat of what we run: VDA 5050 says discard it silently
            return AcceptUpdate(order);
        }

        if (HasActiveOrder)
            return new ProtocolError(ProtocolErrorCode.OrderRejected, $"order {OrderId} is still running; cancel it (cancelOrder) or send an update with orderId {OrderId}", "$.orderId");
        // The inspection drives the robot itself: a second order must not drive it at the same time,
        // also while a cancelled inspection is still winding down (lowering the mast, stopping).
        if (_procedure.IsBusy)
            return new ProtocolError(ProtocolErrorCode.OrderRejected, $"the inspection of order {OrderId} is still running ({_procedure.State}); wait for it to end or cancel it (cancelOrder)", "$.orderId");
        if (_supervisor.TeleopActive)
            return new ProtocolError(ProtocolErrorCode.OrderRejected, "the robot is under manual teleop control", "$.orderId");

        var first = order.Nodes[0];
        if (first.NodeId != LastNodeId)
        {
            var pose = _hw.Pose.Pose;
            var p = first.NodePosition!;
            var d = Math.Sqrt(Math.Pow(p.X - pose.X.Meters, 2) + Math.Pow(p.Y - pose.Y.Meters, 2));
            var tolerance = Math.Max(p.AllowedDeviationXY ?? 0, _motion.FirstNodeToleranceM);
            if (d > tolerance)
                return new ProtocolError(ProtocolErrorCode.OrderRejected,
                    $"the first node {first.NodeId} is {d:0.##} m from the robot (at {pose.X.Meters:0.##}, {pose.Y.Meters:0.##}); it must be where the robot stands (within {tolerance:0.##} m)",
                    "$.nodes[0].nodePosition");
        }

        // Accepted: a fresh order replaces the finished one.
        OrderId = order.OrderId;
        OrderUpdateId = order.OrderUpdateId;
        _nodes.Clear();
        _edges.Clear();
        _actionStates.Clear();
        _actionOrder.Clear();
        _instantActions.Clear();
        Paused = false;
        _nodes.AddRange(order.Nodes);
        _edges.AddRange(order.Edges);
        RegisterActions(order);
        // The first node is where the robot stands: it is reached at once and its actions start.
        ArriveAt(_nodes[0]);
        Changed?.Invoke();
        return null;
    }

    private ProtocolError? AcceptUpdate(Order update)
    {
        var lastBase = _nodes.LastOrDefault(n => n.Released) ?? _arrivedNode;
        var stitchId = lastBase?.NodeId ?? LastNodeId;
        var stitchSeq = lastBase?.SequenceId ?? LastNodeSequenceId;
        var first = update.Nodes[0];
        if (first.NodeId != stitchId || first.SequenceId != stitchSeq)
            return new ProtocolError(ProtocolErrorCode.OrderUpdateRejected,
                $"an update must start at the last base node {stitchId} (sequenceId {stitchSeq}); it starts at {first.NodeId} ({first.SequenceId})", "$.nodes[0]");

        var clash = UpdateActionClash(update);
        if (clash is not null) return clash;

        OrderUpdateId = update.OrderUpdateId;
        // Replace the horizon: drop everything after the stitching node, append the update's continuation.
        var stitchIndex = _nodes.FindIndex(n => n.NodeId == stitchId && n.SequenceId == stitchSeq);
        if (stitchIndex >= 0) _nodes.RemoveRange(stitchIndex + 1, _nodes.Count - stitchIndex - 1);
        _edges.RemoveAll(e => e.SequenceId > stitchSeq);
        _nodes.AddRange(update.Nodes.Skip(1));
        _edges.AddRange(update.Edges);
        RegisterActions(update, skipFirstNode: false);
        Changed?.Invoke();
        return null;
    }

    /// <summary>
    /// An update may repeat the actions of its first node (the last base node) and of re-sent horizon
    /// nodes (still waiting); any other actionId the robot already knows would take over that action's
    /// state (a finished liftTo would be skipped), so it is refused.
    /// </summary>
    private ProtocolError? UpdateActionClash(Order update)
    {
        var stitching = update.Nodes[0].Actions.Select(a => a.ActionId).ToHashSet(StringComparer.Ordinal);
        foreach (var (a, at) in ActionsWithPaths(update))
        {
            if (!_actionStates.TryGetValue(a.ActionId, out var known)) continue;
            var why = _instantActions.Contains(a.ActionId) ? $"the instant action {known.ActionType}"
                : known.ActionType != a.ActionType ? $"this order's {known.ActionType}"
                : known.ActionStatus != ActionStatus.Waiting && !stitching.Contains(a.ActionId) ? $"this order's {known.ActionType} ({known.ActionStatus})"
                : null;
            if (why is not null)
                return new ProtocolError(VdaMessageGuard.DuplicateActionId, $"actionId {a.ActionId} is already used by {why}; give the new action its own id", $"{at}.actionId");
        }
        return null;
    }

    private static IEnumerable<(VdaAction Action, string Path)> ActionsWithPaths(Order order) =>
        order.Nodes.SelectMany((n, i) => n.Actions.Select((a, j) => (a, $"$.nodes[{i}].actions[{j}]")))
            .Concat(order.Edges.SelectMany((e, i) => e.Actions.Select((a, j) => (a, $"$.edges[{i}].actions[{j}]"))));

    private ProtocolError? ValidateStructure(Order order)
    {
        var nodes = order.Nodes;
        var edges = order.Edges;
        // Action states are kept by actionId: two actions sharing one would share one state, and the
        // second would be taken as already done.
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (a, at) in ActionsWithPaths(order))
        {
            if (!ids.Add(a.ActionId))
                return new ProtocolError(VdaMessageGuard.DuplicateActionId, $"actionId {a.ActionId} is used by more than one action of the order; every action needs its own id", $"{at}.actionId");
        }
        if (edges.Count != nodes.Count - 1)
            return Reject($"an order of {nodes.Count} nodes needs {nodes.Count - 1} edges, it has {edges.Count}", "$.edges");
        if (!nodes[0].Released) return Reject("the first node must be released", "$.nodes[0].released");
        var horizon = false;
        for (var i = 0; i < nodes.Count; i++)
        {
            var n = nodes[i];
            if (i > 0 && n.SequenceId != nodes[i - 1].SequenceId + 2)
                return Reject($"node sequenceIds must rise by 2 (nodes even, edges odd); {n.NodeId} has {n.SequenceId}", $"$.nodes[{i}].sequenceId");
            if (!n.Released) horizon = true;
            else if (horizon) return Reject($"released node {n.NodeId} follows an unreleased one", $"$.nodes[{i}].released");
            if (n.Released && n.NodePosition is null && !(i == 0 && n.NodeId == LastNodeId))
                return Reject($"node {n.NodeId} has no nodePosition; this robot needs one to drive there", $"$.nodes[{i}].nodePosition");
            if (n.NodePosition is { } p && p.MapId != _mapId)
                return Reject($"node {n.NodeId} is on map '{p.MapId}'; this robot drives on '{_mapId}'", $"$.nodes[{i}].nodePosition.mapId");
            var bad = UnsupportedAction(n.Actions, $"$.nodes[{i}].actions");
            if (bad is not null) return bad;
        }
        for (var i = 0; i < edges.Count; i++)
        {
            var e = edges[i];
            if (e.SequenceId != nodes[i].SequenceId + 1)
                return Reject($"edge {e.EdgeId} must have sequenceId {nodes[i].SequenceId + 1}", $"$.edges[{i}].sequenceId");
            if (e.StartNodeId != nodes[i].NodeId || e.EndNodeId != nodes[i + 1].NodeId)
                return Reject($"edge {e.EdgeId} must join {nodes[i].NodeId} to {nodes[i + 1].NodeId}", $"$.edges[{i}]");
            if (e.Released != nodes[i + 1].Released)
                return Reject($"edge {e.EdgeId} must be released exactly when its end node is", $"$.edges[{i}].released");
            var bad = UnsupportedAction(e.Actions, $"$.edges[{i}].actions");
            if (bad is not null) return bad;
        }
        return null;
    }

    private ProtocolError? UnsupportedAction(IReadOnlyList<VdaAction> actions, string at)
    {
        for (var j = 0; j < actions.Count; j++)
        {
            var a = actions[j];
            if (!SupportedOrderActions.Contains(a.ActionType))
                return new ProtocolError(ProtocolErrorCode.UnsupportedAction, $"action type '{a.ActionType}' is not supported here; supported: {string.Join(", ", SupportedOrderActions)}", $"{at}[{j}].actionType");
            if (a.ActionType == "liftTo" && LiftHeight(a) is null)
                return new ProtocolError(ProtocolErrorCode.SchemaViolation, "liftTo needs a numeric parameter heightM", $"{at}[{j}].actionParameters");
            if (a.ActionType is InspectionRequest.InspectContainer or InspectionRequest.MeasureBackground
                && InspectionRequest.From(a, _profileName, "fleet").Error is { } bad)
                return bad with { Field = $"{at}[{j}].actionParameters" };
        }
        return null;
    }

    private static double? LiftHeight(VdaAction a)
    {
        var p = a.ActionParameters?.FirstOrDefault(x => x.Key == "heightM");
        return p is not null && p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out var h) && double.IsFinite(h) ? h : null;
    }

    private static ProtocolError Reject(string message, string field) => new(ProtocolErrorCode.OrderRejected, message, field);

    private void RegisterActions(Order order, bool skipFirstNode = false)
    {
        foreach (var a in order.Nodes.Skip(skipFirstNode ? 1 : 0).SelectMany(n => n.Actions).Concat(order.Edges.SelectMany(e => e.Actions)))
        {
            if (_actionStates.ContainsKey(a.ActionId)) continue;
            _actionStates[a.ActionId] = new ActionState { ActionId = a.ActionId, ActionType = a.ActionType, ActionDescription = a.ActionDescription, ActionStatus = ActionStatus.Waiting };
            _actionOrder.Add(a.ActionId);
        }
    }

    /// <summary>How many instant actions state reports before the oldest finished ones are dropped (the order's own actions never are).</summary>
    public const int MaxRememberedInstantActions = 32;

    /// <summary>
    /// Why a new instant action may not take this actionId (it would overwrite that action's state),
    /// or null: the ids of the current order's actions, and of instant actions not yet finished, are taken.
    /// </summary>
    public string? ActionIdInUse(string actionId)
    {
        if (!_actionStates.TryGetValue(actionId, out var known)) return null;
        if (!_instantActions.Contains(actionId)) return $"actionId {actionId} belongs to order {OrderId}'s {known.ActionType} ({known.ActionStatus})";
        return known.ActionStatus is ActionStatus.Finished or ActionStatus.Failed ? null : $"actionId {actionId} belongs to the instant action {known.ActionType} still {known.ActionStatus}";
    }

    /// <summary>True when actionStates already has this id.</summary>
    public bool KnowsAction(string actionId) => _actionStates.ContainsKey(actionId);

    /// <summary>Record an instant action's outcome in actionStates.</summary>
    public void RecordInstantAction(VdaAction action, ActionStatus status, string? result = null)
    {
        if (!_actionStates.ContainsKey(action.ActionId))
        {
            _actionOrder.Add(action.ActionId);
            _instantActions.Add(action.ActionId);
        }
        _actionStates[action.ActionId] = new ActionState
        {
            ActionId = action.ActionId,
            ActionType = action.ActionType,
            ActionDescription = action.ActionDescription,
            ActionStatus = status,
            ResultDescription = result,
        };
        // Keep the list bounded on a long-running robot: drop the oldest finished instant actions.
        // Every watching page asks for the state once (stateRequest), and state goes out at up to
        // 10 Hz: a long tail of finished requests would only fatten every state message.
        while (_instantActions.Count > MaxRememberedInstantActions)
        {
            var oldest = _instantActions.FirstOrDefault(id => _actionStates[id].ActionStatus is ActionStatus.Finished or ActionStatus.Failed);
            if (oldest is null) break;
            _instantActions.Remove(oldest);
            _actionOrder.Remove(oldest);
            _actionStates.Remove(oldest);
        }
        Changed?.Invoke();
    }

    public string? Pause()
    {
        if (Paused) return null;
        Paused = true;
        Driving = false;
        _supervisor.ReleaseAutonomous();
        if (_procedure.State != ProcedureState.Idle) _procedure.Pause();
        Changed?.Invoke();
        return null;
    }

    public string? Resume()
    {
        if (!Paused) return null;
        if (!_supervisor.MotionAllowed) return "cannot resume while the robot is stopped or held: " + _supervisor.BlockingCauses();
        Paused = false;
        if (_procedure.State != ProcedureState.Idle) _procedure.Resume();
        Changed?.Invoke();
        return null;
    }

    /// <summary>Cancel the running order. Returns false when there is none to cancel.</summary>
    public bool Cancel()
    {
        if (!HasActiveOrder) return false;
        _supervisor.ReleaseAutonomous();
        if (_procedure.State != ProcedureState.Idle) _procedure.Cancel("cancelled by the operator (cancelOrder)");
        _hw.Lift.Stop();
        foreach (var id in _actionOrder)
        {
            var s = _actionStates[id];
            if (s.ActionStatus is ActionStatus.Waiting or ActionStatus.Initializing or ActionStatus.Running)
                _actionStates[id] = s with { ActionStatus = ActionStatus.Failed, ResultDescription = "cancelled" };
        }
        _nodes.Clear();
        _edges.Clear();
        _arrivedNode = null;
        Driving = false;
        Paused = false;
        Changed?.Invoke();
        return true;
    }

    /// <summary>Called when an emergency stop latches: the order is held and needs an explicit stopPause.</summary>
    public void OnEmergencyStop()
    {
        if (HasActiveOrder) Paused = true;
        if (_procedure.State != ProcedureState.Idle) _procedure.Pause();
        Driving = false;
        _supervisor.ReleaseAutonomous();
        Changed?.Invoke();
    }

    /// <summary>One control step: node actions, then drive towards the next released node.</summary>
    public void Tick()
    {
        var pose = _hw.Pose.Pose;
        DistanceSinceLastNode += Math.Sqrt(Math.Pow(pose.X.Meters - _lastX, 2) + Math.Pow(pose.Y.Meters - _lastY, 2));
        _lastX = pose.X.Meters;
        _lastY = pose.Y.Meters;

        if (!HasActiveOrder || Paused || !_supervisor.MotionAllowed)
        {
            SetDriving(false);
            _supervisor.ReleaseAutonomous();
            return;
        }
        if (_arrivedNode is not null && !RunNodeActions())
        {
            SetDriving(false);
            _supervisor.ReleaseAutonomous();
            return;
        }
        var target = _nodes.FirstOrDefault(n => n.Released);
        if (target is null)
        {
            // Base finished: the order is done (horizon nodes, if any, wait for an update).
            SetDriving(false);
            _supervisor.ReleaseAutonomous();
            return;
        }
        var edge = _edges.FirstOrDefault(e => e.EndNodeId == target.NodeId && e.SequenceId == target.SequenceId - 1);
        var p = target.NodePosition!;
        var tolerance = p.AllowedDeviationXY is { } dev && dev > 0 ? Math.Min(dev, _motion.NodeToleranceM * 5) : _motion.NodeToleranceM;
        var (linear, angular, arrived) = _controller.Step(pose, p.X, p.Y, p.Theta, tolerance, edge?.MaxSpeed ?? double.MaxValue);
        if (arrived && Math.Abs(_hw.Drive.MeasuredLinear.MetersPerSecond) > StoppedBelowMps)
        {
            // Within tolerance but still rolling: brake, and call the node reached once stopped.
            _supervisor.RequestAutonomous(0, 0);
            SetDriving(true);
            return;
        }
        if (arrived)
        {
            _supervisor.ReleaseAutonomous();
            SetDriving(false);
            if (edge is not null) _edges.Remove(edge);
            ArriveAt(target);
            return;
        }
        SetDriving(true);
        _supervisor.RequestAutonomous(linear, angular);
    }

    private void ArriveAt(Node node)
    {
        _nodes.Remove(node);
        LastNodeId = node.NodeId;
        LastNodeSequenceId = node.SequenceId;
        DistanceSinceLastNode = 0;
        _arrivedNode = node;
        _arrivedActionIndex = 0;
        RunNodeActions();
        Changed?.Invoke();
    }

    /// <summary>Runs the arrived node's actions in order; returns true when all are done.</summary>
    private bool RunNodeActions()
    {
        var node = _arrivedNode!;
        while (_arrivedActionIndex < node.Actions.Count)
        {
            var action = node.Actions[_arrivedActionIndex];
            var state = _actionStates[action.ActionId];
            switch (state.ActionStatus)
            {
                case ActionStatus.Waiting when action.ActionType is InspectionRequest.InspectContainer or InspectionRequest.MeasureBackground:
                {
                    var (request, error) = InspectionRequest.From(action, _profileName, "fleet");
                    var refusal = error?.Message ?? _procedure.Start(request!)?.Message;
                    _actionStates[action.ActionId] = refusal is null
                        ? state with { ActionStatus = ActionStatus.Running, ResultDescription = "started" }
                        : state with { ActionStatus = ActionStatus.Failed, ResultDescription = refusal };
                    if (refusal is not null) _arrivedActionIndex++;
                    Changed?.Invoke();
                    if (refusal is null) return false;
                    break;
                }
                case ActionStatus.Running when action.ActionType is InspectionRequest.InspectContainer or InspectionRequest.MeasureBackground:
                {
                    if (_procedure.Outcome is { } outcome && outcome.ActionId == action.ActionId && _procedure.State == ProcedureState.Idle)
                    {
                        _actionStates[action.ActionId] = state with
                        {
                            ActionStatus = outcome.Succeeded ? ActionStatus.Finished : ActionStatus.Failed,
                            ResultDescription = outcome.Result.Length > 500 ? outcome.Result[..500] : outcome.Result,
                        };
                        _arrivedActionIndex++;
                        Changed?.Invoke();
                        // The procedure drove the robot around: the next node is reached from wherever it ended.
                        break;
                    }
                    return false;
                }
                case ActionStatus.Waiting:
                {
                    var height = LiftHeight(action)!.Value;
                    var refusal = _supervisor.RequestLift(Length.FromMeters(height));
                    if (refusal is not null)
                    {
                        _actionStates[action.ActionId] = state with { ActionStatus = ActionStatus.Failed, ResultDescription = refusal };
                        _arrivedActionIndex++;
                    }
                    else
                    {
                        _actionStates[action.ActionId] = state with { ActionStatus = ActionStatus.Running };
                    }
                    Changed?.Invoke();
                    break;
                }
                case ActionStatus.Running:
                {
                    var height = LiftHeight(action)!.Value;
                    if (!_hw.Lift.IsMoving && Math.Abs(_hw.Lift.Height.Meters - height) < 0.01)
                    {
                        _actionStates[action.ActionId] = state with { ActionStatus = ActionStatus.Finished, ResultDescription = $"{_hw.Lift.Height.Meters:0.###}" };
                        _arrivedActionIndex++;
                        Changed?.Invoke();
                        break;
                    }
                    if (!_hw.Lift.IsMoving)
                    {
                        // Stopped short (e-stop, jam): retry the move once motion is allowed again.
                        _supervisor.RequestLift(Length.FromMeters(height));
                    }
                    // liftTo is always waited for, whatever its blockingType: the probe must not
                    // travel half-raised between stations.
                    return false;
                }
                default:
                    _arrivedActionIndex++;
                    break;
            }
        }
        _arrivedNode = null;
        return true;
    }

    private void SetDriving(bool driving)
    {
        if (Driving == driving) return;
        Driving = driving;
        Changed?.Invoke();
    }
}
