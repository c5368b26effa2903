namespace Robot.Host.Records;

/// <summary>
/// robot-host verify-records [--db PATH]: verifies the whole report chain of a record store
/// (read-only, no migration) and prints the count and OK, or the first broken link. Exit 0 when
/// the chain is intact, 1 otherwise (broken, missing or unreadable store, bad arguments).
/// Without --db it checks the default store (Records:DatabasePath under the program's folder).
/// </summary>
public static class VerifyRecordsVerb
{
    public const string Usage = "usage: robot-host verify-records [--db PATH]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? path = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--db" && i + 1 < args.Count && path is null) path = args[++i];
            else if (args[i].StartsWith("--db=", StringComparison.Ordinal) && path is null) path = args[i]["--db=".Length..];
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
        var full = path is null ? new RecordsOptions().ResolvePath(AppContext.BaseDirectory) : Path.GetFullPath(path);
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
