using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;

namespace Robot.Host.Records;

/// <summary>What became of an acknowledgement.</summary>
public enum AckOutcome
{
    /// <summary>Recorded: the report is no longer pending.</summary>
    Acknowledged,
    /// <summary>The report was acknowledged before; nothing changed.</summary>
    AlreadyAcknowledged,
    /// <summary>No report with that id; nothing changed.</summary>
    UnknownReport,
    /// <summary>The ack names another hash than the stored report's; nothing changed.</summary>
    HashMismatch,
    /// <summary>Not a readable ack for this robot; nothing changed.</summary>
    Malformed,
}

/// <summary>One line of the report list.</summary>
public sealed record StoredReport(long Sequence, string ReportId, string InspectionId, string ContainerNumber, string Verdict,
    DateTimeOffset FinishedAt, string ReportHash, bool Acknowledged);

/// <summary>
/// The durable record store (SQLite, WAL, synchronous=FULL): every inspection is journaled as it
/// happens, so a power cut loses at most the reading in flight; a finished inspection is filed as
/// an immutable report chained to the one before it by hash; reports are never deleted, and the
/// outbox state (acknowledged or not) lives beside them. Thread-safe: one connection behind a lock.
/// </summary>
public sealed class InspectionJournal : IDisposable
{
    /// <summary>Longest inspection id: the interrupted report's id appends "-interrupted" and must stay a protocol id (64).</summary>
    public const int MaxInspectionIdLength = MessageValidator.MaxIdLength - 12;

    private readonly SqliteConnection _db;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _startedHere = new(StringComparer.Ordinal);
    private readonly ReportSigningKey? _signer;
    private readonly ReportPublicKeys _ownKeys;
    private bool _disposed;

    private InspectionJournal(SqliteConnection db, string path, string serialNumber, TimeProvider time, ILogger log, int migratedFrom, ReportSigningKey? signer)
    {
        _db = db;
        _signer = signer;
        _ownKeys = signer?.PublicKeys() ?? ReportPublicKeys.None;
        Path = path;
        SerialNumber = serialNumber;
        _time = time;
        _log = log;
        MigratedFrom = migratedFrom;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }
    /// <summary>This robot's serial number, written into interrupted reports.</summary>
    public string SerialNumber { get; }
    /// <summary>The schema version the store had before this open (0 for a new store).</summary>
    public int MigratedFrom { get; }
    /// <summary>The id of the key this journal signs reports with; null when it files them unsigned.</summary>
    public string? SigningKeyId => _signer?.KeyId;
    public static int SchemaVersion => JournalSchema.Current;

    /// <summary>Raised after a report is durably filed (outside the journal's lock). Handlers must not throw.</summary>
    public event Action<InspectionReport>? ReportFiled;

    /// <summary>Open (creating the file and its folder when missing) and migrate the store forward to the current schema.</summary>
    /// <param name="survivesPowerLoss">
    /// True on the robot: every commit is fsynced (synchronous = FULL), so a power cut loses at most
    /// the write in flight. The headless simulator passes false (synchronous = NORMAL): in WAL mode a
    /// killed process still loses no committed write (only an operating-system crash could), which is
    /// all a simulated power cut does, and the run no longer waits on the disk for every reading.
    /// </param>
    /// <param name="signingKey">
    /// The robot's report signing key: every report filed (and the chain head) is signed with it.
    /// Without one reports are filed unsigned (verify-records says so); the host always passes one.
    /// The caller keeps ownership of the key.
    /// </param>
    public static InspectionJournal Open(string path, string serialNumber, TimeProvider time, ILogger? logger = null, bool survivesPowerLoss = true,
        ReportSigningKey? signingKey = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        CheckId(serialNumber, nameof(serialNumber), MessageValidator.MaxIdLength);
        var full = CreateFolderFor(path);
        var db = Connect(full, SqliteOpenMode.ReadWriteCreate);
        try
        {
            var mode = Scalar(db, "PRAGMA journal_mode = WAL");
            if (!string.Equals(mode as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new RecordStoreException($"cannot put {full} in WAL mode (journal_mode is {mode})");
            }
            Execute(db, survivesPowerLoss ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            var from = JournalSchema.Migrate(db, time);
            var log = logger ?? NullLogger.Instance;
            if (from != JournalSchema.Current) log.LogInformation("record store {Path} migrated from schema {From} to {To}", full, from, JournalSchema.Current);
            return new InspectionJournal(db, full, serialNumber, time, log, from, signingKey);
        }
        catch (SqliteException ex)
        {
            db.Dispose();
            throw new RecordStoreException($"cannot open the record store {full}: {ex.Message}", ex);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    /// <summary>Create the store's folder when missing (before its signing key, which by default lives there). Returns the store's full path.</summary>
    public static string CreateFolderFor(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RecordStoreException($"cannot create the record store's folder for {full}: {ex.Message}", ex);
        }
        return full;
    }

    /// <summary>
    /// Verify the chain of a store file without changing it (read-only; no migration), signatures
    /// against <paramref name="keys"/> (none given: every signed report is under an unknown key). For the verify-records verb.
    /// </summary>
    public static ChainVerification VerifyFile(string path, ReportPublicKeys? keys = null)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new RecordStoreException($"there is no record store at {full}");
        try
        {
            using var db = Connect(full, SqliteOpenMode.ReadOnly);
            var version = JournalSchema.VersionOf(db);
            if (version == 0) throw new RecordStoreException($"{full} is an empty database, not a record store");
            if (version > JournalSchema.Current)
            {
                throw new RecordStoreException($"{full} is schema version {version}, newer than this robot-host understands ({JournalSchema.Current})");
            }
            return ChainVerification.Verify(db, keys ?? ReportPublicKeys.None, version);
        }
        catch (SqliteException ex)
        {
            throw new RecordStoreException($"cannot read the record store {full}: {ex.Message}", ex);
        }
    }

    /// <summary>Journal the start of an inspection. Refused when the id is already used.</summary>
    public void StartInspection(string inspectionId, ContainerInfo container, string operatorId, InstrumentInfo instrument, ProfileInfo profile, DateTimeOffset startedAt)
    {
        CheckId(inspectionId, nameof(inspectionId), MaxInspectionIdLength);
        CheckId(operatorId, nameof(operatorId), MessageValidator.MaxIdLength);
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(profile);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (Exists("SELECT 1 FROM inspections WHERE inspection_id = $id", inspectionId))
            {
                throw new InvalidOperationException($"inspection '{inspectionId}' was already started; inspection ids are never reused");
            }
            Run(null, """
                INSERT INTO inspections (inspection_id, serial_number, container_json, operator_id, instrument_json, profile_json, started_at)
                VALUES ($id, $serial, $container, $operator, $instrument, $profile, $started)
                """,
                ("$id", inspectionId), ("$serial", SerialNumber), ("$container", ProtocolCodec.EncodeToString(container)),
                ("$operator", operatorId), ("$instrument", ProtocolCodec.EncodeToString(instrument)),
                ("$profile", ProtocolCodec.EncodeToString(profile)), ("$started", RecordTime.Format(startedAt)));
            _startedHere.Add(inspectionId);
        }
    }

    /// <summary>Journal how many points the plan has (an interrupted report states it).</summary>
    public void SetPlannedPoints(string inspectionId, int plannedPoints)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plannedPoints);
        lock (_gate)
        {
            RequireOpen(inspectionId);
            Run(null, "UPDATE inspections SET planned_points = $n WHERE inspection_id = $id", ("$n", plannedPoints), ("$id", inspectionId));
        }
    }

    /// <summary>
    /// Journal one raw reading as taken, with where it was taken. <paramref name="pointId"/> is
    /// "background" or the point's id. Durable when this returns (committed and synced).
    /// </summary>
    public void AppendReading(string inspectionId, string pointId, RawReading reading, MeasurementPose pose)
    {
        CheckId(pointId, nameof(pointId), MessageValidator.MaxIdLength);
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(pose);
        var readingJson = ProtocolCodec.EncodeToString(reading);
        var poseJson = ProtocolCodec.EncodeToString(pose);
        lock (_gate)
        {
            RequireOpen(inspectionId);
            Run(null, "INSERT INTO readings (inspection_id, point_id, reading_json, pose_json) VALUES ($id, $point, $reading, $pose)",
                ("$id", inspectionId), ("$point", pointId), ("$reading", readingJson), ("$pose", poseJson));
        }
    }

    /// <summary>Journal a point's result (its readings, computed values and decision).</summary>
    public void AppendPoint(string inspectionId, PointResult point)
    {
        ArgumentNullException.ThrowIfNull(point);
        CheckId(point.PointId, "point.PointId", MessageValidator.MaxIdLength);
        var json = ProtocolCodec.EncodeToString(point);
        lock (_gate)
        {
            RequireOpen(inspectionId);
            Run(null, "INSERT INTO point_results (inspection_id, point_id, result_json) VALUES ($id, $point, $json)",
                ("$id", inspectionId), ("$point", point.PointId), ("$json", json));
        }
    }

    /// <summary>Journal a background result; the last one journaled is the inspection's background.</summary>
    public void AppendBackground(string inspectionId, BackgroundResult background)
    {
        ArgumentNullException.ThrowIfNull(background);
        var json = ProtocolCodec.EncodeToString(background);
        lock (_gate)
        {
            RequireOpen(inspectionId);
            Run(null, "INSERT INTO background_results (inspection_id, result_json) VALUES ($id, $json)", ("$id", inspectionId), ("$json", json));
        }
    }

    /// <summary>
    /// File a finished inspection's report: assigns Sequence, PreviousReportHash and ReportHash
    /// (whatever the draft carries there is ignored), stores the canonical bytes and the hash in
    /// one transaction and marks the inspection finished. Returns the report as filed. A filed
    /// report is immutable: filing the same inspection or report id again is refused.
    /// PASS is refused without a background or with fewer points than planned.
    /// </summary>
    public InspectionReport FileReport(InspectionReport draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        CheckId(draft.ReportId, "draft.ReportId", MessageValidator.MaxIdLength);
        if (!Verdicts.Invalid.Equals(draft.Verdict, StringComparison.Ordinal) && !Verdicts.Pass.Equals(draft.Verdict, StringComparison.Ordinal)
            && !Verdicts.Anomaly.Equals(draft.Verdict, StringComparison.Ordinal) && !Verdicts.Exceeds.Equals(draft.Verdict, StringComparison.Ordinal))
        {
            throw new ArgumentException($"verdict '{draft.Verdict}' is not PASS, ANOMALY, EXCEEDS or INVALID", nameof(draft));
        }
        if (string.IsNullOrWhiteSpace(draft.VerdictReason)) throw new ArgumentException("a report needs a verdict reason", nameof(draft));
        if (draft.Verdict == Verdicts.Pass && (draft.Background is null || draft.PlannedPoints <= 0 || draft.Points.Count < draft.PlannedPoints))
        {
            throw new ArgumentException($"PASS refused for an incomplete survey (background {(draft.Background is null ? "missing" : "present")}, " +
                                        $"{draft.Points.Count} of {draft.PlannedPoints} planned points)", nameof(draft));
        }
        if (draft.SerialNumber != SerialNumber)
        {
            throw new ArgumentException($"the report names robot '{draft.SerialNumber}', this journal is robot '{SerialNumber}'", nameof(draft));
        }
        InspectionReport filed;
        lock (_gate)
        {
            RequireOpen(draft.InspectionId);
            filed = FileLocked(draft);
            _startedHere.Remove(draft.InspectionId);
        }
        Announce(filed);
        return filed;
    }

    /// <summary>
    /// File an INVALID report for every inspection that was started but never filed by a
    /// previous run (the process died), holding all its journaled readings, background and
    /// points. Inspections started by this journal instance are running, not interrupted, and are left alone.
    /// </summary>
    public IReadOnlyList<InspectionReport> RecoverInterrupted(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        var filed = new List<InspectionReport>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var open = new List<string>();
            using (var cmd = Command(null, "SELECT inspection_id FROM inspections WHERE filed_sequence IS NULL ORDER BY rowid"))
            using (var r = cmd.ExecuteReader())
            {
                while (r.Read()) open.Add(r.GetString(0));
            }
            foreach (var id in open.Where(i => !_startedHere.Contains(i)))
            {
                var journaled = LoadJournaled(id);
                var report = InterruptedReport.Build(journaled, id + "-interrupted", reason, _time.GetUtcNow());
                filed.Add(FileLocked(report));
                _log.LogWarning("inspection {InspectionId} was interrupted ({Reason}); filed as INVALID report {Sequence} with {Readings} readings",
                    id, reason, filed[^1].Sequence, journaled.Readings.Count);
            }
        }
        foreach (var report in filed) Announce(report);
        return filed;
    }

    /// <summary>
    /// Verify every report's hash, its link to the one before, the sequence, the indexed columns and
    /// the signatures: against <paramref name="keys"/>, or by default this journal's own signing key.
    /// </summary>
    public ChainVerification VerifyChain(ReportPublicKeys? keys = null)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return ChainVerification.Verify(_db, keys ?? _ownKeys, JournalSchema.Current);
        }
    }

    /// <summary>The filed report with that id, as filed (with its hash), or null.</summary>
    public InspectionReport? GetReport(string reportId)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var cmd = Command(null, "SELECT canonical_json, report_hash, signature, key_id FROM reports WHERE report_id = $id", ("$id", reportId));
            using var r = cmd.ExecuteReader();
            return r.Read() ? ReadReport(r) : null;
        }
    }

    /// <summary>Reports in filing order, after <paramref name="afterSequence"/>, at most <paramref name="limit"/>.</summary>
    public IReadOnlyList<StoredReport> ListReports(long afterSequence = 0, int limit = 100)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var cmd = Command(null, """
                SELECT r.sequence, r.report_id, r.inspection_id, r.container_number, r.verdict, r.finished_at, r.report_hash, a.report_id IS NOT NULL
                FROM reports r LEFT JOIN report_acks a ON a.report_id = r.report_id
                WHERE r.sequence > $after ORDER BY r.sequence LIMIT $limit
                """, ("$after", afterSequence), ("$limit", limit));
            using var r = cmd.ExecuteReader();
            var list = new List<StoredReport>();
            while (r.Read())
            {
                list.Add(new StoredReport(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
                    RecordTime.Parse(r.GetString(5)), r.GetString(6), r.GetBoolean(7)));
            }
            return list;
        }
    }

    /// <summary>The newest filed reports, newest first.</summary>
    public IReadOnlyList<InspectionReport> RecentReports(int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        List<string> ids;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var cmd = Command(null, "SELECT report_id FROM reports ORDER BY sequence DESC LIMIT $limit", ("$limit", limit));
            using var r = cmd.ExecuteReader();
            ids = [];
            while (r.Read()) ids.Add(r.GetString(0));
        }
        return ids.Select(GetReport).OfType<InspectionReport>().ToList();
    }

    /// <summary>Filed reports no client has acknowledged yet, in filing order (the outbox sends these).</summary>
    public IReadOnlyList<InspectionReport> PendingReports()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var cmd = Command(null, """
                SELECT r.canonical_json, r.report_hash, r.signature, r.key_id FROM reports r
                WHERE NOT EXISTS (SELECT 1 FROM report_acks a WHERE a.report_id = r.report_id)
                ORDER BY r.sequence
                """);
            using var r = cmd.ExecuteReader();
            var list = new List<InspectionReport>();
            while (r.Read()) list.Add(ReadReport(r));
            return list;
        }
    }

    /// <summary>
    /// Record a client's receipt. Refused (nothing changes) for an unknown report or a hash that
    /// is not the stored report's; a repeated ack changes nothing either (the first one is kept).
    /// </summary>
    public AckOutcome Acknowledge(string reportId, string reportHash, string ackedBy, DateTimeOffset at)
    {
        if (string.IsNullOrEmpty(reportId) || string.IsNullOrEmpty(reportHash) || string.IsNullOrWhiteSpace(ackedBy)) return AckOutcome.Malformed;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var tx = _db.BeginTransaction(deferred: false);
            string stored;
            using (var cmd = Command(tx, "SELECT report_hash FROM reports WHERE report_id = $id", ("$id", reportId)))
            {
                if (cmd.ExecuteScalar() is not string s) return AckOutcome.UnknownReport;
                stored = s;
            }
            if (!string.Equals(stored, reportHash, StringComparison.OrdinalIgnoreCase)) return AckOutcome.HashMismatch;
            using (var cmd = Command(tx, "SELECT 1 FROM report_acks WHERE report_id = $id", ("$id", reportId)))
            {
                if (cmd.ExecuteScalar() is not null) return AckOutcome.AlreadyAcknowledged;
            }
            Run(tx, "INSERT INTO report_acks (report_id, report_hash, acked_by, acked_at, received_at) VALUES ($id, $hash, $by, $at, $now)",
                ("$id", reportId), ("$hash", stored), ("$by", ackedBy), ("$at", RecordTime.Format(at)), ("$now", RecordTime.Format(_time.GetUtcNow())));
            tx.Commit();
            return AckOutcome.Acknowledged;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _db.Dispose();
            _ownKeys.Dispose();
        }
    }

    private InspectionReport FileLocked(InspectionReport draft)
    {
        using var tx = _db.BeginTransaction(deferred: false);
        long headSequence;
        string headHash;
        using (var cmd = Command(tx, "SELECT sequence, report_hash, signature FROM chain_head WHERE id = 1"))
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read()) throw new RecordStoreException("the chain head row is missing; run verify-records");
            headSequence = r.GetInt64(0);
            headHash = r.GetString(1);
            // An unsigned report after signed ones would break the chain for every verifier.
            if (_signer is null && !r.IsDBNull(2)) throw new RecordStoreException("this store's reports are signed; it takes the robot's signing key to file more");
        }
        if (Exists("SELECT 1 FROM reports WHERE report_id = $id", draft.ReportId, tx))
        {
            throw new InvalidOperationException($"report '{draft.ReportId}' is already filed; filed reports are immutable");
        }
        var report = draft with { Sequence = headSequence + 1, PreviousReportHash = headHash, ReportHash = null };
        var canonical = ReportSeal.CanonicalBytes(report);
        var hash = ReportSeal.Hash(canonical);
        // What is stored is what is hashed; hand back the report decoded from those bytes (times cut to milliseconds as on the wire).
        // Signed with the robot's key: the hash chain alone can be recomputed by anyone who can write the file.
        var reportSignature = _signer?.Sign(canonical);
        var filed = Decode<InspectionReport>(canonical) with { ReportHash = hash, Signature = reportSignature, SigningKeyId = _signer?.KeyId };
        object signature = reportSignature is { } s ? s : DBNull.Value;
        object keyId = _signer?.KeyId is { } k ? k : DBNull.Value;
        object headSignature = _signer?.Sign(ReportSignature.HeadBytes(filed.Sequence, hash)) is { } hs ? hs : DBNull.Value;
        Run(tx, """
            INSERT INTO reports (sequence, report_id, inspection_id, container_number, verdict, finished_at, previous_hash, report_hash, canonical_json, signature, key_id)
            VALUES ($seq, $id, $inspection, $container, $verdict, $finished, $previous, $hash, $canonical, $signature, $key)
            """,
            ("$seq", filed.Sequence), ("$id", filed.ReportId), ("$inspection", filed.InspectionId), ("$container", filed.Container.Number),
            ("$verdict", filed.Verdict), ("$finished", RecordTime.Format(filed.FinishedAt)), ("$previous", filed.PreviousReportHash),
            ("$hash", hash), ("$canonical", canonical), ("$signature", signature), ("$key", keyId));
        Run(tx, "UPDATE chain_head SET sequence = $seq, report_hash = $hash, signature = $signature, key_id = $key WHERE id = 1",
            ("$seq", filed.Sequence), ("$hash", hash), ("$signature", headSignature), ("$key", keyId));
        Run(tx, "UPDATE inspections SET filed_sequence = $seq WHERE inspection_id = $id", ("$seq", filed.Sequence), ("$id", filed.InspectionId));
        tx.Commit();
        return filed;
    }

    private JournaledInspection LoadJournaled(string inspectionId)
    {
        using var cmd = Command(null, """
            SELECT serial_number, container_json, operator_id, instrument_json, profile_json, started_at, planned_points
            FROM inspections WHERE inspection_id = $id
            """, ("$id", inspectionId));
        using var r = cmd.ExecuteReader();
        r.Read();
        var readings = new List<JournaledReading>();
        using (var rc = Command(null, "SELECT point_id, reading_json, pose_json FROM readings WHERE inspection_id = $id ORDER BY id", ("$id", inspectionId)))
        using (var rr = rc.ExecuteReader())
        {
            while (rr.Read()) readings.Add(new JournaledReading(rr.GetString(0), Decode<RawReading>(rr.GetString(1)), Decode<MeasurementPose>(rr.GetString(2))));
        }
        return new JournaledInspection(inspectionId, r.GetString(0), Decode<ContainerInfo>(r.GetString(1)), r.GetString(2),
            Decode<InstrumentInfo>(r.GetString(3)), Decode<ProfileInfo>(r.GetString(4)), RecordTime.Parse(r.GetString(5)), r.GetInt32(6),
            readings,
            Rows<BackgroundResult>("SELECT result_json FROM background_results WHERE inspection_id = $id ORDER BY id", inspectionId),
            Rows<PointResult>("SELECT result_json FROM point_results WHERE inspection_id = $id ORDER BY id", inspectionId));
    }

    private List<T> Rows<T>(string sql, string inspectionId) where T : class
    {
        using var cmd = Command(null, sql, ("$id", inspectionId));
        using var r = cmd.ExecuteReader();
        var list = new List<T>();
        while (r.Read()) list.Add(Decode<T>(r.GetString(0)));
        return list;
    }

    /// <summary>The inspection exists and is not filed yet (journal writes after filing are refused).</summary>
    private void RequireOpen(string inspectionId)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var cmd = Command(null, "SELECT filed_sequence FROM inspections WHERE inspection_id = $id", ("$id", inspectionId));
        var value = cmd.ExecuteScalar();
        if (value is null) throw new InvalidOperationException($"inspection '{inspectionId}' was never started");
        if (value is not DBNull) throw new InvalidOperationException($"inspection '{inspectionId}' is already filed (report {value}); filed inspections are immutable");
    }

    private void Announce(InspectionReport report)
    {
        try
        {
            ReportFiled?.Invoke(report);
        }
        catch (Exception ex)
        {
            // The report is durably filed; a listener's bug must not make the caller think otherwise.
            _log.LogError(ex, "ReportFiled handler failed for report {ReportId}", report.ReportId);
        }
    }

    /// <summary>A stored report as sent and shown: its canonical bytes with the hash, and the signature and key id when it has them.</summary>
    private static InspectionReport ReadReport(SqliteDataReader r) =>
        Decode<InspectionReport>((byte[])r.GetValue(0)) with
        {
            ReportHash = r.GetString(1),
            Signature = r.IsDBNull(2) ? null : r.GetString(2),
            SigningKeyId = r.IsDBNull(3) ? null : r.GetString(3),
        };

    private static T Decode<T>(string json) where T : class => Decode<T>(System.Text.Encoding.UTF8.GetBytes(json));

    private static T Decode<T>(byte[] json) where T : class =>
        ProtocolCodec.TryDecode<T>(json, out var value, out var error)
            ? value!
            : throw new RecordStoreException($"a stored {typeof(T).Name} is unreadable ({error}); run verify-records");

    private bool Exists(string sql, string id, SqliteTransaction? tx = null)
    {
        using var cmd = Command(tx, sql, ("$id", id));
        return cmd.ExecuteScalar() is not null;
    }

    private void Run(SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = Command(tx, sql, parameters);
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(SqliteTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }

    private static SqliteConnection Connect(string path, SqliteOpenMode mode)
    {
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = mode,
            // One long-lived connection per journal; no pool, so Dispose really closes the file.
            Pooling = false,
            ForeignKeys = true,
            DefaultTimeout = 30,
        };
        var db = new SqliteConnection(cs.ToString());
        db.Open();
        return db;
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    private static void Execute(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static void CheckId(string value, string name, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException($"{name} must not be empty", name);
        if (value.Length > maxLength) throw new ArgumentException($"{name} must be at most {maxLength} characters", name);
        foreach (var ch in value)
        {
            if (char.IsControl(ch) || ch is '+' or '#' or '/') throw new ArgumentException($"{name} must not contain control characters, '+', '#' or '/'", name);
        }
    }
}
