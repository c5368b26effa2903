using Microsoft.Data.Sqlite;
using Robot.Host.Records;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using static Robot.Host.Tests.Records.RecordSamples;

namespace Robot.Host.Tests.Records;

/// <summary>Filed reports are immutable and chained by hash; any edit names the first broken link.</summary>
public class ReportChainTests
{
    private static List<InspectionReport> FileThree(InspectionJournal journal) =>
        new[] { "insp-a", "insp-b", "insp-c" }.Select(id => journal.FileReport(RunAndDraft(journal, id))).ToList();

    [Fact]
    public void Filing_assigns_sequence_previous_hash_and_hash_of_the_canonical_json()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        var reports = FileThree(journal);

        Assert.Equal([1L, 2L, 3L], reports.Select(r => r.Sequence));
        Assert.Equal(new string('0', 64), reports[0].PreviousReportHash);
        Assert.Equal(reports[0].ReportHash, reports[1].PreviousReportHash);
        Assert.Equal(reports[1].ReportHash, reports[2].PreviousReportHash);
        Assert.Equal(3, reports.Select(r => r.ReportHash).Distinct().Count());
        foreach (var r in reports)
        {
            // The contract: SHA-256 hex of the codec's JSON with reportHash (and the signature over the same bytes) left out, checkable by anyone from the wire form.
            var wire = ProtocolCodec.Encode(r);
            Assert.True(ProtocolCodec.TryDecode<InspectionReport>(wire, out var received, out _));
            Assert.NotNull(received!.Signature);
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
                ProtocolCodec.Encode(received with { ReportHash = null, Signature = null, SigningKeyId = null }))), r.ReportHash);
            Assert.Equal(ProtocolCodec.EncodeToString(r), ProtocolCodec.EncodeToString(journal.GetReport(r.ReportId)!));
        }
        var ok = journal.VerifyChain();
        Assert.True(ok.Ok, ok.ToString());
        Assert.Equal(3, ok.Count);
        Assert.Null(ok.FirstBreak);
        Assert.Equal(["rpt-insp-a", "rpt-insp-b", "rpt-insp-c"], journal.ListReports().Select(s => s.ReportId));
        Assert.Equal(["rpt-insp-c"], journal.ListReports(afterSequence: 2).Select(s => s.ReportId));
    }

    [Fact]
    public void An_empty_store_verifies_with_zero_reports()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        Assert.Equal(new ChainVerification(true, 0, null), journal.VerifyChain());
    }

    [Fact]
    public void Editing_a_stored_report_is_a_hash_mismatch_at_that_report()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        var reports = FileThree(journal);
        var forged = ProtocolCodec.Encode(reports[1] with { Verdict = Verdicts.Exceeds, ReportHash = null });
        Tamper(store, "UPDATE reports SET canonical_json = $v WHERE sequence = 2", forged);

        var result = journal.VerifyChain();
        Assert.False(result.Ok);
        Assert.Equal(new ChainBreak(2, ChainBreakKind.HashMismatch, result.FirstBreak!.Detail), result.FirstBreak);
    }

    [Fact]
    public void Rehashing_an_edited_report_breaks_the_next_link()
    {
        using var store = new TempStore();
        // Unsigned, to see the hash chain alone (signed, report 1's signature is the first to fail: SignedRecordsTests).
        using var journal = OpenUnsigned(store.DbPath, Clock());
        var reports = FileThree(journal);
        // A careful forger edits report 1 and stores its new hash too: report 2 still names the old one.
        var forged = reports[0] with { VerdictReason = "nothing to see", ReportHash = null };
        var bytes = ProtocolCodec.Encode(forged);
        Tamper(store, "UPDATE reports SET canonical_json = $v, report_hash = '" + ReportSeal.Hash(bytes) + "' WHERE sequence = 1", bytes);

        var result = journal.VerifyChain();
        Assert.Equal(2, result.FirstBreak!.Sequence);
        Assert.Equal(ChainBreakKind.PreviousHashMismatch, result.FirstBreak.Kind);
    }

    [Fact]
    public void Editing_only_the_stored_hash_is_a_hash_mismatch()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        FileThree(journal);
        Tamper(store, "UPDATE reports SET report_hash = $v WHERE sequence = 3", new string('a', 64));
        var result = journal.VerifyChain();
        Assert.Equal((3L, ChainBreakKind.HashMismatch), (result.FirstBreak!.Sequence, result.FirstBreak.Kind));
    }

    [Fact]
    public void Editing_an_indexed_column_is_a_row_edit()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        FileThree(journal);
        Tamper(store, "UPDATE reports SET verdict = $v WHERE sequence = 2", Verdicts.Invalid);
        var result = journal.VerifyChain();
        Assert.Equal((2L, ChainBreakKind.RowEdited), (result.FirstBreak!.Sequence, result.FirstBreak.Kind));
        Assert.Contains("verdict", result.FirstBreak.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_a_report_is_a_gap_and_deleting_the_newest_is_caught_by_the_head()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        FileThree(journal);
        Tamper(store, "DELETE FROM reports WHERE sequence = $v", 2L);
        var middle = journal.VerifyChain();
        Assert.Equal((2L, ChainBreakKind.Gap), (middle.FirstBreak!.Sequence, middle.FirstBreak.Kind));
        Assert.Equal(2, middle.Count);

        Tamper(store, "DELETE FROM reports WHERE sequence = $v", 3L);
        var newest = journal.VerifyChain();
        Assert.Equal((2L, ChainBreakKind.Gap), (newest.FirstBreak!.Sequence, newest.FirstBreak.Kind));
        Assert.Contains("chain head says 3", newest.FirstBreak.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Filed_reports_cannot_be_rewritten_through_the_API_nor_by_plain_SQL()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        var draft = RunAndDraft(journal, "insp-x");
        var filed = journal.FileReport(draft);

        Assert.Throws<InvalidOperationException>(() => journal.FileReport(draft with { Verdict = Verdicts.Invalid }));
        Assert.Throws<InvalidOperationException>(() => journal.AppendPoint("insp-x", draft.Points[0]));
        Assert.Throws<InvalidOperationException>(() => journal.AppendBackground("insp-x", draft.Background!));
        Assert.Throws<InvalidOperationException>(() => journal.SetPlannedPoints("insp-x", 9));
        // Another inspection cannot reuse the report id either.
        Assert.Throws<InvalidOperationException>(() => journal.FileReport(RunAndDraft(journal, "insp-z") with { ReportId = filed.ReportId }));
        Assert.Equal(AckOutcome.Acknowledged, journal.Acknowledge(filed.ReportId, filed.ReportHash!, "fleet", T0));

        using (var raw = store.Raw())
        {
            var update = Assert.Throws<SqliteException>(() => TempStore.Exec(raw, "UPDATE reports SET verdict = 'EXCEEDS'"));
            Assert.Contains("immutable", update.Message, StringComparison.Ordinal);
            var delete = Assert.Throws<SqliteException>(() => TempStore.Exec(raw, "DELETE FROM reports"));
            Assert.Contains("never deleted", delete.Message, StringComparison.Ordinal);
        }
        Assert.Equal(ProtocolCodec.EncodeToString(filed), ProtocolCodec.EncodeToString(journal.GetReport(filed.ReportId)!));
        Assert.True(journal.VerifyChain().Ok);
    }

    [Fact]
    public void Acknowledge_refuses_a_wrong_hash_and_an_unknown_report_and_is_idempotent()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        var reports = FileThree(journal);
        var second = reports[1];

        Assert.Equal(AckOutcome.HashMismatch, journal.Acknowledge(second.ReportId, reports[0].ReportHash!, "fleet", T0));
        Assert.Equal(AckOutcome.UnknownReport, journal.Acknowledge("rpt-nope", second.ReportHash!, "fleet", T0));
        Assert.Equal(AckOutcome.Malformed, journal.Acknowledge(second.ReportId, "", "fleet", T0));
        Assert.Equal(3, journal.PendingReports().Count);

        Assert.Equal(AckOutcome.Acknowledged, journal.Acknowledge(second.ReportId, second.ReportHash!.ToUpperInvariant(), "fleet", T0));
        Assert.Equal(AckOutcome.AlreadyAcknowledged, journal.Acknowledge(second.ReportId, second.ReportHash, "someone-else", T0.AddHours(1)));
        Assert.Equal([1L, 3L], journal.PendingReports().Select(r => r.Sequence));
        Assert.Equal([false, true, false], journal.ListReports().Select(s => s.Acknowledged));
        using var raw = store.Raw();
        Assert.Equal("fleet", TempStore.Scalar(raw, "SELECT acked_by FROM report_acks"));
        Assert.Equal(1L, TempStore.Scalar(raw, "SELECT count(*) FROM report_acks"));
        // Reports stay in the store after acknowledgement.
        Assert.NotNull(journal.GetReport(second.ReportId));
    }

    /// <summary>What someone with sqlite3 and intent could do: drop the guard triggers and edit.</summary>
    private static void Tamper(TempStore store, string sql, object value)
    {
        using var raw = store.Raw();
        TempStore.Exec(raw, "DROP TRIGGER IF EXISTS reports_are_immutable; DROP TRIGGER IF EXISTS reports_are_never_deleted");
        using var cmd = raw.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$v", value);
        Assert.Equal(1, cmd.ExecuteNonQuery());
    }
}
