namespace Robot.Host.Records;

/// <summary>
/// robot-host verify-records [--db PATH] [--config PATH]: verifies the whole report chain of a
/// record store (read-only, no migration) and prints the count and OK, or the first broken link.
/// Exit 0 when the chain is intact, 1 otherwise (broken, missing or unreadable store, bad arguments).
/// Without --db it checks the configured store: Records:DatabasePath of the config file (--config
/// PATH, or ROBOT_CONFIG, which the package's /usr/bin/robot-host sets to /etc/robot-host/appsettings.json),
/// ROBOT_ variables and the command line, relative paths under the program's folder, as the service does.
/// </summary>
public static class VerifyRecordsVerb
{
    public const string Usage = "usage: robot-host verify-records [--db PATH] [--config PATH]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? path = null;
        var configArgs = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--db" && i + 1 < args.Count && path is null) path = args[++i];
            else if (args[i].StartsWith("--db=", StringComparison.Ordinal) && path is null) path = args[i]["--db=".Length..];
            else if (args[i] == "--config" && i + 1 < args.Count) configArgs.AddRange([args[i], args[++i]]);
            else if (args[i].StartsWith("--config=", StringComparison.Ordinal)) configArgs.Add(args[i]);
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
        string full;
        if (path is not null)
        {
            full = Path.GetFullPath(path);
        }
        else
        {
            if (Hosting.HardwareComposition.ConfigFilePath(configArgs) is { } file && !File.Exists(file))
            {
                stderr.WriteLine($"verify-records: the config file {file} does not exist (named by --config or ROBOT_CONFIG); or give the store with --db PATH");
                return 1;
            }
            var configured = Hosting.HardwareComposition.LoadConfiguration(configArgs)[$"{RecordsOptions.Section}:{nameof(RecordsOptions.DatabasePath)}"];
            full = new RecordsOptions { DatabasePath = string.IsNullOrWhiteSpace(configured) ? RecordsOptions.DefaultDatabasePath : configured }
                .ResolvePath(AppContext.BaseDirectory);
        }
        try
        {
            var result = InspectionJournal.VerifyFile(full);
            stdout.WriteLine($"verify-records: {full}: {result}");
            return result.Ok ? 0 : 1;
        }
        catch (RecordStoreException ex)
        {
            stderr.WriteLine($"verify-records: {ex.Message}");
            return 1;
        }
    }
}
