using System.Globalization;
using Robot.Protocol.Codec;

namespace Robot.Host.Motion;

/// <summary>
/// Admits VDA 5050 order and instantActions messages by their header: the timestamp must lie within
/// [now - maxAge, now + clockSkew], and the message must come after the last one taken on its topic.
/// The robot cannot see who sent a message (MQTT client ids are the broker's), so "after" is judged
/// per topic: a higher headerId than the last taken one, or, for a sender that starts counting again
/// (a restarted fleet manager, a second remote), a strictly newer timestamp. An exact copy of a message
/// already taken (same headerId and timestamp) is refused however it compares, so an interleaving of
/// two senders cannot be used to replay one of them. Not thread-safe: the controller calls it under its lock.
/// </summary>
public sealed class VdaMessageGuard(TimeProvider time, TimeSpan maxAge, TimeSpan clockSkew)
{
    /// <summary>Timestamp older than Motion:MessageMaxAge or further ahead than Motion:MessageClockSkew.</summary>
    public const string StaleMessage = "staleMessage";

    /// <summary>headerId not after the last message taken on the topic (a replay, or delivered out of order).</summary>
    public const string ReplayedMessage = "replayedMessage";

    /// <summary>An actionId already used by the running order's actions or by another action of the same message.</summary>
    public const string DuplicateActionId = "duplicateActionId";

    private readonly Dictionary<string, Topic> _topics = new(StringComparer.Ordinal);

    /// <summary>Null when the message may act; otherwise why not. Remembers nothing (see <see cref="Taken"/>).</summary>
    public ProtocolError? Check(string topic, long headerId, DateTimeOffset timestamp)
    {
        var now = time.GetUtcNow();
        if (timestamp < now - maxAge)
            return new ProtocolError(StaleMessage,
                $"{topic} headerId {headerId} was sent {(now - timestamp).TotalSeconds:0.###} s ago (at {Format(timestamp)}); the limit is {maxAge.TotalSeconds:0.###} s", "$.timestamp");
        if (timestamp > now + clockSkew)
            return new ProtocolError(StaleMessage,
                $"{topic} headerId {headerId} is stamped {(timestamp - now).TotalSeconds:0.###} s in the future (at {Format(timestamp)}); check the sender's clock", "$.timestamp");
        if (!_topics.TryGetValue(topic, out var t)) return null;
        Forget(t, now);
        if (t.Recent.ContainsKey((headerId, timestamp)))
            return new ProtocolError(ReplayedMessage, $"{topic} headerId {headerId} of {Format(timestamp)} was already received", "$.headerId");
        if (headerId <= t.LastHeaderId && timestamp <= t.LastTimestamp)
            return new ProtocolError(ReplayedMessage,
                $"{topic} headerId {headerId} (of {Format(timestamp)}) is not after the last one taken ({t.LastHeaderId} of {Format(t.LastTimestamp)}); "
                + "a sender that starts counting again must send the current time", "$.headerId");
        return null;
    }

    /// <summary>Remember a message that passed <see cref="Check"/>: it moves the topic's mark.</summary>
    public void Taken(string topic, long headerId, DateTimeOffset timestamp)
    {
        if (!_topics.TryGetValue(topic, out var t)) _topics[topic] = t = new Topic();
        t.LastHeaderId = headerId;
        t.LastTimestamp = timestamp;
        // Kept until the message would be stale anyway, so memory is bounded by the message rate.
        t.Recent[(headerId, timestamp)] = timestamp + maxAge;
    }

    /// <summary>The most copies remembered per topic, whatever the message rate.</summary>
    public const int MaxRemembered = 4096;

    /// <summary>How many taken messages are remembered (to refuse their copies), over all topics.</summary>
    public int Remembered => _topics.Values.Sum(t => t.Recent.Count);

    private static void Forget(Topic t, DateTimeOffset now)
    {
        if (t.Recent.Count < 64) return;
        foreach (var key in t.Recent.Where(kv => kv.Value < now).Select(kv => kv.Key).ToList()) t.Recent.Remove(key);
        // A flood inside the window: forget the oldest copies (the topic's mark still refuses them).
        if (t.Recent.Count > MaxRemembered)
            foreach (var key in t.Recent.OrderBy(kv => kv.Value).Take(t.Recent.Count - MaxRemembered).Select(kv => kv.Key).ToList()) t.Recent.Remove(key);
    }

    public static string Format(DateTimeOffset timestamp) => timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private sealed class Topic
    {
        public long LastHeaderId;
        public DateTimeOffset LastTimestamp;
        public readonly Dictionary<(long HeaderId, DateTimeOffset Timestamp), DateTimeOffset> Recent = [];
    }
}
