using System.Threading.Channels;
using Robot.Protocol.Codec;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.Remote.Motion;

namespace Robot.Remote.Client;

/// <summary>How the robot took a go-to order or an instant action: accepted (FINISHED) or not, and its words.</summary>
public sealed record MotionOutcome(bool Accepted, string Id, string Message);

// Go to a point (a two-node VDA 5050 order) and pause / resume / cancel (instant actions), each
// followed in the robot's state until it says how it took it.
public sealed partial class RobotClient
{
    /// <summary>
    /// Send the robot to (x, y): asks its status (pose, map) and manufacturer, publishes the order and
    /// waits for the state to run it (accepted) or to name it in state.errors (refused, with the reason).
    /// </summary>
    /// <param name="route">
    /// Plans the way from the robot's position to the target (the target last), or returns null when
    /// there is none; null: straight there.
    /// </param>
    public async Task<MotionOutcome> GoToAsync(string serialNumber, double x, double y, double? theta, CancellationToken cancellationToken = default,
        Func<(double X, double Y), (double X, double Y), IReadOnlyList<(double X, double Y)>?>? route = null)
    {
        var status = await StatusAsync(serialNumber, cancellationToken).ConfigureAwait(false);
        var waypoints = route?.Invoke((status.Pose.X, status.Pose.Y), (x, y));
        if (route is not null && waypoints is null)
            return new MotionOutcome(false, "", $"no way for robot {serialNumber} from ({status.Pose.X:0.##}, {status.Pose.Y:0.##}) to ({x:0.##}, {y:0.##}) round the containers: nothing was sent");
        var via = waypoints is null ? [] : waypoints.Take(waypoints.Count - 1).ToList();
        var manufacturer = await FindManufacturerAsync(serialNumber, cancellationToken).ConfigureAwait(false);
        var topic = TopicScheme.Vda(manufacturer, serialNumber, MessageKind.Order);
        var order = MotionOrders.GoTo(manufacturer, serialNumber, NextHeaderId(topic), _time.GetUtcNow(), status.Pose, x, y, theta, via);
        var how = via.Count == 0 ? "" : $" via {string.Join(", ", via.Select(p => $"({p.X:0.#}, {p.Y:0.#})"))} round the containers";
        return await PublishAndFollowStateAsync(serialNumber, manufacturer, new LinkMessage(topic, ProtocolCodec.Encode(order), 1), $"order {order.OrderId}", s =>
        {
            if (s.OrderId == order.OrderId) return new MotionOutcome(true, order.OrderId, $"order {order.OrderId}: driving to ({x:0.##}, {y:0.##}){how}");
            var refusal = s.Errors.FirstOrDefault(e => (e.ErrorReferences ?? []).Any(r => r.ReferenceKey is "id" or "orderId" && r.ReferenceValue == order.OrderId));
            return refusal is null ? null : new MotionOutcome(false, order.OrderId, $"robot {serialNumber} refused the order: {refusal.ErrorType}: {refusal.ErrorDescription}");
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Publish one instant action (startPause, stopPause, cancelOrder) and wait for its state:
    /// FINISHED is accepted; FAILED is refused with the robot's resultDescription and error.
    /// </summary>
    public async Task<MotionOutcome> InstantActionAsync(string serialNumber, string actionType, CancellationToken cancellationToken = default)
    {
        var manufacturer = await FindManufacturerAsync(serialNumber, cancellationToken).ConfigureAwait(false);
        var topic = TopicScheme.Vda(manufacturer, serialNumber, MessageKind.InstantActions);
        var message = MotionOrders.Instant(manufacturer, serialNumber, NextHeaderId(topic), _time.GetUtcNow(), actionType);
        var action = message.Actions[0];
        return await PublishAndFollowStateAsync(serialNumber, manufacturer, new LinkMessage(topic, ProtocolCodec.Encode(message), 1), $"{actionType} {action.ActionId}", s =>
        {
            var state = s.ActionStates.FirstOrDefault(a => a.ActionId == action.ActionId);
            if (state is null || state.ActionStatus is not (ActionStatus.Finished or ActionStatus.Failed)) return null;
            if (state.ActionStatus == ActionStatus.Finished) return new MotionOutcome(true, action.ActionId, $"{actionType}: {state.ResultDescription ?? "done"}");
            var error = s.Errors.FirstOrDefault(e => (e.ErrorReferences ?? []).Any(r => r.ReferenceKey == "actionId" && r.ReferenceValue == action.ActionId));
            var why = error is null ? state.ResultDescription ?? "failed" : $"{error.ErrorType}: {error.ErrorDescription}";
            return new MotionOutcome(false, action.ActionId, $"robot {serialNumber} refused {actionType}: {why}");
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ask the robot to publish its state now (VDA 5050 instant action stateRequest). Best effort:
    /// false when the robot is unknown on the broker or the link is down; nothing waits for the state.
    /// </summary>
    public async Task<bool> RequestStateAsync(string serialNumber, CancellationToken cancellationToken = default)
    {
        try
        {
            var manufacturer = await FindManufacturerAsync(serialNumber, cancellationToken).ConfigureAwait(false);
            var topic = TopicScheme.Vda(manufacturer, serialNumber, MessageKind.InstantActions);
            var message = MotionOrders.Instant(manufacturer, serialNumber, NextHeaderId(topic), _time.GetUtcNow(), MotionOrders.StateRequest);
            return await _link.PublishAsync(new LinkMessage(topic, ProtocolCodec.Encode(message), 1), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RobotClientException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return false;
        }
    }

    private async Task<MotionOutcome> PublishAndFollowStateAsync(string serialNumber, string manufacturer, LinkMessage message, string what,
        Func<State, MotionOutcome?> decide, CancellationToken cancellationToken)
    {
        // Listen before sending, so that a quick answer is not missed.
        var stateTopic = TopicScheme.Vda(manufacturer, serialNumber, MessageKind.State);
        var heard = Channel.CreateUnbounded<State>(new UnboundedChannelOptions { SingleReader = true });
        var id = AddSink(m =>
        {
            if (m.Topic == stateTopic && ProtocolCodec.Decode(m.Topic, m.Payload.Span).Message is State s) heard.Writer.TryWrite(s);
        });
        try
        {
            await _link.SubscribeAsync(stateTopic, 0, cancellationToken).ConfigureAwait(false);
            if (!await _link.PublishAsync(message, cancellationToken).ConfigureAwait(false))
                throw new RobotClientException(RobotClientFailure.LinkLost, $"lost the broker connection before {what} went out");
            using var timeout = new CancellationTokenSource(_options.AnswerTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            try
            {
                while (true)
                {
                    var state = await heard.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
                    if (decide(state) is { } outcome) return outcome;
                }
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new RobotClientException(RobotClientFailure.NoAnswer,
                    $"robot {serialNumber} did not report on {what} within {_options.AnswerTimeout.TotalSeconds:0.###} s (is it online?)");
            }
        }
        finally
        {
            _sinks.TryRemove(id, out _);
            await _link.UnsubscribeAsync(stateTopic, CancellationToken.None).ConfigureAwait(false);
        }
    }
}
