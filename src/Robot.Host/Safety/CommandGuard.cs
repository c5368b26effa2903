using Robot.Protocol.Codec;

namespace Robot.Host.Safety;

/// <summary>
/// Refuses commands that are expired, stale (issued too long ago), from the future (beyond the
/// allowed clock skew) or replayed (an id already seen). Ids are remembered for as long as a
/// command with that id could still be accepted, so memory stays bounded.
/// </summary>
public sealed class CommandGuard(TimeProvider time, TimeSpan maxAge, TimeSpan clockSkew, int maxRemembered = 100_000)
{
    private readonly Dictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private readonly Queue<(string Id, DateTimeOffset ForgetAt)> _forgetOrder = new();
    private readonly Lock _gate = new();

    /// <summary>Returns null when the command may run (and remembers its id), or why it may not.</summary>
    public ProtocolError? Admit(string commandId, DateTimeOffset issuedAt, DateTimeOffset? expiresAt)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Forget(now);
            if (expiresAt is { } exp && exp <= now)
            {
                return new ProtocolError(ProtocolErrorCode.ExpiredCommand, $"command {commandId} expired at {exp:O}, robot time is {now:O}", "$.expiresAt");
            }
            if (issuedAt < now - maxAge)
            {
                return new ProtocolError(ProtocolErrorCode.StaleCommand, $"command {commandId} was issued {(now - issuedAt).TotalSeconds:0.###} s ago; the limit is {maxAge.TotalSeconds:0.###} s", "$.issuedAt");
            }
            if (issuedAt > now + clockSkew)
            {
                return new ProtocolError(ProtocolErrorCode.StaleCommand, $"command {commandId} is issued {(issuedAt - now).TotalSeconds:0.###} s in the future; check the sender's clock", "$.issuedAt");
            }
            if (_seen.ContainsKey(commandId))
            {
                return new ProtocolError(ProtocolErrorCode.ReplayedCommand, $"command {commandId} was already received", "$.commandId");
            }
            if (_seen.Count >= maxRemembered)
            {
                return new ProtocolError(ProtocolErrorCode.Busy, "too many commands in the replay window; slow down", "$.commandId");
            }
            // After issuedAt + maxAge the command is stale anyway, so the id can be forgotten then.
            var forgetAt = issuedAt + maxAge + clockSkew;
            _seen[commandId] = forgetAt;
            _forgetOrder.Enqueue((commandId, forgetAt));
            return null;
        }
    }

    public int Remembered
    {
        get { lock (_gate) return _seen.Count; }
    }

    private void Forget(DateTimeOffset now)
    {
        // Issue times are not monotonic across senders, so scan a bounded prefix and re-check.
        var budget = 64;
        while (_forgetOrder.Count > 0 && budget-- > 0 && _forgetOrder.Peek().ForgetAt < now)
        {
            var (id, at) = _forgetOrder.Dequeue();
            if (_seen.TryGetValue(id, out var stored) && stored == at) _seen.Remove(id);
        }
    }
}
