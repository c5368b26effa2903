using Robot.Host.Records;
using Robot.Protocol.Extensions;
using static Robot.Host.Tests.Records.RecordSamples;

namespace Robot.Host.Tests.Records;

/// <summary>A robot that dies mid-inspection comes back knowing it: the inspection is filed INVALID with every reading it journaled.</summary>
public class DurabilityTests
{
    [Fact]
    public void The_store_runs_in_WAL_mode_with_full_sync()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        using var raw = store.Raw();
        Assert.Equal("wal", TempStore.Scalar(raw, "PRAGMA journal_mode"));
        Assert.Equal(InspectionJournal.SchemaVersion, Convert.ToInt32(TempStore.Scalar(raw, "SELECT max(version) FROM schema_version")));
    }

    [Fact]
    public void A_journal_dropped_mid_inspection_is_recovered_as_INVALID_with_every_reading()
    {
        using var store = new TempStore();
        var clock = Clock();
        var dead = Open(store.DbPath, clock);
        Start(dead, "insp-0001");
        dead.SetPlannedPoints("insp-0001", 12);
        var bgReadings = Readings(dead, "insp-0001", "background", 6, T0.AddMinutes(1), 0.085);
        dead.AppendBackground("insp-0001", Background(bgReadings));
        var p1Readings = Readings(dead, "insp-0001", "L-01-1", 5, T0.AddMinutes(3), 0.09);
        dead.AppendPoint("insp-0001", Point("L-01-1", p1Readings));
        var inFlight = Readings(dead, "insp-0001", "L-02-1", 3, T0.AddMinutes(4), 0.12, 3); // point not finished
        // The process dies here: no FileReport, no Dispose.

        clock.Advance(TimeSpan.FromMinutes(30));
        using var restarted = Open(store.DbPath, clock);
        var recovered = restarted.RecoverInterrupted("power loss");

        var report = Assert.Single(recovered);
        Assert.Equal(Verdicts.Invalid, report.Verdict);
        Assert.Contains("interrupted: power loss", report.VerdictReason, StringComparison.Ordinal);
        Assert.Equal("insp-0001", report.InspectionId);
        Assert.Equal(Serial, report.SerialNumber);
        Assert.Equal(12, report.PlannedPoints);
        Assert.Equal(1, report.Sequence);
        Assert.Equal(bgReadings, report.Background!.Readings);
        Assert.Equal(["L-01-1", "L-02-1"], report.Points.Select(p => p.PointId));
        Assert.Equal(p1Readings, report.Points[0].Readings);
        var partial = report.Points[1];
        Assert.Equal(inFlight, partial.Readings);
        Assert.Equal(PointDecisions.Invalid, partial.Decision);
        Assert.Equal("interrupted", partial.Kind);
        Assert.Equal(inFlight.Average(r => r.RawUSvPerH), partial.MeanRawUSvPerH, 12);
        Assert.Equal(1.05 * 0.98 * partial.MeanRawUSvPerH - 0.03, partial.DoseRateUSvPerH, 12);
        Assert.Equal(2.0, partial.DwellS, 9);
        Assert.Equal(14, report.Points.Sum(p => p.Readings.Count) + report.Background.Readings.Count);

        // Filed durably and chained: it is a real report, pending for the outbox; recovery does not repeat.
        Assert.Equal(ReportSeal.Hash(report), report.ReportHash);
        Assert.Equal(report.ReportHash, restarted.GetReport(report.ReportId)!.ReportHash);
        Assert.Equal([report.ReportId], restarted.PendingReports().Select(r => r.ReportId));
        Assert.Empty(restarted.RecoverInterrupted("power loss"));
        Assert.True(restarted.VerifyChain().Ok);
        Assert.Throws<InvalidOperationException>(() => restarted.AppendReading("insp-0001", "L-02-1", Reading(T0, 1), Pose(1)));
        dead.Dispose();
    }

    [Fact]
    public void A_power_cut_copy_of_the_db_and_its_wal_holds_every_committed_reading()
    {
        using var store = new TempStore();
        var clock = Clock();
        using var live = Open(store.DbPath, clock);
        Start(live, "insp-0002");
        var bg = Readings(live, "insp-0002", "background", 4, T0.AddMinutes(1), 0.08); // no background result yet: cut mid-background
        Assert.True(File.Exists(store.DbPath + "-wal"), "WAL mode keeps a -wal file while the store is open");

        // What a power cut leaves on the card: the database file and its WAL as they are right now.
        var copy = store.PathFor("after-power-cut.db");
        File.Copy(store.DbPath, copy);
        File.Copy(store.DbPath + "-wal", copy + "-wal");

        using var rebooted = Open(copy, clock);
        var report = Assert.Single(rebooted.RecoverInterrupted("power loss"));
        Assert.Equal(Verdicts.Invalid, report.Verdict);
        Assert.NotNull(report.Background);
        Assert.Equal(bg, report.Background.Readings);
        Assert.Equal(bg.Average(r => r.RawUSvPerH), report.Background.MeanRawUSvPerH, 12);
        Assert.Empty(report.Points);
        Assert.Null(report.HotSpots.FirstOrDefault());
        // The original, still running, is untouched by what happened to the copy.
        Assert.Empty(live.RecoverInterrupted("not interrupted"));
        Assert.Empty(live.PendingReports());
    }

    [Fact]
    public void Readings_of_an_unstable_first_background_are_kept_beside_the_final_one()
    {
        using var store = new TempStore();
        var clock = Clock();
        var dead = Open(store.DbPath, clock);
        Start(dead, "insp-0003");
        var first = Readings(dead, "insp-0003", "background", 3, T0.AddMinutes(1), 0.2);
        dead.AppendBackground("insp-0003", Background(first) with { Attempts = 1 });
        var second = Readings(dead, "insp-0003", "background", 3, T0.AddMinutes(2), 0.08);
        dead.AppendBackground("insp-0003", Background(second) with { Attempts = 2 });

        using var restarted = Open(store.DbPath, clock);
        var report = Assert.Single(restarted.RecoverInterrupted("process killed"));
        Assert.Equal(second, report.Background!.Readings);
        Assert.Equal(2, report.Background.Attempts);
        var earlier = Assert.Single(report.Points);
        Assert.Equal("background", earlier.PointId);
        Assert.Equal(first, earlier.Readings);
        dead.Dispose();
    }

    [Fact]
    public void An_interrupted_inspection_is_never_PASS_and_a_running_one_is_not_recovered()
    {
        using var store = new TempStore();
        var clock = Clock();
        using var journal = Open(store.DbPath, clock);
        var draft = RunAndDraft(journal, "insp-0004");
        Assert.Empty(journal.RecoverInterrupted("restart"));   // started by this journal: running, not interrupted

        using var other = Open(store.DbPath, clock);            // a second process sees an unfiled inspection
        var report = Assert.Single(other.RecoverInterrupted("restart"));
        Assert.Equal(Verdicts.Invalid, report.Verdict);
        Assert.Equal(2, report.Points.Count);
        // The procedure's late PASS for the same inspection is refused: it was already filed as interrupted.
        Assert.Throws<InvalidOperationException>(() => journal.FileReport(draft));
    }

    [Fact]
    public void PASS_is_refused_for_an_incomplete_survey()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        var draft = RunAndDraft(journal, "insp-0005");
        var ex = Assert.Throws<ArgumentException>(() => journal.FileReport(draft with { Points = [draft.Points[0]] }));
        Assert.Contains("1 of 2 planned points", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => journal.FileReport(draft with { Background = null }));
        Assert.Empty(journal.PendingReports());
        Assert.Equal(Verdicts.Pass, journal.FileReport(draft).Verdict);
    }
}
