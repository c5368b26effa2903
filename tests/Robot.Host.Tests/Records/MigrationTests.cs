using Robot.Host.Records;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using static Robot.Host.Tests.Records.RecordSamples;

namespace Robot.Host.Tests.Records;

/// <summary>A store written by an older robot-host is migrated forward on open with its data kept; a newer one is refused.</summary>
public class MigrationTests
{
    [Fact]
    public void A_v1_store_is_migrated_to_the_current_schema_with_its_reports_and_journal_kept()
    {
        using var store = new TempStore();
        var clock = Clock();
        InspectionReport v1Report;
        using (var raw = store.Raw())
        {
            TempStore.Exec(raw, "PRAGMA journal_mode = WAL");
            Assert.Equal(0, JournalSchema.Migrate(raw, clock, target: 1)); // exactly the v1 script
            Assert.Equal(1, JournalSchema.VersionOf(raw));
            Assert.Equal(0L, TempStore.Scalar(raw, "SELECT count(*) FROM sqlite_master WHERE name = 'report_acks'"));
            // What a v1 robot-host left: one filed report, and one inspection cut off mid-point.
            InsertInspection(raw, "insp-old-1", filed: 1);
            v1Report = Draft("insp-old-1", Verdicts.Anomaly, null, []) with { Sequence = 1, PreviousReportHash = JournalSchema.GenesisHash, ReportHash = null };
            var canonical = ReportSeal.CanonicalBytes(v1Report);
            v1Report = v1Report with { ReportHash = ReportSeal.Hash(canonical) };
            using (var cmd = raw.CreateCommand())
            {
                cmd.CommandText = """
                    INSERT INTO reports VALUES (1, 'rpt-insp-old-1', 'insp-old-1', 'MSKU9070323', 'ANOMALY', '2026-11-26T09:20:00.000Z', $prev, $hash, $json);
                    UPDATE chain_head SET sequence = 1, report_hash = $hash;
                    """;
                cmd.Parameters.AddWithValue("$prev", JournalSchema.GenesisHash);
                cmd.Parameters.AddWithValue("$hash", v1Report.ReportHash);
                cmd.Parameters.AddWithValue("$json", canonical);
                cmd.ExecuteNonQuery();
            }
            InsertInspection(raw, "insp-old-2", filed: null);
            TempStore.Exec(raw, $"""
                INSERT INTO readings (inspection_id, point_id, reading_json, pose_json) VALUES
                  ('insp-old-2', 'F-01-1', '{ProtocolCodec.EncodeToString(Reading(T0.AddMinutes(5), 0.11))}', '{ProtocolCodec.EncodeToString(Pose(2))}'),
                  ('insp-old-2', 'F-01-1', '{ProtocolCodec.EncodeToString(Reading(T0.AddMinutes(5).AddSeconds(1), 0.13))}', '{ProtocolCodec.EncodeToString(Pose(2))}');
                """);
        }

        using var journal = Open(store.DbPath, clock);

        Assert.Equal(1, journal.MigratedFrom);
        using (var raw = store.Raw())
        {
            Assert.Equal(InspectionJournal.SchemaVersion, Convert.ToInt32(TempStore.Scalar(raw, "SELECT max(version) FROM schema_version")));
            Assert.Equal((long)InspectionJournal.SchemaVersion, TempStore.Scalar(raw, "SELECT count(*) FROM schema_version"));
        }
        var kept = journal.GetReport("rpt-insp-old-1");
        Assert.NotNull(kept);
        Assert.Equal(ProtocolCodec.EncodeToString(v1Report), ProtocolCodec.EncodeToString(kept));
        Assert.True(journal.VerifyChain().Ok);
        Assert.Equal(["rpt-insp-old-1"], journal.PendingReports().Select(r => r.ReportId)); // v1 had no acks: still to be sent

        var recovered = Assert.Single(journal.RecoverInterrupted("upgrade after power loss"));
        Assert.Equal(2, recovered.Sequence);
        Assert.Equal(v1Report.ReportHash, recovered.PreviousReportHash);
        Assert.Equal([0.11, 0.13], recovered.Points.Single().Readings.Select(r => r.RawUSvPerH));
        Assert.Equal(0, recovered.PlannedPoints); // v1 did not journal the plan
        Assert.Equal(AckOutcome.Acknowledged, journal.Acknowledge("rpt-insp-old-1", v1Report.ReportHash!, "fleet", T0));
        // The old report stays unsigned and says so; the one filed after the upgrade is signed.
        var verified = journal.VerifyChain();
        Assert.True(verified.Ok, verified.ToString());
        Assert.Equal((2L, 1L, 1L, journal.SigningKeyId), (verified.Count, verified.Signed, verified.Unsigned, verified.SignedBy));
        Assert.Contains("1 unsigned (reports 1-1", verified.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_again_does_not_migrate_again()
    {
        using var store = new TempStore();
        using (var first = Open(store.DbPath, Clock())) Assert.Equal(0, first.MigratedFrom);
        using var second = Open(store.DbPath, Clock());
        Assert.Equal(InspectionJournal.SchemaVersion, second.MigratedFrom);
    }

    [Fact]
    public void A_store_from_a_newer_robot_host_is_refused_with_a_clear_message()
    {
        using var store = new TempStore();
        using (var first = Open(store.DbPath, Clock())) { }
        using (var raw = store.Raw())
        {
            TempStore.Exec(raw, $"INSERT INTO schema_version VALUES ({InspectionJournal.SchemaVersion + 1}, '2030-01-01')");
        }
        var ex = Assert.Throws<RecordStoreException>(() => Open(store.DbPath, Clock()));
        Assert.Contains($"schema version {InspectionJournal.SchemaVersion + 1}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_that_is_not_a_record_store_is_refused()
    {
        using var store = new TempStore();
        using (var raw = store.Raw()) TempStore.Exec(raw, "CREATE TABLE photos (id INTEGER)");
        var ex = Assert.Throws<RecordStoreException>(() => Open(store.DbPath, Clock()));
        Assert.Contains("not a record store", ex.Message, StringComparison.Ordinal);
    }

    private static void InsertInspection(Microsoft.Data.Sqlite.SqliteConnection raw, string id, int? filed)
    {
        using var cmd = raw.CreateCommand();
        cmd.CommandText = """
            INSERT INTO inspections (inspection_id, serial_number, container_json, operator_id, instrument_json, profile_json, started_at, filed_sequence)
            VALUES ($id, $serial, $container, 'op-lee', $instrument, $profile, '2026-11-26T09:00:00.000Z', $filed)
            """;
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$serial", Serial);
        cmd.Parameters.AddWithValue("$container", ProtocolCodec.EncodeToString(Container()));
        cmd.Parameters.AddWithValue("$instrument", ProtocolCodec.EncodeToString(Instrument()));
        cmd.Parameters.AddWithValue("$profile", ProtocolCodec.EncodeToString(Profile()));
        cmd.Parameters.AddWithValue("$filed", filed is null ? DBNull.Value : filed.Value);
        cmd.ExecuteNonQuery();
    }
}
