using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.Remote.Inspection;

namespace Robot.Remote.Client;

// Inspections: a VDA 5050 order with one inspectContainer action, followed in telemetry and state.
public sealed partial class RobotClient
{
    private readonly ConcurrentDictionary<string, long> _headerIds = new();

    /// <summary>
    /// The manufacturer of <paramref name="serialNumber"/>, from its retained connection message
    /// (uagv/v2/+/{serial}/connection); <see cref="RobotClientFailure.NoAnswer"/> when none comes
    /// within the answer timeout.
    /// </summary>
    public async Task<string> FindManufacturerAsync(string serialNumber, CancellationToken cancellationToken = default)
    {
        var filter = $"{TopicScheme.VdaInterface}/{TopicScheme.VdaMajorVersion}/+/{serialNumber}/connection";
        var found = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var id = AddSink(m =>
        {
            if (TopicScheme.TryParse(m.Topic, out var address) && address.Kind == MessageKind.Connection
                && address.SerialNumber == serialNumber && address.Manufacturer is { } manufacturer)
            {
                found.TrySetResult(manufacturer);
            }
        });
        try
        {
            await _link.SubscribeAsync(filter, 1, cancellationToken).ConfigureAwait(false);
            return await found.Task.WaitAsync(_options.AnswerTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new RobotClientException(RobotClientFailure.NoAnswer,
                $"robot {serialNumber} is not known on the broker: no retained connection message on {filter} within {_options.AnswerTimeout.TotalSeconds:0.###} s (try 'robots')");
        }
        finally
        {
            _sinks.TryRemove(id, out _);
            await _link.UnsubscribeAsync(filter, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Start an inspection where the robot stands and, when <paramref name="follow"/>, follow it.
    /// Asks the robot's status (pose and map) and its manufacturer, sends the order (orderUpdateId 0,
    /// headerId counted per topic), and yields <see cref="InspectionSent"/>; then, following,
    /// <see cref="InspectionProgress"/> whenever telemetry reports another number of points done,
    /// and ends with <see cref="InspectionEnded"/> (the action FINISHED or FAILED) or
    /// <see cref="InspectionRefused"/> (the order is in state.errors). When nothing at all is heard
    /// from the robot for the answer timeout it fails with <see cref="RobotClientFailure.NoAnswer"/>.
    /// </summary>
    public async IAsyncEnumerable<InspectionUpdate> InspectAsync(string serialNumber, InspectionRequest request, bool follow,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var status = await StatusAsync(serialNumber, cancellationToken).ConfigureAwait(false);
        var manufacturer = await FindManufacturerAsync(serialNumber, cancellationToken).ConfigureAwait(false);
        var topic = TopicScheme.Vda(manufacturer, serialNumber, MessageKind.Order);
        var order = InspectionOrders.Build(manufacturer, serialNumber, NextHeaderId(topic), _time.GetUtcNow(), status.Pose, request, request.OperatorId ?? _options.OperatorId);
        var action = order.Nodes[0].Actions[0];
        var sent = new SentInspection(serialNumber, manufacturer, topic, order.OrderId, action.ActionId, Iso6346.Normalize(request.ContainerNumber));

        if (!follow)
        {
            await PublishOrderAsync(order, topic, cancellationToken).ConfigureAwait(false);
            yield return new InspectionSent(_time.GetUtcNow(), sent);
            yield break;
        }

        // Listen before sending, so that neither a quick refusal nor a quick end is missed.
        var telemetry = TopicScheme.Extension(serialNumber, MessageKind.Telemetry);
        var state = TopicScheme.Vda(manufacturer, serialNumber, MessageKind.State);
        var heard = Channel.CreateUnbounded<LinkMessage>(new UnboundedChannelOptions { SingleReader = true });
        var id = AddSink(m =>
        {
            if (m.Topic == telemetry || m.Topic == state) heard.Writer.TryWrite(m);
        });
        try
        {
            await _link.SubscribeAsync(telemetry, 0, cancellationToken).ConfigureAwait(false);
            await _link.SubscribeAsync(state, 0, cancellationToken).ConfigureAwait(false);
            await PublishOrderAsync(order, topic, cancellationToken).ConfigureAwait(false);
            yield return new InspectionSent(_time.GetUtcNow(), sent);

            var pointsDone = 0;
            string? phase = null;
            while (true)
            {
                var message = await NextHeardAsync(heard.Reader, sent, cancellationToken).ConfigureAwait(false);
                var update = ProtocolCodec.Decode(message.Topic, message.Payload.Span).Message switch
                {
                    // A new point, or a new phase before the first one (driving to the background spot, measuring it...).
                    // Idle is the procedure before it has taken the order (or after it ended): not a phase of ours.
                    Telemetry { Procedure: { } p } when IsOurs(p, sent) && !IsIdle(p)
                        && (p.PointsDone != pointsDone || (p.PointsDone == 0 && p.State != phase)) => new InspectionProgress(_time.GetUtcNow(), p),
                    State s => Outcome(s, sent),
                    _ => null,
                };
                if (update is null) continue;
                if (update is InspectionProgress progress)
                {
                    pointsDone = progress.Procedure.PointsDone;
                    phase = progress.Procedure.State;
                }
                yield return update;
                if (update.IsFinal) yield break;
            }
        }
        finally
        {
            _sinks.TryRemove(id, out _);
            await _link.UnsubscribeAsync(telemetry, CancellationToken.None).ConfigureAwait(false);
            await _link.UnsubscribeAsync(state, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task PublishOrderAsync(Order order, string topic, CancellationToken cancellationToken)
    {
        if (!await _link.PublishAsync(new LinkMessage(topic, ProtocolCodec.Encode(order), 1), cancellationToken).ConfigureAwait(false))
        {
            throw new RobotClientException(RobotClientFailure.LinkLost, $"lost the broker connection before order {order.OrderId} went out");
        }
    }

    private async Task<LinkMessage> NextHeardAsync(ChannelReader<LinkMessage> heard, SentInspection sent, CancellationToken cancellationToken)
    {
        try
        {
            return await heard.ReadAsync(cancellationToken).AsTask().WaitAsync(_options.AnswerTimeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            if (!_link.IsConnected)
            {
                throw new RobotClientException(RobotClientFailure.LinkLost, $"lost the broker connection while following order {sent.OrderId}");
            }
            throw new RobotClientException(RobotClientFailure.NoAnswer,
                $"nothing heard from robot {sent.SerialNumber} for {_options.AnswerTimeout.TotalSeconds:0.###} s while following order {sent.OrderId} (the inspection may still be running: see 'reports')");
        }
    }

    /// <summary>Telemetry of another container's inspection is not ours; telemetry without a container number may be.</summary>
    private static bool IsOurs(ProcedureTelemetry p, SentInspection sent) =>
        p.ContainerNumber is null || string.Equals(p.ContainerNumber, sent.ContainerNumber, StringComparison.OrdinalIgnoreCase);

    private static bool IsIdle(ProcedureTelemetry p) => string.Equals(p.State, "Idle", StringComparison.OrdinalIgnoreCase);

    private InspectionUpdate? Outcome(State s, SentInspection sent)
    {
        var now = _time.GetUtcNow();
        foreach (var a in s.ActionStates)
        {
            if (a.ActionId != sent.ActionId) continue;
            if (a.ActionStatus == ActionStatus.Finished) return new InspectionEnded(now, true, a.ResultDescription ?? "");
            if (a.ActionStatus == ActionStatus.Failed) return new InspectionEnded(now, false, a.ResultDescription ?? "failed");
        }
        // A refused order is an input error naming the order topic and our order id.
        foreach (var e in s.Errors)
        {
            var refs = e.ErrorReferences ?? [];
            var aboutOrders = refs.Any(r => r.ReferenceKey == "topic" && (r.ReferenceValue == "order" || r.ReferenceValue == sent.Topic));
            var aboutOurs = refs.Any(r => r.ReferenceKey is "id" or "orderId" && r.ReferenceValue == sent.OrderId);
            if (aboutOrders && aboutOurs) return new InspectionRefused(now, e);
        }
        return null;
    }

    /// <summary>VDA 5050 headerId: counted per topic by the sender, the first message is 1.</summary>
    private long NextHeaderId(string topic) => _headerIds.AddOrUpdate(topic, 1, (_, last) => last + 1);
}
