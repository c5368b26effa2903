using Microsoft.Data.Sqlite;

namespace Robot.Host.Records;

/// <summary>
/// The record store's schema and its forward migrations. Steps[i] takes a store from version i to
/// version i + 1, each in its own transaction together with its schema_version row, so a store is
/// always at exactly one version. A store never goes backwards: a robot-host older than its store
/// refuses to open it (and says which version to install) instead of guessing.
/// Add a version by appending a step; never edit a step that has shipped.
/// </summary>
internal static class JournalSchema
{
    /// <summary>The 64 zeros a first report names as its previous hash.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// v1: the journal (inspections, readings as taken, point and background results) and the
    /// chained reports with the chain head. Filed reports cannot be updated or deleted (triggers).
    /// </summary>
    public const string V1 = $"""
        CREATE TABLE schema_version (
            version    INTEGER NOT NULL PRIMARY KEY,
            applied_at TEXT    NOT NULL
        );
        CREATE TABLE inspections (
            inspection_id   TEXT NOT NULL PRIMARY KEY,
            serial_number   TEXT NOT NULL,
            container_json  TEXT NOT NULL,
            operator_id     TEXT NOT NULL,
            instrument_json TEXT NOT NULL,
            profile_json    TEXT NOT NULL,
            started_at      TEXT NOT NULL,
            filed_sequence  INTEGER NULL
        );
        CREATE TABLE readings (
            id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            inspection_id TEXT    NOT NULL REFERENCES inspections(inspection_id),
            point_id      TEXT    NOT NULL,
            reading_json  TEXT    NOT NULL,
            pose_json     TEXT    NOT NULL
        );
        CREATE INDEX readings_by_inspection ON readings(inspection_id, id);
        CREATE TABLE point_results (
            id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            inspection_id TEXT    NOT NULL REFERENCES inspections(inspection_id),
            point_id      TEXT    NOT NULL,
            result_json   TEXT    NOT NULL
        );
        CREATE INDEX point_results_by_inspection ON point_results(inspection_id, id);
        CREATE TABLE background_results (
            id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
            inspection_id TEXT    NOT NULL REFERENCES inspections(inspection_id),
            result_json   TEXT    NOT NULL
        );
        CREATE TABLE reports (
            sequence         INTEGER NOT NULL PRIMARY KEY,
            report_id        TEXT    NOT NULL UNIQUE,
            inspection_id    TEXT    NOT NULL UNIQUE REFERENCES inspections(inspection_id),
            container_number TEXT    NOT NULL,
            verdict          TEXT    NOT NULL,
            finished_at      TEXT    NOT NULL,
            previous_hash    TEXT    NOT NULL,
            report_hash      TEXT    NOT NULL,
            canonical_json   BLOB    NOT NULL
        );
        CREATE TABLE chain_head (
            id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
            sequence    INTEGER NOT NULL,
            report_hash TEXT    NOT NULL
        );
        INSERT INTO chain_head (id, sequence, report_hash) VALUES (1, 0, '{GenesisHash}');
        CREATE TRIGGER reports_are_immutable BEFORE UPDATE ON reports
            BEGIN SELECT RAISE(ABORT, 'filed reports are immutable'); END;
        CREATE TRIGGER reports_are_never_deleted BEFORE DELETE ON reports
            BEGIN SELECT RAISE(ABORT, 'reports are never deleted'); END;
        """;

    /// <summary>v2: the outbox's acknowledgements, and the planned point count of an inspection (for interrupted reports).</summary>
    public const string V2 = """
        ALTER TABLE inspections ADD COLUMN planned_points INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE report_acks (
            report_id   TEXT NOT NULL PRIMARY KEY REFERENCES reports(report_id),
            report_hash TEXT NOT NULL,
            acked_by    TEXT NOT NULL,
            acked_at    TEXT NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE TRIGGER report_acks_are_immutable BEFORE UPDATE ON report_acks
            BEGIN SELECT RAISE(ABORT, 'acknowledgements are immutable'); END;
        """;

    /// <summary>
    /// v3: report signatures. Each report filed from v3 on carries the base64 ECDSA P-256 signature
    /// of its canonical bytes and the signing key's id; the chain head carries a signature of its
    /// sequence and hash. Reports filed before stay unsigned (NULL) and are reported as such.
    /// </summary>
    public const string V3 = """
        ALTER TABLE reports ADD COLUMN signature TEXT NULL;
        ALTER TABLE reports ADD COLUMN key_id TEXT NULL;
        ALTER TABLE chain_head ADD COLUMN signature TEXT NULL;
        ALTER TABLE chain_head ADD COLUMN key_id TEXT NULL;
        """;

    /// <summary>The first version whose reports carry signatures.</summary>
    public const int SignedVersion = 3;

    public static readonly IReadOnlyList<string> Steps = [V1, V2, V3];

    public static int Current => Steps.Count;

    /// <summary>The store's version: 0 for an empty file, or the highest schema_version row.</summary>
    public static int VersionOf(SqliteConnection connection, SqliteTransaction? transaction = null)
    {
        using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
        if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            using var any = connection.CreateCommand();
            any.Transaction = transaction;
            any.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
            if (Convert.ToInt64(any.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                throw new RecordStoreException("the file is a SQLite database but not a record store (it has no schema_version table)");
            }
            return 0;
        }
        using var version = connection.CreateCommand();
        version.Transaction = transaction;
        version.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version";
        return Convert.ToInt32(version.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Bring the store up to <see cref="Current"/>, one step per transaction. Returns the version it was at.</summary>
    public static int Migrate(SqliteConnection connection, TimeProvider time, int target = -1)
    {
        target = target < 0 ? Current : target;
        var from = -1;
        while (true)
        {
            // BEGIN IMMEDIATE: two processes opening the same new store migrate one after the other.
            using var tx = connection.BeginTransaction(deferred: false);
            var version = VersionOf(connection, tx);
            if (from < 0) from = version;
            if (version > Current)
            {
                throw new RecordStoreException($"the record store is schema version {version}, newer than this robot-host understands ({Current}); install the robot-host that wrote it or a later one");
            }
            if (version >= target) return from;
            using (var step = connection.CreateCommand())
            {
                step.Transaction = tx;
                step.CommandText = Steps[version];
                step.ExecuteNonQuery();
            }
            using (var mark = connection.CreateCommand())
            {
                mark.Transaction = tx;
                mark.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES ($v, $at)";
                mark.Parameters.AddWithValue("$v", version + 1);
                mark.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                mark.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }
}

/// <summary>The record store cannot be used as asked (wrong file, newer schema, refused write). The message says why.</summary>
public sealed class RecordStoreException(string message, Exception? inner = null) : Exception(message, inner);
