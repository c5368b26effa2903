using System.Globalization;

namespace Robot.Remote.Web;

/// <summary>Who holds a robot's control lease, since when, and when their phone was last heard.</summary>
public sealed record ControlLease(string Serial, string User, string Role, DateTimeOffset Since, DateTimeOffset LastSeen);

/// <summary>How a request for the lease ended.</summary>
public enum LeaseOutcome
{
    /// <summary>The lease was free and is now the caller's.</summary>
    Taken,
    /// <summary>The caller already held it (its quiet timer starts again).</summary>
    AlreadyHeld,
    /// <summary>Someone else holds it: nothing changed.</summary>
    HeldByOther,
}

/// <summary>
/// The control leases of the web remote, one per robot. Many phones may watch a robot; only the
/// account holding its lease may drive, lift, send it to a point, inspect, pause, resume or cancel.
/// The emergency stop is never subject to the lease. A lease lapses when its holder has been quiet
/// (no command, no WebSocket message) for <see cref="RemoteWebOptions.LeaseQuiet"/>; it is released
/// explicitly, or taken over by a maintainer. Lapses are noticed on the next look at the lease
/// (every live page looks ten times a second) and audited then. Time comes from the TimeProvider.
/// The lease lives in this server only: the command-line remote and other protocol clients are not
/// subject to it.
/// </summary>
public sealed class ControlLeases(RemoteWebOptions options, TimeProvider time, AuditLog audit)
{
    private readonly Dictionary<string, ControlLease> _leases = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The current holder of <paramref name="serial"/>'s lease, or null when it is free (lapsed leases are dropped and audited).</summary>
    public ControlLease? Current(string serial)
    {
        lock (_gate) return CurrentUnlocked(serial, time.GetUtcNow());
    }

    /// <summary>Take a free lease (or keep one's own). Refuses, changing nothing, when another account holds it.</summary>
    public (LeaseOutcome Outcome, ControlLease Lease) Acquire(string serial, string user, string role)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (CurrentUnlocked(serial, now) is { } held)
            {
                if (held.User != user) return (LeaseOutcome.HeldByOther, held);
                var touched = held with { LastSeen = now };
                _leases[serial] = touched;
                return (LeaseOutcome.AlreadyHeld, touched);
            }
            var lease = new ControlLease(serial, user, role, now, now);
            _leases[serial] = lease;
            return (LeaseOutcome.Taken, lease);
        }
    }

    /// <summary>A maintainer takes the lease whoever holds it; returns the lease and the one it replaced (null when it was free).</summary>
    public (ControlLease Lease, ControlLease? Previous) TakeOver(string serial, string user, string role)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var previous = CurrentUnlocked(serial, now);
            if (previous is not null && previous.User == user)
            {
                var touched = previous with { LastSeen = now };
                _leases[serial] = touched;
                return (touched, null);
            }
            var lease = new ControlLease(serial, user, role, now, now);
            _leases[serial] = lease;
            return (lease, previous);
        }
    }

    /// <summary>Give the lease back. False (nothing changed) when <paramref name="user"/> does not hold it.</summary>
    public bool Release(string serial, string user)
    {
        lock (_gate)
        {
            if (CurrentUnlocked(serial, time.GetUtcNow()) is not { } held || held.User != user) return false;
            _leases.Remove(serial);
            return true;
        }
    }

    /// <summary>The holder's phone is alive (a WebSocket message or a command): its quiet timer starts again. Others' activity changes nothing.</summary>
    public void Touch(string serial, string user)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (CurrentUnlocked(serial, now) is { } held && held.User == user) _leases[serial] = held with { LastSeen = now };
        }
    }

    /// <summary>True when <paramref name="user"/> holds the lease right now.</summary>
    public bool Holds(string serial, string user) => Current(serial)?.User == user;

    /// <summary>"Robot SIM-1 is controlled by officer2 since 10:42" (local time of the server).</summary>
    public string HeldMessage(ControlLease lease)
    {
        ArgumentNullException.ThrowIfNull(lease);
        var local = TimeZoneInfo.ConvertTime(lease.Since, time.LocalTimeZone);
        return $"Robot {lease.Serial} is controlled by {lease.User} since {local.ToString("HH:mm", CultureInfo.InvariantCulture)}";
    }

    private ControlLease? CurrentUnlocked(string serial, DateTimeOffset now)
    {
        if (!_leases.TryGetValue(serial, out var lease)) return null;
        if (now - lease.LastSeen <= options.LeaseQuiet) return lease;
        _leases.Remove(serial);
        audit.Add(new AuditEntry
        {
            At = now,
            User = lease.User,
            Role = lease.Role,
            Robot = serial,
            Command = "leaseLapsed",
            Result = "lapsed",
            Message = $"no activity from {lease.User}'s phone for {options.LeaseQuiet.TotalSeconds:0.#} s: the lease is free",
        });
        return null;
    }
}
