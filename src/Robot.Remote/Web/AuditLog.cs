using System.Text.Json;

namespace Robot.Remote.Web;

/// <summary>One command given through the web remote.</summary>
public sealed record AuditEntry
{
    public required DateTimeOffset At { get; init; }
    public required string User { get; init; }
    public required string Role { get; init; }
    public required string Robot { get; init; }
    public required string Command { get; init; }
    public string? Detail { get; init; }
    /// <summary>
    /// accepted, refused (by the robot), rejected (by the server, before anything was sent), conflict
    /// (another account holds the control lease; nothing was sent), lapsed (a lease ran out), forbidden, failed.
    /// </summary>
    public required string Result { get; init; }
    public string? Message { get; init; }
}

/// <summary>
/// Who commanded what, when, on which robot, and how it ended. Kept in memory (the newest
/// <see cref="Capacity"/>) and, when a path is given, appended to a JSON-lines file.
/// </summary>
public sealed class AuditLog(string? path)
{
    public const int Capacity = 2000;
    private readonly LinkedList<AuditEntry> _entries = new();
    private readonly Lock _gate = new();

    public void Add(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
        {
            _entries.AddFirst(entry);
            if (_entries.Count > Capacity) _entries.RemoveLast();
            if (path is not null) File.AppendAllText(path, JsonSerializer.Serialize(entry, WebJson.Default.AuditEntry) + "\n");
        }
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<AuditEntry> Newest(int limit)
    {
        lock (_gate) return [.. _entries.Take(limit)];
    }
}
