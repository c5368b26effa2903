namespace Robot.Host.Records;

/// <summary>
/// robot-host records-key [--key PATH] [--config PATH]: creates the report signing key when it is
/// missing (as the service does on first start) or checks the one there, and prints its key id and
/// both files. For the package's postinst, which makes /etc/robot-host/records-signing-key.pem as
/// root because the service cannot write /etc (ProtectSystem=strict), and for rotation (docs/records.md).
/// Without --key: Records:SigningKeyFile of the config (relative to the configured store's folder).
/// Exit 0 with the key in place, 1 otherwise (unsafe permissions, unreadable, bad arguments).
/// </summary>
public static class RecordsKeyVerb
{
    public const string Usage = "usage: robot-host records-key [--key PATH] [--config PATH]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? key = null;
        var configArgs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--key" && i + 1 < args.Count && key is null) key = args[++i];
            else if (args[i].StartsWith("--key=", StringComparison.Ordinal) && key is null) key = args[i]["--key=".Length..];
            else if (args[i] == "--config" && i + 1 < args.Count) configArgs.AddRange([args[i], args[++i]]);
            else if (args[i].StartsWith("--config=", StringComparison.Ordinal)) configArgs.Add(args[i]);
            else
            {
                stderr.WriteLine($"records-key: unexpected argument '{args[i]}'. {Usage}");
                return 1;
            }
        }
        if (key is { Length: 0 })
        {
            stderr.WriteLine($"records-key: --key needs a path. {Usage}");
            return 1;
        }
        if (key is null)
        {
            if (Hosting.HardwareComposition.ConfigFilePath(configArgs) is { } file && !File.Exists(file))
            {
                stderr.WriteLine($"records-key: the config file {file} does not exist (named by --config or ROBOT_CONFIG); or give the key with --key PATH");
                return 1;
            }
            var config = Hosting.HardwareComposition.LoadConfiguration(configArgs);
            var db = config[$"{RecordsOptions.Section}:{nameof(RecordsOptions.DatabasePath)}"];
            var configured = config[$"{RecordsOptions.Section}:{nameof(RecordsOptions.SigningKeyFile)}"];
            var options = new RecordsOptions
            {
                DatabasePath = string.IsNullOrWhiteSpace(db) ? RecordsOptions.DefaultDatabasePath : db,
                SigningKeyFile = string.IsNullOrWhiteSpace(configured) ? RecordsOptions.DefaultSigningKeyFile : configured,
            };
            key = options.ResolveSigningKeyPath(options.ResolvePath(AppContext.BaseDirectory));
        }
        try
        {
            using var signingKey = ReportSigningKey.LoadOrCreate(key);
            stdout.WriteLine($"records-key: key id {signingKey.KeyId}: private key {signingKey.Path}, public key {signingKey.PublicKeyPath}");
            return 0;
        }
        catch (ReportSigningKeyException ex)
        {
            stderr.WriteLine($"records-key: {ex.Message}");
            return 1;
        }
    }
}
