using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Remote.Client;

/// <summary>
/// A small typed client for one remote session over <see cref="MqttLink"/>: commands with MQTT 5
/// request/response, the teleop stream, watching a robot and listing robots; inspections and
/// reports in RobotClient.Inspection.cs and RobotClient.Reports.cs. It speaks only the protocol,
/// exactly as a third-party client would. Shared by the CLI and the web remote.
/// </summary>
public sealed partial class RobotClient : IAsyncDisposable
{
    private const int WatchBuffer = 256;
    private const string NotConnected = "The MQTT client is not connected.";

    private readonly MqttLink _link;
    private readonly RobotClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<long, Action<LinkMessage>> _sinks = new();
    private long _nextSink;
    private int _disposed;

    private RobotClient(MqttLink link, RobotClientOptions options, TimeProvider time)
    {
        _link = link;
        _options = options;
        _time = time;
        _link.MessageReceived = OnMessageAsync;
    }

    public RobotClientOptions Options => _options;
    public bool IsConnected => _link.IsConnected;

    /// <summary>
    /// Connect to the broker, or fail with <see cref="RobotClientFailure.BrokerUnreachable"/> after
    /// <see cref="RobotClientOptions.ConnectTimeout"/> (never hangs on a dead broker).
    /// </summary>
    public static async Task<RobotClient> ConnectAsync(RobotClientOptions options, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var recorder = new LinkErrorRecorder();
        var linkOptions = new MqttLinkOptions
        {
            BrokerUri = options.BrokerUri,
            Username = options.Username,
            Password = options.Password,
            ClientId = $"{options.ClientIdPrefix}-{Guid.NewGuid().ToString("N")[..8]}",
            ConnectTimeout = options.ConnectTimeout,
        };
        var link = new MqttLink(linkOptions, time, recorder);
        if (options.OperatorPresenceFor is { } presenceSerial)
        {
            link.SetWill(Presence(presenceSerial, options.OperatorId, ConnectionState.ConnectionBroken, time.GetUtcNow()));
        }

        using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            await link.StartAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await AbandonAsync(link).ConfigureAwait(false);
            var why = recorder.LastReason switch
            {
                null => "",
                // MqttLink does not look at the CONNACK result: a refused session (bad credentials)
                // only shows up as the resubscribe failing on a client that is not connected.
                NotConnected => " (the broker refused the MQTT session: wrong username/password, or not authorised)",
                var reason => $" (last error: {reason})",
            };
            throw new RobotClientException(RobotClientFailure.BrokerUnreachable,
                $"cannot connect to broker {options.BrokerUri.Scheme}://{options.BrokerUri.Authority} within {options.ConnectTimeout.TotalSeconds:0.###} s{why}");
        }
        catch
        {
            await AbandonAsync(link).ConfigureAwait(false);
            throw;
        }

        var client = new RobotClient(link, options, time);
        if (options.OperatorPresenceFor is { } serial)
        {
            await link.PublishAsync(Presence(serial, options.OperatorId, ConnectionState.Online, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }
        return client;
    }

    /// <summary>A fresh command: new id, issued now, valid for <see cref="RobotClientOptions.CommandLifetime"/>.</summary>
    public CommandRequest NewCommand(string command, double? heightM = null)
    {
        var now = _time.GetUtcNow();
        return new CommandRequest
        {
            CommandId = Guid.NewGuid().ToString(),
            IssuedAt = now,
            ExpiresAt = now + _options.CommandLifetime,
            Command = command,
            OperatorId = _options.OperatorId,
            HeightM = heightM,
        };
    }

    /// <summary>
    /// Send a command as an MQTT 5 request and return the robot's answer, accepted or refused.
    /// Throws <see cref="RobotClientException"/> for no answer, an unusable answer or a lost link.
    /// </summary>
    public async Task<CommandResponse> SendCommandAsync(string serialNumber, CommandRequest request, CancellationToken cancellationToken = default)
    {
        var topic = TopicScheme.Extension(serialNumber, MessageKind.Command);
        using var timeout = new CancellationTokenSource(_options.AnswerTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        LinkMessage answer;
        try
        {
            // The link's own timeout error cannot be told apart from "not connected", so wait without
            // one and time out here instead.
            answer = await _link.RequestAsync(topic, ProtocolCodec.Encode(request), Timeout.InfiniteTimeSpan, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or MqttLinkException
                                   && timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Also when the timeout hit while the request was still being published: the link then
            // reports a failed publish ("not connected"), but the truth is that nobody answered.
            throw new RobotClientException(RobotClientFailure.NoAnswer,
                $"no answer from robot {serialNumber} to {request.Command} within {_options.AnswerTimeout.TotalSeconds:0.###} s (is it online? try 'robots')");
        }
        catch (MqttLinkException ex)
        {
            throw new RobotClientException(RobotClientFailure.LinkLost, $"lost the broker connection: {ex.Message}");
        }

        if (!ProtocolCodec.TryDecode<CommandResponse>(answer.Payload.Span, out var response, out var error))
        {
            throw new RobotClientException(RobotClientFailure.BadAnswer, $"robot {serialNumber} sent an answer that is not a command response: {error}");
        }
        if (response!.CommandId.Length > 0 && response.CommandId != request.CommandId)
        {
            throw new RobotClientException(RobotClientFailure.BadAnswer,
                $"robot {serialNumber} answered command {response.CommandId}, not {request.CommandId}");
        }
        return response;
    }

    /// <summary>Send a command and insist that the robot accepts it (<see cref="RobotClientFailure.Refused"/> otherwise).</summary>
    public async Task<CommandResponse> SendAcceptedCommandAsync(string serialNumber, CommandRequest request, CancellationToken cancellationToken = default)
    {
        var response = await SendCommandAsync(serialNumber, request, cancellationToken).ConfigureAwait(false);
        if (!response.Accepted)
        {
            throw new RobotClientException(RobotClientFailure.Refused,
                $"robot {serialNumber} refused {request.Command}: {response.Code}: {response.Message}", response);
        }
        return response;
    }

    /// <summary>Ask the robot for its status snapshot.</summary>
    public async Task<RobotStatus> StatusAsync(string serialNumber, CancellationToken cancellationToken = default)
    {
        var response = await SendAcceptedCommandAsync(serialNumber, NewCommand(CommandNames.Status), cancellationToken).ConfigureAwait(false);
        return response.Status ?? throw new RobotClientException(RobotClientFailure.BadAnswer,
            $"robot {serialNumber} accepted the status command but sent no status");
    }

    /// <summary>
    /// Stream dead-man teleop samples (QoS 0) at <see cref="TeleopStreamRequest.RateHz"/> for
    /// <see cref="TeleopStreamRequest.Duration"/>, then one zero-velocity sample. Cancelling stops the
    /// stream early and still sends the zero sample. Pacing follows the TimeProvider on a fixed
    /// schedule; when the process falls behind by more than a period, missed samples are skipped,
    /// not sent in a burst.
    /// </summary>
    public async Task<TeleopStreamResult> StreamTeleopAsync(string serialNumber, TeleopStreamRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!(request.RateHz > 0)) throw new ArgumentOutOfRangeException(nameof(request), "RateHz must be positive");
        var topic = TopicScheme.Extension(serialNumber, MessageKind.Teleop);
        var period = request.Period;
        var started = _time.GetTimestamp();
        var sent = 0;
        var interrupted = false;
        var linkLost = false;
        try
        {
            for (long slot = 0; ; slot++)
            {
                var due = period * slot;
                if (due >= request.Duration) break;
                var wait = due - _time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                var elapsed = _time.GetElapsedTime(started);
                if (elapsed >= request.Duration) break;
                if (elapsed - due >= period) slot = elapsed.Ticks / period.Ticks; // fell behind: skip to the current slot
                if (!await PublishTeleopAsync(topic, request.LinearMps, request.AngularRadps, request.LiftMps, request.TtlMs, cancellationToken).ConfigureAwait(false))
                {
                    linkLost = true;
                    break;
                }
                sent++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }

        var stopSent = await PublishTeleopAsync(topic, 0, 0, 0, request.TtlMs, CancellationToken.None).ConfigureAwait(false);
        if (linkLost || !stopSent)
        {
            throw new RobotClientException(RobotClientFailure.LinkLost,
                $"lost the broker connection while driving {serialNumber} after {sent} commands; the robot stops by itself within {request.TtlMs} ms (dead-man)");
        }
        return new TeleopStreamResult(sent, stopSent, interrupted);
    }

    /// <summary>
    /// Telemetry, VDA 5050 state and events of one robot as they arrive, until cancelled. Payloads
    /// that do not decode are yielded with their error rather than dropped silently.
    /// </summary>
    public async IAsyncEnumerable<WatchMessage> WatchAsync(string serialNumber, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var telemetry = TopicScheme.Extension(serialNumber, MessageKind.Telemetry);
        var state = $"{TopicScheme.VdaInterface}/{TopicScheme.VdaMajorVersion}/+/{serialNumber}/state";
        var events = TopicScheme.Extension(serialNumber, MessageKind.Event);
        var channel = Channel.CreateBounded<WatchMessage>(new BoundedChannelOptions(WatchBuffer)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        var id = AddSink(m =>
        {
            if (!TopicScheme.TryParse(m.Topic, out var address) || address.SerialNumber != serialNumber) return;
            if (address.Kind is not (MessageKind.Telemetry or MessageKind.State or MessageKind.Event)) return;
            var decoded = ProtocolCodec.Decode(m.Topic, m.Payload.Span);
            channel.Writer.TryWrite(new WatchMessage(m.Topic, address.Kind, _time.GetUtcNow(), decoded.Message, decoded.Error));
        });
        try
        {
            await _link.SubscribeAsync(telemetry, 0, cancellationToken).ConfigureAwait(false);
            await _link.SubscribeAsync(state, 0, cancellationToken).ConfigureAwait(false);
            await _link.SubscribeAsync(events, 1, cancellationToken).ConfigureAwait(false);
            // An idle robot publishes state only every StateMaxInterval (30 s): ask for one now, so
            // a watcher sees the operating mode and order at once rather than half a minute later.
            // In the background: finding an unknown robot's manufacturer must not hold up the stream.
            _ = Task.Run(() => RequestStateAsync(serialNumber, cancellationToken), CancellationToken.None);
            await foreach (var message in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return message;
            }
        }
        finally
        {
            _sinks.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Collect the retained connection messages and factsheets of every robot on the broker for
    /// <paramref name="window"/>, newest information per robot, sorted by manufacturer and serial.
    /// </summary>
    public async Task<IReadOnlyList<RobotListing>> ListRobotsAsync(TimeSpan window, CancellationToken cancellationToken = default)
    {
        var seen = new Dictionary<(string Manufacturer, string Serial), RobotListing>();
        var gate = new Lock();
        var id = AddSink(m =>
        {
            var decoded = ProtocolCodec.Decode(m.Topic, m.Payload.Span);
            if (!decoded.IsSuccess || decoded.Address.Manufacturer is not { } manufacturer) return;
            var key = (manufacturer, decoded.Address.SerialNumber);
            lock (gate)
            {
                seen.TryGetValue(key, out var known);
                known ??= new RobotListing { Manufacturer = key.manufacturer, SerialNumber = key.SerialNumber, LastSeen = DateTimeOffset.MinValue };
                seen[key] = decoded.Message switch
                {
                    Connection c => known with { ConnectionState = c.ConnectionState, LastSeen = Max(known.LastSeen, c.Timestamp) },
                    Factsheet f => known with { SeriesName = f.TypeSpecification.SeriesName, LastSeen = Max(known.LastSeen, f.Timestamp) },
                    _ => known,
                };
            }
        });
        try
        {
            await _link.SubscribeAsync(TopicScheme.AllRobots(MessageKind.Connection), 1, cancellationToken).ConfigureAwait(false);
            await _link.SubscribeAsync(TopicScheme.AllRobots(MessageKind.Factsheet), 1, cancellationToken).ConfigureAwait(false);
            await Task.Delay(window, _time, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sinks.TryRemove(id, out _);
        }
        lock (gate)
        {
            return [.. seen.Values.OrderBy(r => r.Manufacturer, StringComparer.Ordinal).ThenBy(r => r.SerialNumber, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// Publish one dead-man teleop sample (QoS 0) on behalf of <paramref name="operatorId"/>; the web
    /// remote calls it on its own schedule while a joystick is held. False when the link is down.
    /// </summary>
    public Task<bool> PublishTeleopSampleAsync(string serialNumber, double linearMps, double angularRadps, int ttlMs, string operatorId, CancellationToken cancellationToken = default) =>
        PublishTeleopAsync(TopicScheme.Extension(serialNumber, MessageKind.Teleop), linearMps, angularRadps, 0, ttlMs, cancellationToken, operatorId);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_options.OperatorPresenceFor is { } serial && _link.IsConnected)
        {
            try
            {
                await _link.StopAsync(Presence(serial, _options.OperatorId, ConnectionState.Offline, _time.GetUtcNow())).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // See AbandonAsync: a failed stop must not turn a finished command into an error.
            }
        }
        await AbandonAsync(_link).ConfigureAwait(false);
    }

    /// <summary>
    /// Dispose a link we are done with. MqttLink.StopAsync rethrows the connect loop's exception when
    /// the loop was stopped during a failing connect attempt (for example a refused session), which
    /// would replace the real outcome with a stack trace; the link is being thrown away, so ignore it.
    /// </summary>
    private static async Task AbandonAsync(MqttLink link)
    {
        try
        {
            await link.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Nothing useful to do: the process or the session is ending.
        }
    }

    private async Task<bool> PublishTeleopAsync(string topic, double linear, double angular, double lift, int ttlMs, CancellationToken cancellationToken, string? operatorId = null)
    {
        var sample = new TeleopCommand
        {
            CommandId = Guid.NewGuid().ToString(),
            IssuedAt = _time.GetUtcNow(),
            TtlMs = ttlMs,
            LinearMps = linear,
            AngularRadps = angular,
            LiftMps = lift,
            OperatorId = operatorId ?? _options.OperatorId,
        };
        return await _link.PublishAsync(new LinkMessage(topic, ProtocolCodec.Encode(sample), 0), cancellationToken).ConfigureAwait(false);
    }

    private long AddSink(Action<LinkMessage> sink)
    {
        var id = Interlocked.Increment(ref _nextSink);
        _sinks[id] = sink;
        return id;
    }

    private Task OnMessageAsync(LinkMessage message)
    {
        foreach (var sink in _sinks.Values) sink(message);
        return Task.CompletedTask;
    }

    private static LinkMessage Presence(string serialNumber, string operatorId, ConnectionState state, DateTimeOffset now) =>
        new(TopicScheme.Extension(serialNumber, MessageKind.Operator),
            ProtocolCodec.Encode(new OperatorPresence { OperatorId = operatorId, State = state, Timestamp = now }), 1, Retain: true);

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
