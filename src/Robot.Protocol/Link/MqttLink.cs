using System.Buffers;
using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Robot.Protocol.Link;

/// <summary>
/// The MQTT 5 link shared by the host, the remote and the simulator. MQTTnet 5 has no managed
/// client, so this owns the reconnect loop: connect, resubscribe everything, and on a drop wait
/// with exponential backoff (on the given TimeProvider) and try again until stopped.
/// </summary>
public sealed class MqttLink : IAsyncDisposable
{
    private readonly MqttLinkOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeProvider _networkTime;
    private readonly ILogger _log;
    private readonly IMqttClient _client;
    private readonly ConcurrentDictionary<string, int> _subscriptions = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<LinkMessage>> _pendingRequests = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly X509Certificate2Collection? _trustedAuthorities;
    private readonly X509Certificate2? _clientCertificate;
    private string? _certificateProblem;
    private LinkMessage? _will;
    private Task? _loop;
    private int _connectCount;
    // Liveness: our own PINGREQ every keep-alive period, busy or idle (see StartLiveness).
    private readonly Lock _livenessGate = new();
    private ITimer? _liveness;
    private Task? _ping;
    private CancellationTokenSource? _pingCancel;
    private volatile bool _unanswered;
    private long _pingsSent, _pingsAnswered;
    private int _maxInboundPayloadBytes = Codec.ProtocolCodec.DefaultMaxPayloadBytes;

    /// <param name="options">How to reach the broker.</param>
    /// <param name="time">The caller's clock: reconnect backoff and request deadlines.</param>
    /// <param name="logger">Where the link logs.</param>
    /// <param name="networkTime">
    /// The clock of the liveness ping: the real clock unless a test steps it. Not the caller's clock,
    /// as for the link's other network deadlines: a simulator's virtual clock runs up to 100 times
    /// fast and a test's fake clock jumps hours at once, and no broker answers a ping in no real time.
    /// </param>
    public MqttLink(MqttLinkOptions options, TimeProvider time, ILogger? logger = null, TimeProvider? networkTime = null)
    {
        var problem = options.Validate();
        if (problem is not null) throw new ArgumentException($"Link: {problem}", nameof(options));
        _options = options;
        _time = time;
        _networkTime = networkTime ?? TimeProvider.System;
        _log = logger ?? NullLogger.Instance;
        _trustedAuthorities = string.IsNullOrWhiteSpace(options.CaCertificateFile) ? null : MqttLinkOptions.LoadCertificateAuthorities(options.CaCertificateFile);
        _clientCertificate = string.IsNullOrWhiteSpace(options.ClientCertificateFile) ? null : options.LoadClientCertificate();
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
        ResponseTopic = Topics.TopicScheme.ResponseTopic(options.ClientId);
    }

    /// <summary>Called for every message on a subscribed topic. Must not throw; exceptions are logged.</summary>
    public Func<LinkMessage, Task>? MessageReceived { get; set; }

    /// <summary>Raised after every (re)connect, after subscriptions are restored, and on every drop.</summary>
    public event Action<bool>? ConnectionChanged;

    public bool IsConnected => _client.IsConnected;
    public string ClientId => _options.ClientId;
    public Uri BrokerUri => _options.BrokerUri;
    /// <summary>This link's MQTT 5 response topic for <see cref="RequestAsync"/>.</summary>
    public string ResponseTopic { get; }
    /// <summary>Why the last connection attempt failed (for example the broker's refusal reason), or null.</summary>
    public string? LastConnectError { get; private set; }

    /// <summary>How many times the link has connected (1 after the first connect).</summary>
    public int ConnectCount => Volatile.Read(ref _connectCount);

    /// <summary>Liveness pings sent (one per keep-alive period while connected, whatever the traffic).</summary>
    public long PingsSent => Interlocked.Read(ref _pingsSent);

    /// <summary>Liveness pings the broker answered.</summary>
    public long PingsAnswered => Interlocked.Read(ref _pingsAnswered);

    /// <summary>
    /// The largest payload copied out of MQTTnet for <see cref="MessageReceived"/>. A longer one is
    /// not copied: the handler gets it with an empty payload and <see cref="LinkMessage.DroppedPayloadLength"/> set.
    /// </summary>
    public int MaxInboundPayloadBytes
    {
        get => Volatile.Read(ref _maxInboundPayloadBytes);
        set => Volatile.Write(ref _maxInboundPayloadBytes, value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "must be positive"));
    }

    /// <summary>Sets the last will, sent by the broker when this link drops without a clean stop.</summary>
    public void SetWill(LinkMessage will)
    {
        if (_loop is not null) throw new InvalidOperationException("set the will before StartAsync");
        _will = will;
    }

    /// <summary>Start the connect loop. Completes when the first connection is made or the token ends.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscriptions.TryAdd(ResponseTopic, 1);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void First(bool up)
        {
            if (up) connected.TrySetResult();
        }
        ConnectionChanged += First;
        _loop = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        try
        {
            await connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ConnectionChanged -= First;
        }
    }

    /// <summary>Start the loop without waiting for the broker (the host runs and keeps trying).</summary>
    public void StartInBackground()
    {
        _subscriptions.TryAdd(ResponseTopic, 1);
        _loop ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
    }

    public async Task SubscribeAsync(string topicFilter, int qos = 1, CancellationToken cancellationToken = default)
    {
        _subscriptions[topicFilter] = qos;
        if (_client.IsConnected)
        {
            try
            {
                // As for publishing: the token ends the wait, never the write (see SendAsync).
                await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(topicFilter, (MqttQualityOfServiceLevel)qos).Build(), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The reconnect loop resubscribes everything after the next connect.
                _log.LogDebug(ex, "subscribe {Topic} deferred to reconnect", topicFilter);
            }
        }
    }

    public async Task UnsubscribeAsync(string topicFilter, CancellationToken cancellationToken = default)
    {
        _subscriptions.TryRemove(topicFilter, out _);
        if (!_client.IsConnected) return;
        try
        {
            await _client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(topicFilter).Build(), CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _log.LogDebug(ex, "unsubscribe {Topic} failed; it is gone after the next reconnect", topicFilter);
        }
    }

    /// <summary>
    /// Publish; returns false when the link is down (nothing is queued: callers own their retries).
    /// The token ends the wait, not the send: see <see cref="SendAsync"/>.
    /// </summary>
    public async Task<bool> PublishAsync(LinkMessage message, CancellationToken cancellationToken = default)
    {
        if (!_client.IsConnected) return false;
        try
        {
            var result = await SendAsync(message, cancellationToken).ConfigureAwait(false);
            return result.IsSuccess;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _log.LogDebug(ex, "publish to {Topic} failed", message.Topic);
            return false;
        }
    }

    /// <summary>
    /// Hand one message to MQTTnet and wait for it (the PUBACK at QoS 1) until the token ends. The
    /// caller's token never cancels the send: a write cut off half way leaves the stream (TLS above
    /// all) unusable and MQTTnet drops the connection, so a host cancelling its periodic publish at
    /// shutdown lost the connection just before its OFFLINE farewell. MQTTnet bounds no publish by
    /// itself, so each send gets its own bound, Link:ConnectTimeout: a send nobody waits for still ends
    /// (cutting a write that has not gone out in that long is the lesser harm on a link that sick).
    /// </summary>
    private Task<MqttClientPublishResult> SendAsync(LinkMessage message, CancellationToken cancellationToken, TimeSpan? bound = null)
    {
        var limit = new CancellationTokenSource(bound ?? _options.ConnectTimeout, TimeProvider.System);
        var send = _client.PublishAsync(Build(message), limit.Token);
        // Disposes the limit, and observes a failure nobody waits for any more.
        _ = send.ContinueWith(static (t, l) => { ((CancellationTokenSource)l!).Dispose(); _ = t.Exception; }, limit,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return cancellationToken.CanBeCanceled ? send.WaitAsync(cancellationToken) : send;
    }

    /// <summary>MQTT 5 request/response: publish with our response topic and a fresh correlation id, await the answer.</summary>
    public async Task<LinkMessage> RequestAsync(string topic, ReadOnlyMemory<byte> payload, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var correlation = Guid.NewGuid().ToByteArray();
        var key = Convert.ToHexString(correlation);
        var tcs = new TaskCompletionSource<LinkMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingRequests[key] = tcs;
        try
        {
            // One deadline for sending and answering, so a slow send is reported as "no answer", not "not connected".
            var deadline = tcs.Task.WaitAsync(timeout, _time, cancellationToken);
            if (!IsConnected) throw new MqttLinkException(LinkFailure.NotConnected, $"not connected to {_options.BrokerUri}");
            var sending = PublishAsync(new LinkMessage(topic, payload, 1) { ResponseTopic = ResponseTopic, CorrelationData = correlation }, cancellationToken);
            // The deadline bounds the send too: a send still going when it passes is "no answer".
            if (await Task.WhenAny(sending, deadline).ConfigureAwait(false) == sending && !await sending.ConfigureAwait(false) && !IsConnected)
                throw new MqttLinkException(LinkFailure.NotConnected, $"connection to {_options.BrokerUri} lost while sending");
            return await deadline.ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new MqttLinkException(LinkFailure.NoAnswer, $"no answer on {topic} within {timeout.TotalSeconds:0.#} s");
        }
        finally
        {
            _pendingRequests.TryRemove(key, out _);
        }
    }

    /// <summary>
    /// Clean stop: publish the farewell (for example connection OFFLINE), then disconnect normally so
    /// no will is sent. The goodbye gets its own few seconds even when the caller's token is already
    /// cancelled (a host stopping under load): a cancelled goodbye would drop the socket and make the
    /// broker announce the robot as CONNECTIONBROKEN. True when the broker acknowledged the farewell
    /// and the disconnect went out; false when it was not connected or the goodbye failed or timed out.
    /// </summary>
    public async Task<bool> StopAsync(LinkMessage? farewell = null, CancellationToken cancellationToken = default)
    {
        if (_stop.IsCancellationRequested) return false; // already stopped: keep the first stop's reason
        _stop.Cancel();
        _wake.Release();
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        StopLiveness();
        if (!_client.IsConnected)
        {
            LastStopProblem = "not connected when stopping";
            return false;
        }
        // A network deadline, so on the real clock: a simulator's fast virtual clock must not cut it short.
        var started = TimeProvider.System.GetTimestamp();
        using var goodbye = new CancellationTokenSource(FarewellTimeout, TimeProvider.System);
        var said = true;
        if (farewell is not null)
        {
            try
            {
                var result = await SendAsync(farewell, goodbye.Token, FarewellTimeout).ConfigureAwait(false);
                said = result.IsSuccess;
                if (!said) LastStopProblem = $"the broker refused the farewell: {result.ReasonCode} {result.ReasonString}";
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                said = false;
                LastStopProblem = goodbye.IsCancellationRequested
                    ? $"the farewell was not acknowledged within {FarewellTimeout.TotalSeconds:0.#} s"
                    : $"the farewell failed after {TimeProvider.System.GetElapsedTime(started).TotalMilliseconds:0} ms: {Describe(ex)}";
            }
        }
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.NormalDisconnection }, goodbye.Token).ConfigureAwait(false);
            return said;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LastStopProblem ??= $"the disconnect failed: {Describe(ex)}";
            _log.LogDebug(ex, "disconnect failed");
            return false;
        }
    }

    /// <summary>Why the last <see cref="StopAsync"/> returned false (for the caller's log), or null.</summary>
    public string? LastStopProblem { get; private set; }

    /// <summary>
    /// How long a clean stop may take to say goodbye: long enough for a broker on a loaded machine
    /// (a CI run once missed 5 s), well inside systemd's TimeoutStopSec (20 s in the unit).
    /// </summary>
    public static readonly TimeSpan FarewellTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Drop the connection as a crash would: the socket closes without an MQTT DISCONNECT, so the
    /// broker publishes the will. The link cannot be used afterwards. For tests and failure drills.
    /// </summary>
    public async Task AbortAsync()
    {
        _stop.Cancel();
        _wake.Release();
        if (_loop is not null)
        {
            try { await _loop.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        StopLiveness();
        // Disposing the client closes the transport without sending DISCONNECT.
        _client.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _client.Dispose();
        _stop.Dispose();
        if (_trustedAuthorities is { } roots) foreach (var root in roots) root.Dispose();
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var delay = _options.MinReconnectDelay;
        while (!stop.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                StopLiveness();
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    timeout.CancelAfter(_options.ConnectTimeout);
                    await _client.ConnectAsync(BuildOptions(), timeout.Token).ConfigureAwait(false);
                    foreach (var (filter, qos) in _subscriptions)
                    {
                        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                            .WithTopicFilter(filter, (MqttQualityOfServiceLevel)qos).Build(), CancellationToken.None).WaitAsync(stop).ConfigureAwait(false);
                    }
                    delay = _options.MinReconnectDelay;
                    // Before announcing the connection, so the first check is one period after it.
                    StartLiveness();
                    Interlocked.Increment(ref _connectCount);
                    _log.LogInformation("connected to {Broker} as {ClientId}", _options.BrokerUri, _options.ClientId);
                    RaiseConnectionChanged(true);
                }
                catch (Exception) when (stop.IsCancellationRequested)
                {
                    return; // stopped while connecting: whatever the attempt threw no longer matters
                }
                catch (Exception ex)
                {
                    LastConnectError = _certificateProblem is { } bad ? $"the broker's certificate is not trusted: {bad}" : Describe(ex);
                    _certificateProblem = null;
                    _log.LogWarning("cannot reach broker {Broker}: {Reason}; retrying in {Delay} ms", _options.BrokerUri, LastConnectError, (int)delay.TotalMilliseconds);
                    try { await Task.Delay(delay, _time, stop).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                    continue;
                }
            }
            // Connected: sleep until a drop or an unanswered ping wakes us (or a slow periodic check, in case an event was missed).
            try { await _wake.WaitAsync(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
            if (_unanswered && !stop.IsCancellationRequested) await DropSilentConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// MQTTnet pings only a link that has sent nothing for a keep-alive period, so a busy link to a
    /// frozen broker (SIGSTOP, a dead NAT entry) went unnoticed for minutes while its writes piled up
    /// in socket buffers. So every keep-alive period, busy or idle, the link sends its own PINGREQ; a
    /// ping still unanswered one period later means the broker is gone, found within two periods.
    /// On the network clock (see the constructor), so tests can step it.
    /// </summary>
    private void StartLiveness()
    {
        lock (_livenessGate)
        {
            _liveness?.Dispose();
            _pingCancel?.Cancel();
            _pingCancel?.Dispose();
            _pingCancel = new CancellationTokenSource();
            _ping = null;
            _unanswered = false;
            _liveness = _networkTime.CreateTimer(static l => ((MqttLink)l!).OnLivenessTick(), this, _options.KeepAlive, _options.KeepAlive);
        }
    }

    private void StopLiveness()
    {
        lock (_livenessGate)
        {
            _liveness?.Dispose();
            _liveness = null;
            _pingCancel?.Cancel();
            _pingCancel?.Dispose();
            _pingCancel = null;
            _ping = null;
            _unanswered = false;
        }
    }

    private void OnLivenessTick()
    {
        lock (_livenessGate)
        {
            if (_liveness is null || _pingCancel is null || _unanswered) return;
            if (_ping is { IsCompletedSuccessfully: false })
            {
                // Sent a whole period ago and still no PINGRESP (or it failed): the run loop drops the connection.
                _unanswered = true;
                _wake.Release();
                return;
            }
            Interlocked.Increment(ref _pingsSent);
            var token = _pingCancel.Token;
            // Off the timer's thread: the send may wait on a full socket.
            var ping = Task.Run(() => _client.PingAsync(token), token);
            _ = ping.ContinueWith(static (t, l) =>
            {
                if (t.IsCompletedSuccessfully) Interlocked.Increment(ref ((MqttLink)l!)._pingsAnswered);
                else _ = t.Exception; // observed: a failed ping is judged at the next tick
            }, this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            _ping = ping;
        }
    }

    /// <summary>The broker did not answer a ping within a keep-alive period: treat it as a dropped connection.</summary>
    private async Task DropSilentConnectionAsync()
    {
        StopLiveness();
        if (!_client.IsConnected) return;
        _log.LogWarning("broker {Broker} did not answer a ping within {KeepAlive} s: dropping the connection", _options.BrokerUri, _options.KeepAlive.TotalSeconds);
        try
        {
            // An already cancelled token: no DISCONNECT is written to a broker that reads nothing (the
            // socket just closes, so a live broker sends our will); MQTTnet then closes the transport and
            // raises Disconnected as for any drop, and the run loop reconnects.
            await _client.DisconnectAsync(new MqttClientDisconnectOptions { Reason = MqttClientDisconnectOptionsReason.UnspecifiedError }, new CancellationToken(true)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _log.LogDebug(ex, "closing the silent connection");
        }
    }

    /// <summary>
    /// The broker's certificate: with Link:CaCertificateFile its chain must end at that CA and only
    /// there (revocation is not checked: a port CA seldom publishes lists the robot could reach);
    /// otherwise the system's roots decide. The name must match in both cases. Records why it failed,
    /// so the log says more than "rejected".
    /// </summary>
    private bool ValidateBrokerCertificate(MqttClientCertificateValidationEventArgs e)
    {
        if (_options.AllowUntrustedCertificates) return true;
        var errors = e.SslPolicyErrors;
        string? chainProblem = null;
        if (_trustedAuthorities is { } roots && e.Certificate is { } presented)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            // As SslStream's own check: the certificate must be for a TLS server.
            chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.1"));
            // Intermediates the broker sent along.
            if (e.Chain is { } sent) foreach (var element in sent.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            errors &= ~SslPolicyErrors.RemoteCertificateChainErrors;
            if (!chain.Build(certificate))
            {
                errors |= SslPolicyErrors.RemoteCertificateChainErrors;
                chainProblem = $"its chain does not end at the CA in {_options.CaCertificateFile} ({string.Join(", ", chain.ChainStatus.Select(c => c.Status))})";
            }
        }
        if (errors == SslPolicyErrors.None) return true;
        var problems = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable)) problems.Add("the broker sent none");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
            problems.Add($"it is for {e.Certificate?.Subject ?? "another name"}, not {_options.BrokerUri.Host}");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
            problems.Add(chainProblem ?? $"no trusted root of this system signed it ({string.Join(", ", e.Chain?.ChainStatus.Select(c => c.Status) ?? [])}; set Link:CaCertificateFile to the port's CA)");
        _certificateProblem = string.Join("; ", problems);
        return false;
    }

    private static string Describe(Exception ex) => ex switch
    {
        MQTTnet.Adapter.MqttConnectingFailedException => $"the broker refused the session: {ex.Message}",
        _ when ex.InnerException is { } inner => $"{ex.Message} ({inner.Message})",
        _ => ex.Message,
    };

    private MqttClientOptions BuildOptions()
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.BrokerUri.Host, _options.Port)
            .WithClientId(_options.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(_options.ConnectTimeout);
        if (_options.Username is not null) builder = builder.WithCredentials(_options.Username, _options.Password ?? string.Empty);
        if (_options.UseTls)
        {
            builder = builder.WithTlsOptions(tls =>
            {
                tls.UseTls();
                tls.WithCertificateValidationHandler(ValidateBrokerCertificate);
                if (_clientCertificate is { } mine) tls.WithClientCertificates([mine]);
            });
        }
        if (_will is { } will)
        {
            builder = builder.WithWillTopic(will.Topic).WithWillPayload(will.Payload.ToArray())
                .WithWillQualityOfServiceLevel((MqttQualityOfServiceLevel)will.QualityOfService).WithWillRetain(will.Retain);
        }
        var options = builder.Build();
        // No Nagle: a teleop sample or a command must not wait behind telemetry for the previous segment's ACK.
        if (options.ChannelOptions is MqttClientTcpOptions tcp) tcp.NoDelay = true;
        return options;
    }

    private static MqttApplicationMessage Build(LinkMessage message)
    {
        var builder = new MqttApplicationMessageBuilder()
            .WithTopic(message.Topic)
            .WithPayload(message.Payload.ToArray())
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)message.QualityOfService)
            .WithRetainFlag(message.Retain);
        if (message.ResponseTopic is not null) builder = builder.WithResponseTopic(message.ResponseTopic);
        if (!message.CorrelationData.IsEmpty) builder = builder.WithCorrelationData(message.CorrelationData.ToArray());
        return builder.Build();
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        var m = e.ApplicationMessage;
        // The size is checked before the copy: an oversized payload is never copied, only reported.
        var length = m.Payload.Length;
        var tooLarge = length > MaxInboundPayloadBytes;
        var message = new LinkMessage(m.Topic, tooLarge ? ReadOnlyMemory<byte>.Empty : m.Payload.ToArray(), (int)m.QualityOfServiceLevel, m.Retain)
        {
            ResponseTopic = m.ResponseTopic,
            CorrelationData = m.CorrelationData ?? ReadOnlyMemory<byte>.Empty,
            DroppedPayloadLength = tooLarge ? length : 0,
        };
        if (m.Topic == ResponseTopic)
        {
            if (m.CorrelationData is { Length: > 0 } corr && _pendingRequests.TryGetValue(Convert.ToHexString(corr), out var tcs))
            {
                tcs.TrySetResult(message);
            }
            return;
        }
        var handler = MessageReceived;
        if (handler is null) return;
        try
        {
            await handler(message).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A handler bug must never take the link down: log it and carry on.
            _log.LogError(ex, "message handler failed on {Topic}", m.Topic);
        }
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (e.ClientWasConnected)
        {
            if (_stop.IsCancellationRequested) _log.LogDebug("link to {Broker} closed", _options.BrokerUri);
            else _log.LogWarning("link to {Broker} lost: {Reason}", _options.BrokerUri, e.Reason);
            RaiseConnectionChanged(false);
        }
        _wake.Release();
        return Task.CompletedTask;
    }

    private void RaiseConnectionChanged(bool up)
    {
        try
        {
            ConnectionChanged?.Invoke(up);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "connection handler failed");
        }
    }
}

public enum LinkFailure
{
    NotConnected,
    NoAnswer,
}

public sealed class MqttLinkException(LinkFailure failure, string message) : Exception(message)
{
    public LinkFailure Failure { get; } = failure;
}
