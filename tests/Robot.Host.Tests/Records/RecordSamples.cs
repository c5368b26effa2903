using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Robot.Host.Records;
using Robot.Protocol.Extensions;

namespace Robot.Host.Tests.Records;

/// <summary>A temp folder for one test's record store, removed afterwards.</summary>
public sealed class TempStore : IDisposable
{
    public TempStore()
    {
        Folder = Path.Combine(Path.GetTempPath(), "robot-records-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }
    public string DbPath => Path.Combine(Folder, "robot-records.db");

    public string PathFor(string name) => Path.Combine(Folder, name);

    /// <summary>A raw connection for tampering and inspecting, as a maintainer with sqlite3 would.</summary>
    public SqliteConnection Raw(string? path = null)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path ?? DbPath, Pooling = false }.ToString());
        db.Open();
        return db;
    }

    public static void Exec(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Realistic inspection pieces and a clock for the journal tests.</summary>
internal static class RecordSamples
{
    public const string Serial = "RIR-007";
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 9, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(T0);

    /// <summary>A journal that signs with the key beside the store (created there on first use), as the host composes it.</summary>
    public static InspectionJournal Open(string path, FakeTimeProvider clock) => InspectionJournal.Open(path, Serial, clock, signingKey: KeyBeside(path));

    /// <summary>A journal without a signing key: files unsigned reports, as a robot-host before signing did.</summary>
    public static InspectionJournal OpenUnsigned(string path, FakeTimeProvider clock) => InspectionJournal.Open(path, Serial, clock);

    /// <summary>The signing key at the default place for the store at <paramref name="dbPath"/>.</summary>
    public static ReportSigningKey KeyBeside(string dbPath) => ReportSigningKey.LoadOrCreate(new RecordsOptions().ResolveSigningKeyPath(dbPath));

    /// <summary>The public key file of the default key beside the store.</summary>
    public static string PublicKeyBeside(string dbPath) => ReportSignature.PublicKeyPathFor(new RecordsOptions().ResolveSigningKeyPath(dbPath));

    public static ContainerInfo Container(string number = "MSKU9070323") => new() { Number = number, Type = ContainerTypes.Forty, X = 40, Y = 12, Theta = 0 };

    public static InstrumentInfo Instrument() => new()
    {
        Model = "NaI-51", SerialNumber = "D-3301", K1 = 1.05, K2 = 0.98, K3 = 1.0, CosmicResponseUSvPerH = 0.03,
        CalibrationCertificate = "ZJ-2026-0117", CalibrationValidUntil = new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero),
    };

    public static ProfileInfo Profile() => new() { Name = "snt0570-2007", Version = "1", PointMode = "standard", LimitUSvPerH = 0.25 };

    public static MeasurementPose Pose(double x, double height = 1.0, double? wall = 0.1) => new() { X = x, Y = 10.1, Theta = 1.57, HeightM = height, WallDistanceM = wall };

    public static RawReading Reading(DateTimeOffset t, double value) => new() { T = t, RawUSvPerH = value, Cps = value * 150 };

    public static void Start(InspectionJournal journal, string inspectionId, string container = "MSKU9070323") =>
        journal.StartInspection(inspectionId, Container(container), "op-lee", Instrument(), Profile(), T0);

    /// <summary>Journal n readings for a point (or "background") at 1 s spacing from <paramref name="from"/>; returns them.</summary>
    public static List<RawReading> Readings(InspectionJournal journal, string inspectionId, string pointId, int n, DateTimeOffset from, double level, double x = 1)
    {
        var list = new List<RawReading>();
        for (var i = 0; i < n; i++)
        {
            var r = Reading(from.AddSeconds(i), level + 0.001 * i);
            journal.AppendReading(inspectionId, pointId, r, Pose(x));
            list.Add(r);
        }
        return list;
    }

    public static BackgroundResult Background(IReadOnlyList<RawReading> readings) => new()
    {
        Pose = Pose(0), Readings = readings, MeanRawUSvPerH = readings.Average(r => r.RawUSvPerH), StandardErrorUSvPerH = 0.002,
        DoseRateUSvPerH = 0.09, Attempts = 1, MeasuredAt = readings[^1].T,
    };

    public static PointResult Point(string pointId, IReadOnlyList<RawReading> readings, double along = 1) => new()
    {
        PointId = pointId, Face = "left", AlongM = along, HeightM = 1.0, Pose = Pose(along), Readings = readings,
        MeanRawUSvPerH = readings.Average(r => r.RawUSvPerH), StandardErrorUSvPerH = 0.003, DoseRateUSvPerH = 0.1, NetUSvPerH = 0.01,
        Decision = PointDecisions.Clear, Mode = "standard", DecisionBasis = "mean of 5 below threshold", DwellS = 5,
    };

    /// <summary>A complete PASS draft of a journaled inspection (background and two points).</summary>
    public static InspectionReport RunAndDraft(InspectionJournal journal, string inspectionId, string verdict = Verdicts.Pass)
    {
        Start(journal, inspectionId);
        journal.SetPlannedPoints(inspectionId, 2);
        var bg = Background(Readings(journal, inspectionId, "background", 5, T0.AddMinutes(1), 0.085));
        journal.AppendBackground(inspectionId, bg);
        var p1 = Point("L-01-1", Readings(journal, inspectionId, "L-01-1", 5, T0.AddMinutes(3), 0.09, 1));
        journal.AppendPoint(inspectionId, p1);
        var p2 = Point("L-02-1", Readings(journal, inspectionId, "L-02-1", 5, T0.AddMinutes(4), 0.091, 3), 3);
        journal.AppendPoint(inspectionId, p2);
        return Draft(inspectionId, verdict, bg, [p1, p2]);
    }

    public static InspectionReport Draft(string inspectionId, string verdict, BackgroundResult? background, IReadOnlyList<PointResult> points) => new()
    {
        ReportId = "rpt-" + inspectionId,
        Sequence = 0,
        InspectionId = inspectionId,
        SerialNumber = Serial,
        Container = Container(),
        OperatorId = "op-lee",
        StartedAt = T0,
        FinishedAt = T0.AddMinutes(20),
        Instrument = Instrument(),
        Profile = Profile(),
        Background = background,
        ThresholdUSvPerH = background is null ? null : background.DoseRateUSvPerH + 0.25,
        Points = points,
        PlannedPoints = 2,
        Verdict = verdict,
        VerdictReason = verdict == Verdicts.Pass ? "every point below background + 0.25 µSv/h" : "test verdict",
        HotSpots = [],
        PreviousReportHash = "ignored",
    };
}
