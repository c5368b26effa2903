namespace Robot.Host.Records;

/// <summary>
/// robot-host verify-records [--db PATH] [--config PATH] [--public-key FILE]... [--require-signed]:
/// verifies the whole report chain of a record store (read-only, no migration), every report's
/// signature included, and prints the count and OK, or the first broken link.
/// Exit 0 when the chain is intact, 1 otherwise (broken, bad or unknown-key signature, missing or
/// unreadable store or key, bad arguments; with --require-signed also any unsigned report).
/// Without --db it checks the configured store: Records:DatabasePath of the config file (--config
/// PATH, or ROBOT_CONFIG, which the package's /usr/bin/robot-host sets to /etc/robot-host/appsettings.json),
/// ROBOT_ variables and the command line, relative paths under the program's folder, as the service does.
/// Without --public-key signatures are checked against the robot's own public key: the
/// "…-public.pem" beside the configured Records:SigningKeyFile (by default beside the store).
/// </summary>
public static class VerifyRecordsVerb
{
    public const string Usage = "usage: robot-host verify-records [--db PATH] [--config PATH] [--public-key FILE]... [--require-signed]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? path = null;
        var configArgs = new List<string>();
        var publicKeys = new List<string>();
        var requireSigned = false;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--db" && i + 1 < args.Count && path is null) path = args[++i];
            else if (args[i].StartsWith("--db=", StringComparison.Ordinal) && path is null) path = args[i]["--db=".Length..];
            else if (args[i] == "--config" && i + 1 < args.Count) configArgs.AddRange([args[i], args[++i]]);
            else if (args[i].StartsWith("--config=", StringComparison.Ordinal)) configArgs.Add(args[i]);
            else if (args[i] == "--public-key" && i + 1 < args.Count) publicKeys.Add(args[++i]);
            else if (args[i].StartsWith("--public-key=", StringComparison.Ordinal)) publicKeys.Add(args[i]["--public-key=".Length..]);
            else if (args[i] == "--require-signed") requireSigned = true;
            else
            {
                stderr.WriteLine($"verify-records: unexpected argument '{args[i]}'. {Usage}");
                return 1;
            }
        }
        if (path is { Length: 0 })
        {
            stderr.WriteLine($"verify-records: --db needs a path. {Usage}");
            return 1;
        }
        if (publicKeys.Any(k => k.Length == 0))
        {
            stderr.WriteLine($"verify-records: --public-key needs a file. {Usage}");
            return 1;
        }
        if (path is null && Hosting.HardwareComposition.ConfigFilePath(configArgs) is { } file && !File.Exists(file))
        {
            stderr.WriteLine($"verify-records: the config file {file} does not exist (named by --config or ROBOT_CONFIG); or give the store with --db PATH");
            return 1;
        }
        Microsoft.Extensions.Configuration.IConfiguration config;
        try
        {
            // With --db a missing or unreadable config only costs the configured key path (the defaults remain).
            config = path is not null && Hosting.HardwareComposition.ConfigFilePath(configArgs) is { } named && !File.Exists(named)
                ? new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build()
                : Hosting.HardwareComposition.LoadConfiguration(configArgs);
        }
        catch (InvalidDataException ex)
        {
            stderr.WriteLine($"verify-records: the config cannot be read: {ex.Message.Split('\n')[0].Trim()}");
            return 1;
        }
        var configuredDb = config[$"{RecordsOptions.Section}:{nameof(RecordsOptions.DatabasePath)}"];
        var configuredKey = config[$"{RecordsOptions.Section}:{nameof(RecordsOptions.SigningKeyFile)}"];
        var options = new RecordsOptions
        {
            DatabasePath = string.IsNullOrWhiteSpace(configuredDb) ? RecordsOptions.DefaultDatabasePath : configuredDb,
            SigningKeyFile = string.IsNullOrWhiteSpace(configuredKey) ? RecordsOptions.DefaultSigningKeyFile : configuredKey,
        };
        var full = path is not null ? Path.GetFullPath(path) : options.ResolvePath(AppContext.BaseDirectory);
        string? missingOwnKey = null;
        if (publicKeys.Count == 0)
        {
            // The robot's own public key, where the service wrote it.
            var own = ReportSignature.PublicKeyPathFor(options.ResolveSigningKeyPath(full));
            if (File.Exists(own)) publicKeys.Add(own);
            else missingOwnKey = own;
        }
        try
        {
            using var keys = ReportPublicKeys.Load(publicKeys);
            var result = InspectionJournal.VerifyFile(full, keys);
            stdout.WriteLine($"verify-records: {full}: {result}");
            if (missingOwnKey is not null && result.FirstBreak?.Kind == ChainBreakKind.UnknownKey)
            {
                stderr.WriteLine($"verify-records: there is no public key at {missingOwnKey} (the robot's own, from Records:SigningKeyFile); give the robot's public key with --public-key FILE");
            }
            if (result.Ok && requireSigned && result.Unsigned > 0)
            {
                stderr.WriteLine($"verify-records: {result.Unsigned} reports are unsigned and --require-signed was given");
                return 1;
            }
            return result.Ok ? 0 : 1;
        }
        catch (Exception ex) when (ex is RecordStoreException or ReportSigningKeyException)
        {
            stderr.WriteLine($"verify-records: {ex.Message}");
            return 1;
        }
    }
}
