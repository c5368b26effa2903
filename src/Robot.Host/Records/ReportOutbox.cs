using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;

namespace Robot.Host.Records;

/// <summary>
/// Sends filed reports until a client acknowledges them: on start (after filing any inspection an
/// earlier run left unfinished as INVALID), on every (re)connect of the link, when a report is
/// filed, and every ResendInterval while any stays unacknowledged. Reports go out with QoS 1 on
/// robot/v1/{serial}/reports; acks arrive on robot/v1/{serial}/reportAcks. A bad ack (unreadable,
/// unknown report, wrong hash) is logged and changes nothing. The store keeps every report after sending.
/// </summary>
public sealed class ReportOutbox : BackgroundService
{
    private readonly InspectionJournal _journal;
    private readonly MqttLink _link;
    private readonly TimeProvider _time;
    private readonly TimeSpan _resendInterval;
    private readonly ILogger _log;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public ReportOutbox(InspectionJournal journal, MqttLink link, string serialNumber, TimeSpan resendInterval, TimeProvider time, ILogger<ReportOutbox> log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(resendInterval, TimeSpan.Zero);
        _journal = journal;
        _link = link;
        _time = time;
        _resendInterval = resendInterval;
        _log = log;
        ReportTopic = TopicScheme.Extension(serialNumber, MessageKind.Report);
        AckTopic = TopicScheme.Extension(serialNumber, MessageKind.ReportAck);
    }

    public string ReportTopic { get; }
    public string AckTopic { get; }

    /// <summary>Raised after each message on the ack topic is handled, with its outcome (for telemetry and tests).</summary>
    public event Action<string, AckOutcome>? AckHandled;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The link has one message handler (the protocol bridge sets it first); acks are taken
        // here and everything else is passed on unchanged.
        var inner = _link.MessageReceived;
        _link.MessageReceived = m => m.Topic == AckTopic ? OnAckAsync(m) : inner?.Invoke(m) ?? Task.CompletedTask;
        _link.ConnectionChanged += OnConnectionChanged;
        _journal.ReportFiled += OnReportFiled;
        await _link.SubscribeAsync(AckTopic, 1, cancellationToken).ConfigureAwait(false);
        _journal.RecoverInterrupted("robot-host restarted before the report was filed (power loss or process exit)");
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _link.ConnectionChanged -= OnConnectionChanged;
        _journal.ReportFiled -= OnReportFiled;
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Absolute schedule on the TimeProvider: the next resend is due one interval after the last send.
        var nextSend = _time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            if (now >= nextSend)
            {
                if (_link.IsConnected)
                {
                    try
                    {
                        await SendPendingAsync(stoppingToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex)
                    {
                        _log.LogError(ex, "sending pending reports failed; trying again in {Interval}", _resendInterval);
                    }
                }
                nextSend = now + _resendInterval;
            }
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var remaining = nextSend - _time.GetUtcNow();
            var delay = Task.Delay(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero, _time, wait.Token);
            var woken = _wake.Reader.WaitToReadAsync(wait.Token).AsTask();
            try
            {
                var first = await Task.WhenAny(delay, woken).ConfigureAwait(false);
                await first.ConfigureAwait(false);
                if (first == woken && _wake.Reader.TryRead(out _)) nextSend = _time.GetUtcNow(); // reconnect or new report: send now
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            finally
            {
                await wait.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Publish every unacknowledged report, oldest first; stop at the first refused publish (the link is down).</summary>
    private async Task SendPendingAsync(CancellationToken ct)
    {
        var pending = _journal.PendingReports();
        var sent = 0;
        foreach (var report in pending)
        {
            if (!await _link.PublishAsync(new LinkMessage(ReportTopic, ProtocolCodec.Encode(report), 1), ct).ConfigureAwait(false))
            {
                _log.LogDebug("report {ReportId} not sent: the link is down; it goes out on reconnect", report.ReportId);
                return;
            }
            sent++;
        }
        if (sent > 0) _log.LogInformation("sent {Count} unacknowledged report(s), oldest {ReportId}", sent, pending[0].ReportId);
    }

    private Task OnAckAsync(LinkMessage message)
    {
        var result = ProtocolCodec.Decode(message.Topic, message.Payload.Span);
        AckOutcome outcome;
        var id = "?";
        if (!result.IsSuccess || result.Message is not ReportAck ack)
        {
            outcome = AckOutcome.Malformed;
            _log.LogWarning("refused report ack on {Topic}: {Error}", message.Topic, result.Error);
        }
        else
        {
            id = ack.ReportId;
            outcome = _journal.Acknowledge(ack.ReportId, ack.ReportHash, ack.AckedBy, ack.Timestamp);
            if (outcome is AckOutcome.Acknowledged) _log.LogInformation("report {ReportId} acknowledged by {AckedBy}", ack.ReportId, ack.AckedBy);
            else if (outcome is AckOutcome.AlreadyAcknowledged) _log.LogDebug("report {ReportId} acknowledged again by {AckedBy}", ack.ReportId, ack.AckedBy);
            else _log.LogWarning("refused report ack for {ReportId} from {AckedBy}: {Outcome}", ack.ReportId, ack.AckedBy, outcome);
        }
        try
        {
            AckHandled?.Invoke(id, outcome);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "AckHandled handler failed");
        }
        return Task.CompletedTask;
    }

    private void OnConnectionChanged(bool up)
    {
        if (up) _wake.Writer.TryWrite(true);
    }

    private void OnReportFiled(InspectionReport report) => _wake.Writer.TryWrite(true);
}
