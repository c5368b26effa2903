using System.Collections.Concurrent;
using System.Text;
using Robot.Protocol.Codec;
using Robot.Protocol.Link;

namespace Robot.SystemTests.Support;

/// <summary>
/// A plain MQTT client for tests: subscribes to everything of one robot, keeps every message, and
/// lets a test await a message that satisfies a condition (waiting on arrival, never sleeping).
/// </summary>
public sealed class ProtocolProbe : IAsyncDisposable
{
    private readonly ConcurrentQueue<LinkMessage> _all = new();
    private long _count;
    private readonly List<(Func<LinkMessage, bool> Match, TaskCompletionSource<LinkMessage> Done)> _waiters = [];
    private readonly Lock _gate = new();

    private ProtocolProbe(MqttLink link) => Link = link;

    public MqttLink Link { get; }
    public IReadOnlyCollection<LinkMessage> All => _all;

    public static async Task<ProtocolProbe> ConnectAsync(Uri broker, string serial, TimeProvider time, string? clientId = null, string? username = null, string? password = null)
    {
        var link = new MqttLink(new MqttLinkOptions { BrokerUri = broker, ClientId = clientId ?? "probe-" + Guid.NewGuid().ToString("N")[..8], Username = username, Password = password }, time);
        var probe = new ProtocolProbe(link);
        link.MessageReceived = probe.OnMessage;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await link.StartAsync(timeout.Token);
        await link.SubscribeAsync($"uagv/v2/+/{serial}/#", 1);
        await link.SubscribeAsync($"robot/v1/{serial}/#", 1);
        return probe;
    }

    private Task OnMessage(LinkMessage m)
    {
        lock (_gate)
        {
            _all.Enqueue(m);
            _count++;
            foreach (var (match, done) in _waiters.ToList())
            {
                if (match(m))
                {
                    done.TrySetResult(m);
                    _waiters.RemoveAll(w => w.Done == done);
                }
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>A mark in the message history: pass it to WaitForAsync to consider only what came after.</summary>
    public long Mark()
    {
        lock (_gate) return _count;
    }

    /// <summary>Wait for a message on a topic ending with <paramref name="topicSuffix"/> that decodes to T and matches.</summary>
    public async Task<T> WaitForAsync<T>(string topicSuffix, Func<T, bool>? match = null, TimeSpan? timeout = null, bool includePast = true, long? after = null) where T : class
    {
        bool Matches(LinkMessage m)
        {
            if (!m.Topic.EndsWith(topicSuffix, StringComparison.Ordinal)) return false;
            return ProtocolCodec.TryDecode<T>(m.Payload.Span, out var value, out _) && (match?.Invoke(value!) ?? true);
        }

        var tcs = new TaskCompletionSource<LinkMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var past = after is { } mark ? _all.Skip((int)mark).FirstOrDefault(Matches)
                : includePast ? _all.LastOrDefault(Matches) : null;
            if (past is not null) tcs.TrySetResult(past);
            else _waiters.Add((Matches, tcs));
        }
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var winner = await Task.WhenAny(tcs.Task, Task.Delay(limit, TimeProvider.System));
        if (winner != tcs.Task)
        {
            lock (_gate) _waiters.RemoveAll(w => w.Done == tcs);
            var seen = string.Join("\n", _all.Where(m => m.Topic.EndsWith(topicSuffix, StringComparison.Ordinal)).TakeLast(3).Select(m => Encoding.UTF8.GetString(m.Payload.Span)));
            throw new TimeoutException($"no matching message on *{topicSuffix} within {limit.TotalSeconds} s. Last seen:\n{seen}");
        }
        ProtocolCodec.TryDecode<T>(tcs.Task.Result.Payload.Span, out var result, out _);
        return result!;
    }

    public Task PublishAsync(string topic, string payload, int qos = 1) =>
        Link.PublishAsync(new LinkMessage(topic, Encoding.UTF8.GetBytes(payload), qos));

    public Task PublishAsync(string topic, byte[] payload, int qos = 1) =>
        Link.PublishAsync(new LinkMessage(topic, payload, qos));

    public async ValueTask DisposeAsync() => await Link.DisposeAsync();
}
