using Robot.Host.Records;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using static Robot.Host.Tests.Records.RecordSamples;

namespace Robot.Host.Tests.Records;

/// <summary>Reports are signed with the robot's key: whoever can only write the database cannot forge one.</summary>
public class SignedRecordsTests
{
    [Fact]
    public void A_verdict_changed_and_the_whole_chain_rehashed_is_named_by_verify_records()
    {
        using var store = new TempStore();
        using (var journal = Open(store.DbPath, Clock()))
        {
            foreach (var id in new[] { "insp-1", "insp-2", "insp-3" }) journal.FileReport(RunAndDraft(journal, id));
        }
        // The forger turns report 2's PASS into EXCEEDS and re-seals everything after it exactly as the journal does.
        Forgery.ChangeVerdictAndRehash(store, sequence: 2, Verdicts.Exceeds);

        var (code, stdout, _) = Verify("--db", store.DbPath);

        Assert.Equal(1, code);
        Assert.StartsWith($"verify-records: {store.DbPath}: 3 reports, chain BROKEN at report 2: signature invalid", stdout.Trim(), StringComparison.Ordinal);
    }

    internal static (int Code, string Stdout, string Stderr) Verify(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = VerifyRecordsVerb.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>What someone who can write the database file (and knows the code) can do to it.</summary>
internal static class Forgery
{
    /// <summary>
    /// Change one report's verdict, then recompute every hash from there on (canonical bytes,
    /// report_hash, the next report's previousReportHash, the columns and the chain head), as FileReport computes them.
    /// </summary>
    public static void ChangeVerdictAndRehash(TempStore store, long sequence, string verdict)
    {
        using var raw = store.Raw();
        TempStore.Exec(raw, "DROP TRIGGER IF EXISTS reports_are_immutable; DROP TRIGGER IF EXISTS reports_are_never_deleted");
        var rows = new List<InspectionReport>();
        using (var read = raw.CreateCommand())
        {
            read.CommandText = "SELECT canonical_json FROM reports ORDER BY sequence";
            using var r = read.ExecuteReader();
            while (r.Read())
            {
                Assert.True(ProtocolCodec.TryDecode<InspectionReport>((byte[])r.GetValue(0), out var report, out var error), error?.ToString());
                rows.Add(report!);
            }
        }
        var previous = sequence == 1 ? new string('0', 64) : ReportSeal.Hash(rows[(int)sequence - 2]);
        foreach (var report in rows.Where(r => r.Sequence >= sequence))
        {
            var forged = report with { PreviousReportHash = previous, ReportHash = null };
            if (report.Sequence == sequence) forged = forged with { Verdict = verdict, VerdictReason = "forged" };
            var canonical = ReportSeal.CanonicalBytes(forged);
            var hash = ReportSeal.Hash(canonical);
            using var write = raw.CreateCommand();
            write.CommandText = """
                UPDATE reports SET canonical_json = $json, report_hash = $hash, previous_hash = $prev, verdict = $verdict WHERE sequence = $seq;
                UPDATE chain_head SET report_hash = $hash WHERE sequence = $seq;
                """;
            write.Parameters.AddWithValue("$json", canonical);
            write.Parameters.AddWithValue("$hash", hash);
            write.Parameters.AddWithValue("$prev", previous);
            write.Parameters.AddWithValue("$verdict", forged.Verdict);
            write.Parameters.AddWithValue("$seq", report.Sequence);
            write.ExecuteNonQuery();
            previous = hash;
        }
    }
}
