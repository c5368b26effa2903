using System.ComponentModel.DataAnnotations;
using Robot.Host.Configuration;

namespace Robot.Host.Records;

/// <summary>"Records": where the inspection journal and its signing key live and how often unacknowledged reports are re-sent.</summary>
public sealed class RecordsOptions
{
    public const string Section = "Records";
    public const string DefaultDatabasePath = "records/robot-records.db";

    /// <summary>The SQLite record store: absolute, or relative to the host's content root. Its folder is created when missing.</summary>
    [Required]
    public string DatabasePath { get; set; } = DefaultDatabasePath;

    /// <summary>
    /// The robot's report signing key (PEM PKCS#8, ECDSA P-256): absolute, or relative to the
    /// record store's folder. Created on first start when missing (mode 0600, with
    /// "…-public.pem" beside it, 0644, for whoever verifies); a key file readable by group or
    /// others is refused. The package sets /etc/robot-host/records-signing-key.pem.
    /// </summary>
    [Required]
    public string SigningKeyFile { get; set; } = DefaultSigningKeyFile;

    public const string DefaultSigningKeyFile = "records-signing-key.pem";

    /// <summary>How often reports that no client has acknowledged are published again (they are also sent on every reconnect).</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan ResendInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Returns the problems with these options (beyond the annotations), each as "Key: reason".</summary>
    public IEnumerable<string> Problems() =>
        FileProblems(nameof(DatabasePath), DatabasePath, "records/robot-records.db")
            .Concat(FileProblems(nameof(SigningKeyFile), SigningKeyFile, "/etc/robot-host/records-signing-key.pem"));

    private static IEnumerable<string> FileProblems(string key, string value, string example)
    {
        if (string.IsNullOrWhiteSpace(value)) yield break; // [Required] already names it
        if (value.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || value.Contains('\0'))
        {
            yield return $"{key}: contains characters a path cannot hold";
        }
        else if (value.EndsWith('/') || value.EndsWith(Path.DirectorySeparatorChar))
        {
            yield return $"{key}: names a folder; give the file (for example {example})";
        }
    }

    /// <summary>The database file's full path: <see cref="DatabasePath"/> as is when absolute, else under <paramref name="contentRoot"/>.</summary>
    public string ResolvePath(string contentRoot) => Path.GetFullPath(DatabasePath, contentRoot);

    /// <summary>
    /// The signing key file's full path: <see cref="SigningKeyFile"/> as is when absolute, else in the
    /// folder of the database at <paramref name="databasePath"/> (so a store and its default key
    /// travel together, and an older config without the key still starts in a writable place).
    /// </summary>
    public string ResolveSigningKeyPath(string databasePath) =>
        Path.GetFullPath(SigningKeyFile, Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
}
