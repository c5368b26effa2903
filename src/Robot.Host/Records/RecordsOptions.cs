using System.ComponentModel.DataAnnotations;
using Robot.Host.Configuration;

namespace Robot.Host.Records;

/// <summary>"Records": where the inspection journal lives and how often unacknowledged reports are re-sent.</summary>
public sealed class RecordsOptions
{
    public const string Section = "Records";
    public const string DefaultDatabasePath = "records/robot-records.db";

    /// <summary>The SQLite record store: absolute, or relative to the host's content root. Its folder is created when missing.</summary>
    [Required]
    public string DatabasePath { get; set; } = DefaultDatabasePath;

    /// <summary>How often reports that no client has acknowledged are published again (they are also sent on every reconnect).</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan ResendInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns the problems with these options (beyond the annotations), each as "Key: reason".</summary>
    public IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(DatabasePath)) yield break; // [Required] already names it
        if (DatabasePath.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || DatabasePath.Contains('\0'))
        {
            yield return "DatabasePath: contains characters a path cannot hold";
        }
        else if (DatabasePath.EndsWith('/') || DatabasePath.EndsWith(Path.DirectorySeparatorChar))
        {
            yield return "DatabasePath: names a folder; give the database file (for example records/robot-records.db)";
        }
    }

    /// <summary>The database file's full path: <see cref="DatabasePath"/> as is when absolute, else under <paramref name="contentRoot"/>.</summary>
    public string ResolvePath(string contentRoot) => Path.GetFullPath(DatabasePath, contentRoot);
}
