using System.Globalization;
using Microsoft.Data.Sqlite;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;

namespace Robot.Host.Records;

/// <summary>Why a link of the report chain is broken.</summary>
public enum ChainBreakKind
{
    /// <summary>The stored report's content does not hash to its stored hash (content or hash edited).</summary>
    HashMismatch,
    /// <summary>The report does not name the hash of the report filed before it.</summary>
    PreviousHashMismatch,
    /// <summary>A report is missing: sequence numbers skip, or the chain head counts more reports than the store holds.</summary>
    Gap,
    /// <summary>The row's columns (id, inspection, container, verdict, times, previous hash) disagree with the hashed report.</summary>
    RowEdited,
}

/// <summary>The first broken link: the report's sequence number and what is wrong with it.</summary>
public sealed record ChainBreak(long Sequence, ChainBreakKind Kind, string Detail)
{
    public override string ToString() => $"report {Sequence}: {Describe(Kind)}: {Detail}";

    private static string Describe(ChainBreakKind kind) => kind switch
    {
        ChainBreakKind.HashMismatch => "hash mismatch",
        ChainBreakKind.PreviousHashMismatch => "previous-hash mismatch",
        ChainBreakKind.Gap => "gap",
        ChainBreakKind.RowEdited => "row edited",
        _ => kind.ToString(),
    };
}

/// <summary>The outcome of verifying the whole chain: how many reports the store holds, and the first broken link if any.</summary>
public sealed record ChainVerification(bool Ok, long Count, ChainBreak? FirstBreak)
{
    public override string ToString() => Ok ? $"{Count} reports, chain OK" : $"{Count} reports, chain BROKEN at {FirstBreak}";

    /// <summary>Walk every report in sequence order; stop at the first broken link.</summary>
    internal static ChainVerification Verify(SqliteConnection connection)
    {
        using var tx = connection.BeginTransaction(deferred: true); // one consistent snapshot
        long count;
        using (var c = connection.CreateCommand())
        {
            c.Transaction = tx;
            c.CommandText = "SELECT count(*) FROM reports";
            count = Convert.ToInt64(c.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        ChainVerification Broken(long sequence, ChainBreakKind kind, string detail) => new(false, count, new ChainBreak(sequence, kind, detail));

        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            SELECT sequence, report_id, inspection_id, container_number, verdict, finished_at, previous_hash, report_hash, canonical_json
            FROM reports ORDER BY sequence
            """;
        var expectedSequence = 1L;
        var previousHash = JournalSchema.GenesisHash;
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var sequence = r.GetInt64(0);
                if (sequence != expectedSequence)
                {
                    return Broken(expectedSequence, ChainBreakKind.Gap,
                        sequence > expectedSequence ? $"report {expectedSequence} is missing (the next stored report is {sequence})" : $"sequence {sequence} is out of order");
                }
                var storedHash = r.GetString(7);
                var canonical = (byte[])r.GetValue(8);
                var actualHash = ReportSeal.Hash(canonical);
                if (!string.Equals(actualHash, storedHash, StringComparison.Ordinal))
                {
                    return Broken(sequence, ChainBreakKind.HashMismatch, $"its content hashes to {actualHash[..12]}…, the stored hash is {Clip(storedHash)}");
                }
                if (!ProtocolCodec.TryDecode<InspectionReport>(canonical, out var report, out var error))
                {
                    return Broken(sequence, ChainBreakKind.RowEdited, $"the stored report is not a readable report ({error})");
                }
                var edited = EditedColumn(r, report!);
                if (edited is not null) return Broken(sequence, ChainBreakKind.RowEdited, edited);
                if (report!.PreviousReportHash != previousHash)
                {
                    return Broken(sequence, ChainBreakKind.PreviousHashMismatch,
                        $"it names {Clip(report.PreviousReportHash)} as previous, the report before it hashes to {Clip(previousHash)}");
                }
                previousHash = storedHash;
                expectedSequence++;
            }
        }
        // Removing the newest reports leaves a consistent chain; the head, written with each report, still counts them.
        using var head = connection.CreateCommand();
        head.Transaction = tx;
        head.CommandText = "SELECT sequence, report_hash FROM chain_head WHERE id = 1";
        using var h = head.ExecuteReader();
        if (!h.Read()) return Broken(expectedSequence, ChainBreakKind.Gap, "the chain head row is missing");
        var headSequence = h.GetInt64(0);
        if (headSequence != expectedSequence - 1)
        {
            return Broken(expectedSequence, ChainBreakKind.Gap, $"the chain head says {headSequence} reports were filed, the store holds {expectedSequence - 1}");
        }
        if (h.GetString(1) != previousHash)
        {
            return Broken(headSequence, ChainBreakKind.RowEdited, $"the chain head names {Clip(h.GetString(1))} as the newest hash, the newest report's is {Clip(previousHash)}");
        }
        return new ChainVerification(true, count, null);
    }

    private static string? EditedColumn(SqliteDataReader r, InspectionReport report)
    {
        if (report.Sequence != r.GetInt64(0)) return $"the report says sequence {report.Sequence}";
        if (report.ReportId != r.GetString(1)) return $"report_id column is '{Clip(r.GetString(1))}', the report says '{Clip(report.ReportId)}'";
        if (report.InspectionId != r.GetString(2)) return $"inspection_id column is '{Clip(r.GetString(2))}', the report says '{Clip(report.InspectionId)}'";
        if (report.Container.Number != r.GetString(3)) return $"container_number column is '{Clip(r.GetString(3))}', the report says '{Clip(report.Container.Number)}'";
        if (report.Verdict != r.GetString(4)) return $"verdict column is '{Clip(r.GetString(4))}', the report says '{Clip(report.Verdict)}'";
        if (RecordTime.Format(report.FinishedAt) != r.GetString(5)) return $"finished_at column is '{Clip(r.GetString(5))}', the report says '{RecordTime.Format(report.FinishedAt)}'";
        if (report.PreviousReportHash != r.GetString(6)) return "previous_hash column differs from the report's previousReportHash";
        return null;
    }

    private static string Clip(string text) => text.Length <= 16 ? text : text[..12] + "…";
}

/// <summary>Times in the store's columns: UTC with milliseconds, the wire format, so columns and report JSON agree.</summary>
internal static class RecordTime
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Robot.Protocol.Vda5050.UtcMillisecondsConverter.Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
