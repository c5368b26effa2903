using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Control;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Host.Link;

/// <summary>
/// Binds the protocol to the robot: decodes what arrives (refusing bad input through state.errors,
/// never crashing), hands it to the RobotController, and publishes connection, state, visualization,
/// telemetry, events and the factsheet.
/// </summary>
/// <remarks>
/// The intake (the link's receive thread) never waits: an emergency stop is recognised and latched
/// right there, and everything else goes into a bounded queue that a worker drains, so no burst of
/// other traffic can queue in front of a stop (issue 11 measured 0.3 to 1.7 s behind one). A full
/// queue refuses what does not fit (commands get a busy answer). Replies go out through their own
/// sender, so no broker acknowledgement is awaited on the way in.
/// </remarks>
public sealed class ProtocolBridge : BackgroundService
{
    private readonly MqttLink _link;
    /// <summary>
    /// Where orders, instant actions, teleop, commands and operator presence arrive and command replies
    /// leave: a connection of its own (<see cref="ControlLink"/>), so telemetry, state and reports on
    /// <see cref="_link"/> never sit in front of them in a socket buffer; the main link when there is none.
    /// </summary>
    private readonly MqttLink _intakeLink;
    private bool SeparateControl => !ReferenceEquals(_intakeLink, _link);
    private readonly RobotController _robot;
    private readonly RobotHardware _hw;
    private readonly Procedure.JournalWriter _journal;
    private readonly RobotIdentityOptions _id;
    private readonly SafetyOptions _safety;
    private readonly TelemetryOptions _telemetry;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Channel<RobotEvent> _events = Channel.CreateBounded<RobotEvent>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Channel<(LinkMessage Message, long Seq)> _intake = Channel.CreateBounded<(LinkMessage, long)>(new BoundedChannelOptions(IntakeCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly Channel<LinkMessage> _replies = Channel.CreateBounded<LinkMessage>(new BoundedChannelOptions(ReplyCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly string _commandTopic;
    private long _intakeSeq, _lastEmergencyStopSeq = -1, _queuedBytes, _refused;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _connectionHeader, _stateHeader, _visualizationHeader, _factsheetHeader, _telemetrySeq;
    private volatile bool _stateRequested, _factsheetRequested;

    public ProtocolBridge(MqttLink link, RobotController robot, RobotHardware hardware, Procedure.JournalWriter journal, IOptions<RobotIdentityOptions> id, IOptions<SafetyOptions> safety,
        IOptions<TelemetryOptions> telemetry, TimeProvider time, ILogger<ProtocolBridge> log, ControlLink? control = null)
    {
        _link = link;
        _intakeLink = control?.Link ?? link;
        _robot = robot;
        _hw = hardware;
        _journal = journal;
        _id = id.Value;
        _safety = safety.Value;
        _telemetry = telemetry.Value;
        _time = time;
        _log = log;
        _commandTopic = Topic(MessageKind.Command);
        _robot.EventRaised += e => _events.Writer.TryWrite(e);
    }

    /// <summary>How many received messages may wait for the worker; more are refused.</summary>
    public const int IntakeCapacity = 2048;
    /// <summary>How many payload bytes may wait for the worker (a queue of large orders is bounded by bytes first).</summary>
    public const long IntakeMaxBytes = 16L * 1024 * 1024;
    /// <summary>Replies waiting for the sender; more are dropped (the requester times out and may retry).</summary>
    public const int ReplyCapacity = 1024;

    /// <summary>Messages refused because the intake queue was full, since start.</summary>
    public long IntakeRefused => Interlocked.Read(ref _refused);

    public string Topic(MessageKind kind) => TopicScheme.For(_id.Manufacturer, _id.SerialNumber, kind);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _link.SetWill(ConnectionMessage(ConnectionState.ConnectionBroken));
        // Checked by the link before it copies a payload: an oversized one is refused by its length alone.
        _intakeLink.MaxInboundPayloadBytes = _telemetry.MaxPayloadBytes;
        _intakeLink.MessageReceived = OnMessageAsync;
        _link.ConnectionChanged += OnConnectionChanged;
        if (SeparateControl) _intakeLink.ConnectionChanged += OnControlConnectionChanged;
        foreach (var kind in new[] { MessageKind.Order, MessageKind.InstantActions, MessageKind.Teleop, MessageKind.Command, MessageKind.Operator })
        {
            _ = _intakeLink.SubscribeAsync(Topic(kind), kind == MessageKind.Teleop ? 0 : 1, cancellationToken);
        }
        // The host runs (and stays safe) without a broker: the links keep trying in the background.
        if (SeparateControl) _intakeLink.StartInBackground();
        _link.StartInBackground();
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        // No more commands first; then OFFLINE on the main link, which carries the will.
        if (SeparateControl) await _intakeLink.StopAsync(null, cancellationToken).ConfigureAwait(false);
        if (await _link.StopAsync(ConnectionMessage(ConnectionState.Offline), cancellationToken).ConfigureAwait(false))
            _log.LogInformation("published OFFLINE and disconnected");
        else
            _log.LogWarning("could not say OFFLINE ({Problem}): the broker will announce CONNECTIONBROKEN", _link.LastStopProblem ?? "unknown");
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(PublishLoopAsync(stoppingToken), IntakeWorkerAsync(stoppingToken), ReplySenderAsync(stoppingToken));

    private async Task PublishLoopAsync(CancellationToken stoppingToken)
    {
        var telemetryPeriod = TimeSpan.FromSeconds(1 / _telemetry.RateHz);
        var visualizationPeriod = TimeSpan.FromSeconds(1 / _telemetry.VisualizationRateHz);
        var minStateInterval = TimeSpan.FromMilliseconds(100);
        var idle = TimeSpan.FromMilliseconds(20);
        var lastStateVersion = -1L;
        var lastState = DateTimeOffset.MinValue;
        var start = _time.GetUtcNow();
        // Fixed schedules (next += period), so the rates hold however long a publish takes.
        var nextTelemetry = start;
        var nextVisualization = start;
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var due = Min(Min(nextTelemetry, nextVisualization), now + idle);
            if (due > now)
            {
                // Sleep until the next deadline, or less when something asks for an immediate publish.
                var wake = _wake.Task;
                await Task.WhenAny(wake, Task.Delay(due - now, _time, stoppingToken)).ConfigureAwait(false);
                if (stoppingToken.IsCancellationRequested) break;
                if (wake.IsCompleted) Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                now = _time.GetUtcNow();
            }
            if (!_link.IsConnected)
            {
                nextTelemetry = nextVisualization = now + idle;
                continue;
            }
            try
            {
                if (_factsheetRequested)
                {
                    _factsheetRequested = false;
                    await PublishFactsheetAsync(stoppingToken).ConfigureAwait(false);
                }
                var version = _robot.StateVersion;
                if (_stateRequested || (version != lastStateVersion && now - lastState >= minStateInterval) || now - lastState >= _telemetry.StateMaxInterval)
                {
                    _stateRequested = false;
                    lastStateVersion = version;
                    lastState = now;
                    await PublishStateAsync(stoppingToken).ConfigureAwait(false);
                }
                if (now >= nextTelemetry)
                {
                    nextTelemetry = Next(nextTelemetry, telemetryPeriod, now);
                    var telemetry = _robot.BuildTelemetry(Interlocked.Increment(ref _telemetrySeq));
                    await _link.PublishAsync(new LinkMessage(Topic(MessageKind.Telemetry), ProtocolCodec.Encode(telemetry)), stoppingToken).ConfigureAwait(false);
                }
                if (now >= nextVisualization)
                {
                    nextVisualization = Next(nextVisualization, visualizationPeriod, now);
                    var v = _robot.BuildVisualization(Interlocked.Increment(ref _visualizationHeader) - 1, TopicScheme.VdaProtocolVersion);
                    await _link.PublishAsync(new LinkMessage(Topic(MessageKind.Visualization), ProtocolCodec.Encode(v)), stoppingToken).ConfigureAwait(false);
                }
                while (_events.Reader.TryRead(out var e))
                {
                    await _link.PublishAsync(new LinkMessage(Topic(MessageKind.Event), ProtocolCodec.Encode(e), 1), stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "publishing failed; carrying on");
            }
        }
    }

    /// <summary>The next slot of a fixed schedule; after a stall, start again from now rather than burst.</summary>
    private static DateTimeOffset Next(DateTimeOffset previous, TimeSpan period, DateTimeOffset now)
    {
        var next = previous + period;
        return next <= now - period ? now + period : next;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    /// <summary>
    /// The robot is linked only when it can both hear commands and be heard: both connections up. It
    /// says ONLINE once both are (its inbound topics are subscribed by then: nothing sent after ONLINE
    /// is lost), and again after any reconnection.
    /// </summary>
    private void OnControlConnectionChanged(bool up)
    {
        Volatile.Write(ref _controlUp, up);
        LinkChanged();
    }

    private void OnConnectionChanged(bool up)
    {
        Volatile.Write(ref _mainUp, up);
        if (!SeparateControl) Volatile.Write(ref _controlUp, up);
        LinkChanged();
    }

    // From the links' own events: the client's IsConnected may still say true while its disconnect is being reported.
    private bool _mainUp, _controlUp;

    /// <summary>Both connections are up, as their events have told (what the robot's link state follows).</summary>
    public bool Linked => Volatile.Read(ref _mainUp) && Volatile.Read(ref _controlUp);

    private readonly Lock _linkGate = new();

    private void LinkChanged()
    {
        // The two links report on their own threads: reading both and telling the robot happen under
        // one lock, so a stale "down" computed before the other link came up cannot be applied last.
        lock (_linkGate)
        {
            var up = Volatile.Read(ref _mainUp) && Volatile.Read(ref _controlUp);
            _robot.SetBrokerLink(up);
            if (!up)
            {
                _announced = 0;
                return;
            }
            if (_announced == 1) return;
            _announced = 1;
        }
        // Fire and forget from the link's thread: announce ourselves, then the loop publishes state.
        _ = Task.Run(async () =>
        {
            await _link.PublishAsync(ConnectionMessage(ConnectionState.Online)).ConfigureAwait(false);
            await PublishFactsheetAsync(CancellationToken.None).ConfigureAwait(false);
            _stateRequested = true;
            Wake();
        });
    }

    private int _announced;

    /// <summary>
    /// The intake, on the link's receive thread: never blocks and never awaits. An emergency stop is
    /// latched here; everything else is queued for the worker, or refused when the queue is full.
    /// </summary>
    private Task OnMessageAsync(LinkMessage message)
    {
        var seq = Interlocked.Increment(ref _intakeSeq);
        if (message.Topic == _commandTopic && TryEmergencyStop(message, seq)) return Task.CompletedTask;
        var bytes = message.Payload.Length;
        if (Interlocked.Add(ref _queuedBytes, bytes) > IntakeMaxBytes || !_intake.Writer.TryWrite((message, seq)))
        {
            Interlocked.Add(ref _queuedBytes, -bytes);
            RefuseOverflow(message);
        }
        return Task.CompletedTask;
    }


    /// <summary>
    /// The e-stop's own path: a cheap look for its name (no other command carries it), then a full
    /// decode of that one message, and the latch at once. False for anything else, which is queued
    /// (and decoded again by the worker, which refuses it as before if it is not a valid e-stop).
    /// </summary>
    private bool TryEmergencyStop(LinkMessage message, long seq)
    {
        if (!CommandNames.MayBeEmergencyStop(message.Payload.Span)) return false;
        var result = ProtocolCodec.Decode(message.Topic, message.Payload.Span, _telemetry.MaxPayloadBytes);
        if (result.Message is not CommandRequest { Command: CommandNames.EmergencyStop } request) return false;
        // Before the latch, so a reset queued ahead of this stop is seen as older than it.
        Volatile.Write(ref _lastEmergencyStopSeq, seq);
        var response = _robot.HandleCommand(request);
        Reply(message, response);
        Wake();
        return true;
    }

    private void RefuseOverflow(LinkMessage message)
    {
        Interlocked.Increment(ref _refused);
        Interlocked.Increment(ref _refusedInEpisode);
        // One report per overload (the worker logs the count when the queue drains): a flood must not become a flood of logs.
        if (Interlocked.Exchange(ref _overloadReported, 1) == 0)
        {
            _log.LogWarning("intake queue full ({Capacity} messages or {Bytes} MiB): refusing messages until it drains", IntakeCapacity, IntakeMaxBytes / (1024 * 1024));
            _robot.ReportBadInput(message.Topic, new ProtocolError(ProtocolErrorCode.Busy, "the robot's intake queue is full: messages are refused until it drains; resend"));
        }
        else
        {
            _robot.CountRefusedInput(); // in the total, not again in state.errors
        }
        if (message.ResponseTopic is not null && message.Topic == _commandTopic)
        {
            Reply(message, new CommandResponse
            {
                CommandId = "",
                Command = "",
                Accepted = false,
                Code = ProtocolErrorCode.Busy,
                Message = "the robot's intake queue is full; resend",
                Timestamp = _time.GetUtcNow(),
            });
        }
    }

    private int _overloadReported;
    private long _refusedInEpisode;

    private async Task IntakeWorkerAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var (message, seq) in _intake.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                Interlocked.Add(ref _queuedBytes, -message.Payload.Length);
                try
                {
                    Handle(message, seq);
                }
                catch (Exception ex)
                {
                    // A handler bug must never stop the intake: log it and carry on.
                    _log.LogError(ex, "handling a message on {Topic} failed", message.Topic);
                }
                if (_intake.Reader.Count == 0 && Interlocked.Exchange(ref _overloadReported, 0) == 1)
                {
                    _log.LogWarning("intake queue drained: {Count} message(s) were refused while it was full", Interlocked.Exchange(ref _refusedInEpisode, 0));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReplySenderAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var reply in _replies.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await _intakeLink.PublishAsync(reply, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Handle(LinkMessage message, long seq)
    {
        if (message.DroppedPayloadLength > 0)
        {
            // Refused by its length before the link copied it.
            if (!TopicScheme.TryParse(message.Topic, out var address))
            {
                var unknown = ProtocolCodec.Decode(message.Topic, default);
                Refuse(message, unknown.Address, unknown.Error!);
                return;
            }
            Refuse(message, address, new ProtocolError(ProtocolErrorCode.PayloadTooLarge, $"payload is {message.DroppedPayloadLength} bytes, the limit is {_telemetry.MaxPayloadBytes}"));
            return;
        }
        var result = ProtocolCodec.Decode(message.Topic, message.Payload.Span, _telemetry.MaxPayloadBytes);
        if (!result.IsSuccess)
        {
            Refuse(message, result.Address, result.Error!);
            return;
        }
        if (result.Message is Vda5050Message header && (header.SerialNumber != _id.SerialNumber || header.Manufacturer != _id.Manufacturer))
        {
            _robot.ReportBadInput(message.Topic, new ProtocolError(ProtocolErrorCode.WrongRobot,
                $"message is addressed to {header.Manufacturer}/{header.SerialNumber}; this robot is {_id.Manufacturer}/{_id.SerialNumber}", "$.serialNumber"));
            Wake();
            return;
        }
        switch (result.Message)
        {
            case Order order:
                _robot.HandleOrder(order);
                Wake();
                break;
            case InstantActions actions:
                var (state, factsheet) = _robot.HandleInstantActions(actions);
                _stateRequested |= state;
                _factsheetRequested |= factsheet;
                Wake();
                break;
            case TeleopCommand teleop:
                if (_robot.HandleTeleop(teleop) is not null) Wake();
                break;
            case CommandRequest { Command: CommandNames.ResetEmergencyStop } reset when seq < Volatile.Read(ref _lastEmergencyStopSeq):
                // Sent before an emergency stop that overtook it in the queue: it must not undo that stop.
                _robot.ReportBadInput(message.Topic, new ProtocolError(ProtocolErrorCode.EmergencyStopActive,
                    "an emergency stop arrived after this reset was sent; check the robot and send the reset again", "$.command"));
                Reply(message, new CommandResponse
                {
                    CommandId = reset.CommandId,
                    Command = reset.Command,
                    Accepted = false,
                    Code = ProtocolErrorCode.EmergencyStopActive,
                    Message = "an emergency stop arrived after this reset was sent; check the robot and send the reset again",
                    Timestamp = _time.GetUtcNow(),
                });
                Wake();
                break;
            case CommandRequest request:
                var response = _robot.HandleCommand(request);
                if (response.Accepted && request.Command is CommandNames.ListReports or CommandNames.GetReport)
                {
                    response = AnswerReportQuery(request, response);
                }
                Reply(message, response);
                Wake();
                break;
            case OperatorPresence presence:
                _robot.HandleOperatorPresence(presence);
                break;
        }
    }

    private long _refusedMessages;

    private void Refuse(LinkMessage message, TopicAddress address, ProtocolError error)
    {
        // Every refusal is in state.errors and counted; the log takes the first hundred and then every
        // thousandth, so that a flood of bad input does not become a flood of the journal.
        var n = Interlocked.Increment(ref _refusedMessages);
        if (n <= 100 || n % 1000 == 0) _log.LogWarning("refused message on {Topic} ({Count} refused so far): {Error}", message.Topic, n, error);
        _robot.ReportBadInput(message.Topic, error);
        if (address.Kind == MessageKind.Command && message.ResponseTopic is not null && address.SerialNumber is not null)
        {
            Reply(message, new CommandResponse
            {
                CommandId = "",
                Command = "",
                Accepted = false,
                Code = error.Code,
                Message = error.ToString(),
                Timestamp = _time.GetUtcNow(),
            });
        }
        Wake();
    }

    private CommandResponse AnswerReportQuery(CommandRequest request, CommandResponse admitted)
    {
        var recorder = _journal.Recorder;
        if (request.Command == CommandNames.ListReports)
        {
            var reports = recorder.RecentReports(request.Limit ?? 20);
            return admitted with
            {
                Message = $"{reports.Count} report(s)",
                Reports = reports.Select(r => new ReportSummary
                {
                    ReportId = r.ReportId,
                    Sequence = r.Sequence,
                    ContainerNumber = r.Container.Number,
                    Verdict = r.Verdict,
                    VerdictReason = r.VerdictReason,
                    FinishedAt = r.FinishedAt,
                    ReportHash = r.ReportHash ?? "",
                }).ToList(),
            };
        }
        var report = recorder.FindReport(request.ReportId!);
        return report is null
            ? admitted with { Accepted = false, Code = ProtocolErrorCode.NotFound, Message = $"no report {request.ReportId}" }
            : admitted with { Message = $"report {report.ReportId}", Report = report };
    }

    /// <summary>Queue a reply for the sender: nothing on the way in waits for the broker's acknowledgement.</summary>
    private void Reply(LinkMessage request, CommandResponse response)
    {
        // MQTT 5 clients get the answer on their response topic; MQTT 3.1.1 clients can watch robot/v1/{serial}/responses.
        var topic = request.ResponseTopic ?? Topic(MessageKind.Response);
        if (!_replies.Writer.TryWrite(new LinkMessage(topic, ProtocolCodec.Encode(response), 1) { CorrelationData = request.CorrelationData }))
            _log.LogDebug("reply queue full: the answer to {CommandId} is dropped", response.CommandId);
    }

    private void Wake() => Volatile.Read(ref _wake).TrySetResult();

    private Task PublishStateAsync(CancellationToken ct)
    {
        var state = _robot.BuildState(Interlocked.Increment(ref _stateHeader) - 1, TopicScheme.VdaProtocolVersion);
        return _link.PublishAsync(new LinkMessage(Topic(MessageKind.State), ProtocolCodec.Encode(state), 0), ct);
    }

    private Task PublishFactsheetAsync(CancellationToken ct)
    {
        var f = FactsheetBuilder.Build(Interlocked.Increment(ref _factsheetHeader) - 1, _time.GetUtcNow(), _id, _safety, _telemetry,
            _hw.Lift.MinHeight.Meters, _hw.Lift.MaxHeight.Meters);
        return _link.PublishAsync(new LinkMessage(Topic(MessageKind.Factsheet), ProtocolCodec.Encode(f), 1, Retain: true), ct);
    }

    private LinkMessage ConnectionMessage(ConnectionState state)
    {
        var m = new Connection
        {
            HeaderId = Interlocked.Increment(ref _connectionHeader) - 1,
            Timestamp = _time.GetUtcNow(),
            Version = TopicScheme.VdaProtocolVersion,
            Manufacturer = _id.Manufacturer,
            SerialNumber = _id.SerialNumber,
            ConnectionState = state,
        };
        return new LinkMessage(Topic(MessageKind.Connection), ProtocolCodec.Encode(m), 1, Retain: true);
    }
}
