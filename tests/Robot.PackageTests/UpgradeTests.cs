using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Robot.Host.Records;
using Robot.Protocol.Broker;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;

namespace Robot.PackageTests;

/// <summary>
/// An upgrade the way dpkg does it on the board: the real dpkg and the package's maintainer scripts
/// install an older robot-host, the maintainer edits the config, the older host has left a record
/// store of the older schema, and the current package is installed over it. The config is kept,
/// the service (started as its unit starts it) migrates the store forward and re-sends the old
/// reports, and the new binary's verify-records accepts the chain. All of it runs in a
/// copy-on-write view of this machine (Upgrade/dpkg-upgrade.sh: overlayfs in a private mount
/// namespace, dpkg chrooted there), so the real system is never changed; that needs root (or sudo -n).
/// The older package is the current one with a lower version (and, in one case, an older default
/// config): the upgrade steps under test are dpkg's and the scripts', not the binary's.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class UpgradeTests(PackageFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robot-pkg-upgrade-").FullName;

    public void Dispose()
    {
        // The overlay's upper layer holds files owned by the chroot's users: remove it as root too.
        PackageFixture.Run(Privileged()[0], [.. Privileged()[1..], "rm", "-rf", _dir], TimeSpan.FromMinutes(1));
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Upgrading_keeps_the_edited_config_and_migrates_the_older_record_store(bool packagedDefaultChanged)
    {
        var package = fixture.Get("amd64");
        var hostBefore = PackageFixture.Run("dpkg-query", ["-W", "-f", "${Status}", "robot-host"], TimeSpan.FromSeconds(30));

        // The older package: the same payload at a lower version; when its default config differs from
        // the new one, dpkg would ask about the edited conffile, and --force-confold keeps the maintainer's.
        var oldVersion = fixture.Version + "~old1";
        var oldDeb = CraftOlderPackage(package.DebPath, oldVersion, packagedDefaultChanged);
        var newDefault = File.ReadAllText(Path.Combine(package.ExtractedRoot, "etc", "robot-host", "appsettings.json"));

        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { BindAddress = "127.0.0.1", Port = 0 }, NullLogger.Instance);
        var serial = packagedDefaultChanged ? "UPG-002" : "UPG-001";
        // The maintainer's edit of the installed config: this robot's identity, the dry-run drivers, the fleet broker.
        var edited = JsonNode.Parse(newDefault)!;
        edited["Robot"]!["SerialNumber"] = serial;
        edited["Hardware"]!["Kind"] = "virtual";
        edited["Broker"]!["Embedded"] = false;
        edited["Link"]!["BrokerUri"] = broker.Uri.ToString();
        edited["Link"]!["Username"] = serial;
        edited["Link"]!["Password"] = broker.Accounts.Issue(serial, ClientRole.Robot, serial);
        var editedText = edited.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
        var config = Path.Combine(_dir, "edited-appsettings.json");
        File.WriteAllText(config, editedText);

        var store = Path.Combine(_dir, "v1-robot-records.db");
        var oldReport = OlderRecordStore.Write(store, serial);

        var messages = new ConcurrentQueue<LinkMessage>();
        await using var client = new MqttLink(new MqttLinkOptions { BrokerUri = broker.Uri, ClientId = "upgrade-test" }, TimeProvider.System);
        client.MessageReceived = m => { messages.Enqueue(m); return Task.CompletedTask; };
        await client.StartAsync(CancellationToken.None);
        var reportsTopic = TopicScheme.Extension(serial, MessageKind.Report);
        await client.SubscribeAsync(reportsTopic);
        await client.SubscribeAsync($"uagv/v2/PortCustoms/{serial}/connection");

        var work = Path.Combine(_dir, "work");
        var stop = Path.Combine(_dir, "stop");
        var script = Path.Combine(AppContext.BaseDirectory, "Upgrade", "dpkg-upgrade.sh");
        var privileged = Privileged();
        string[] args = [.. privileged[1..], "unshare", "--mount", "--propagation", "private", "bash", script, work, oldDeb, package.DebPath, store, config, stop,
            .. packagedDefaultChanged ? new[] { "--force-confold" } : []];
        var psi = new ProcessStartInfo(privileged[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var run = Process.Start(psi)!;
        var output = new StringBuilder();
        run.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        run.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();
        List<InspectionReport> Reports() => messages.Where(m => m.Topic == reportsTopic)
            .Select(m => (InspectionReport)ProtocolCodec.Decode(m.Topic, m.Payload.Span).Message!).ToList();
        try
        {
            // The upgraded service goes online, re-sends the older host's unacknowledged report and files the inspection it left unfinished.
            var deadline = Stopwatch.StartNew();
            while (!(Reports().Select(r => r.ReportId).Distinct().Count() >= 2))
            {
                if (run.HasExited) break;
                Assert.True(deadline.Elapsed < TimeSpan.FromMinutes(3), "no reports from the upgraded host within 3 minutes:\n" + Text(output) + HostLog(work));
                await Task.Delay(100);
            }
        }
        finally
        {
            File.WriteAllText(stop, "");
            if (!run.WaitForExit(TimeSpan.FromMinutes(2))) run.Kill(entireProcessTree: true);
            run.WaitForExit();
        }
        var log = Text(output);
        Assert.True(run.ExitCode == 0, $"the upgrade script failed ({run.ExitCode}):\n{log}{HostLog(work)}");

        // dpkg: the older version installed, then the current one over it; no conffile prompt.
        Assert.Contains($"step: installed {oldVersion} install ok installed", log, StringComparison.Ordinal);
        Assert.Contains($"Unpacking robot-host ({fixture.Version}) over ({oldVersion})", log, StringComparison.Ordinal);
        Assert.Contains($"step: installed {fixture.Version} install ok installed", log, StringComparison.Ordinal);
        Assert.Contains("groups=", log, StringComparison.Ordinal);
        Assert.Matches(@"step: robot user uid=\d+\(robot\) gid=\d+\(robot\) groups=.*gpio.*i2c", log);
        Assert.Contains("step: config root:robot 640", log, StringComparison.Ordinal);
        Assert.Contains("step: records robot:robot 750", log, StringComparison.Ordinal);
        Assert.Contains("step: host exited 0", log, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", log.Replace("--force-confold", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);

        // The maintainer's config is kept; a changed packaged default waits beside it as .dpkg-dist.
        var upper = Path.Combine(work, "upper");
        Assert.Equal(editedText, File.ReadAllText(Path.Combine(upper, "etc", "robot-host", "appsettings.json")));
        var dist = Path.Combine(upper, "etc", "robot-host", "appsettings.json.dpkg-dist");
        if (packagedDefaultChanged) Assert.Equal(newDefault, File.ReadAllText(dist));
        else Assert.False(File.Exists(dist), "a .dpkg-dist appeared although the packaged default did not change");

        // The store: migrated to the current schema by the service, the older report kept byte for byte, the
        // unfinished inspection filed as INVALID after it, and the chain accepted by the new binary's verify-records.
        Assert.Contains("migrated from schema 1 to " + InspectionJournal.SchemaVersion, HostLog(work), StringComparison.Ordinal);
        Assert.Contains("verify-records: /var/lib/robot-host/robot-records.db: 2 reports, chain OK", log, StringComparison.Ordinal);
        using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(upper, "var", "lib", "robot-host", "robot-records.db"), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            db.Open();
            Assert.Equal((long)InspectionJournal.SchemaVersion, Scalar(db, "SELECT max(version) FROM schema_version"));
            Assert.Equal(oldReport.ReportHash, Scalar(db, "SELECT report_hash FROM reports WHERE sequence = 1"));
            Assert.Equal(Verdicts.Invalid, Scalar(db, "SELECT verdict FROM reports WHERE sequence = 2"));
        }
        var reports = Reports();
        var resent = reports.First(r => r.ReportId == oldReport.ReportId);
        Assert.Equal(ProtocolCodec.EncodeToString(oldReport), ProtocolCodec.EncodeToString(resent));
        var recovered = reports.First(r => r.ReportId != oldReport.ReportId);
        Assert.Equal(Verdicts.Invalid, recovered.Verdict);
        Assert.Equal(oldReport.ReportHash, recovered.PreviousReportHash);

        // The real system did not change.
        Assert.Equal(hostBefore.Stdout, PackageFixture.Run("dpkg-query", ["-W", "-f", "${Status}", "robot-host"], TimeSpan.FromSeconds(30)).Stdout);
    }

    /// <summary>How to run a command as root here: directly when the tests run as root, else through sudo -n (never a password prompt).</summary>
    private static string[] Privileged()
    {
        if (Environment.UserName == "root" || PackageFixture.Run("id", ["-u"], TimeSpan.FromSeconds(10)).Stdout.Trim() == "0") return ["env", "--"];
        var sudo = PackageFixture.Run("sudo", ["-n", "true"], TimeSpan.FromSeconds(10));
        Assert.True(sudo.ExitCode == 0, "the upgrade test needs root (mount namespace, overlayfs, chroot): run the tests as root or allow sudo -n");
        return ["sudo", "-n"];
    }

    private string CraftOlderPackage(string currentDeb, string version, bool olderDefault)
    {
        var tree = Path.Combine(_dir, "older");
        var r = PackageFixture.Run("dpkg-deb", ["-R", currentDeb, tree], TimeSpan.FromMinutes(2));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var control = Path.Combine(tree, "DEBIAN", "control");
        File.WriteAllText(control, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(control), "(?m)^Version: .*$", "Version: " + version));
        if (olderDefault)
        {
            var defaults = Path.Combine(tree, "etc", "robot-host", "appsettings.json");
            var older = JsonNode.Parse(File.ReadAllText(defaults))!;
            older.AsObject().Remove("Logging"); // the older default had no Logging section
            File.WriteAllText(defaults, older.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
        var deb = Path.Combine(_dir, $"robot-host_{version}_amd64.deb");
        r = PackageFixture.Run("dpkg-deb", ["--root-owner-group", "-Zgzip", "--build", tree, deb], TimeSpan.FromMinutes(2));
        Assert.True(r.ExitCode == 0, r.Stderr);
        return deb;
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var command = db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    private static string HostLog(string work)
    {
        var path = Path.Combine(work, "host.log");
        return File.Exists(path) ? "\n--- host.log ---\n" + File.ReadAllText(path) : "";
    }
}

/// <summary>
/// A record store as the robot-host of schema version 1 left it: the shipped v1 step (JournalSchema
/// steps are never edited once shipped), one filed report that no client acknowledged, and one
/// inspection cut off with two readings journaled.
/// </summary>
internal static class OlderRecordStore
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    public static InspectionReport Write(string path, string serial)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        Exec(db, "PRAGMA journal_mode = WAL");
        Assert.Equal(0, JournalSchema.Migrate(db, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0), target: 1));
        Assert.Equal(1, JournalSchema.VersionOf(db));

        var container = new ContainerInfo { Number = "MSKU9070323", Type = ContainerTypes.Forty, X = 40, Y = 12, Theta = 0 };
        var instrument = new InstrumentInfo
        {
            Model = "NaI-51", SerialNumber = "D-3301", K1 = 1.05, K2 = 0.98, K3 = 1.0, CosmicResponseUSvPerH = 0.03,
            CalibrationCertificate = "ZJ-2026-0117", CalibrationValidUntil = new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero),
        };
        var profile = new ProfileInfo { Name = "snt0570-2007", Version = "1", PointMode = "standard", LimitUSvPerH = 0.25 };
        var report = new InspectionReport
        {
            ReportId = "rpt-v1-1", Sequence = 1, InspectionId = "insp-v1-1", SerialNumber = serial, Container = container, OperatorId = "op-lee",
            StartedAt = T0, FinishedAt = T0.AddMinutes(20), Instrument = instrument, Profile = profile, Points = [], PlannedPoints = 0,
            Verdict = Verdicts.Anomaly, VerdictReason = "a point raised above background, below the limit", HotSpots = [],
            PreviousReportHash = JournalSchema.GenesisHash,
        };
        var canonical = ReportSeal.CanonicalBytes(report);
        report = report with { ReportHash = ReportSeal.Hash(canonical) };

        Inspection(db, "insp-v1-1", serial, container, instrument, profile, filed: 1);
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = """
                INSERT INTO reports VALUES (1, $id, 'insp-v1-1', 'MSKU9070323', 'ANOMALY', '2026-11-20T09:20:00.000Z', $prev, $hash, $json);
                UPDATE chain_head SET sequence = 1, report_hash = $hash;
                """;
            cmd.Parameters.AddWithValue("$id", report.ReportId);
            cmd.Parameters.AddWithValue("$prev", JournalSchema.GenesisHash);
            cmd.Parameters.AddWithValue("$hash", report.ReportHash);
            cmd.Parameters.AddWithValue("$json", canonical);
            cmd.ExecuteNonQuery();
        }
        Inspection(db, "insp-v1-2", serial, container with { Number = "CSQU3054383" }, instrument, profile, filed: null);
        var pose = ProtocolCodec.EncodeToString(new MeasurementPose { X = 2, Y = 10.1, Theta = 1.57, HeightM = 1.0, WallDistanceM = 0.1 });
        using (var cmd = db.CreateCommand())
        {
            cmd.CommandText = "INSERT INTO readings (inspection_id, point_id, reading_json, pose_json) VALUES ('insp-v1-2', 'F-01-1', $r1, $pose), ('insp-v1-2', 'F-01-1', $r2, $pose)";
            cmd.Parameters.AddWithValue("$r1", ProtocolCodec.EncodeToString(new RawReading { T = T0.AddDays(1), RawUSvPerH = 0.11, Cps = 16.5 }));
            cmd.Parameters.AddWithValue("$r2", ProtocolCodec.EncodeToString(new RawReading { T = T0.AddDays(1).AddSeconds(1), RawUSvPerH = 0.13, Cps = 19.5 }));
            cmd.Parameters.AddWithValue("$pose", pose);
            cmd.ExecuteNonQuery();
        }
        Exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        return report;
    }

    private static void Inspection(SqliteConnection db, string id, string serial, ContainerInfo container, InstrumentInfo instrument, ProfileInfo profile, int? filed)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = """
            INSERT INTO inspections (inspection_id, serial_number, container_json, operator_id, instrument_json, profile_json, started_at, filed_sequence)
            VALUES ($id, $serial, $container, 'op-lee', $instrument, $profile, '2026-11-20T09:00:00.000Z', $filed)
            """;
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$serial", serial);
        cmd.Parameters.AddWithValue("$container", ProtocolCodec.EncodeToString(container));
        cmd.Parameters.AddWithValue("$instrument", ProtocolCodec.EncodeToString(instrument));
        cmd.Parameters.AddWithValue("$profile", ProtocolCodec.EncodeToString(profile));
        cmd.Parameters.AddWithValue("$filed", filed is null ? DBNull.Value : filed.Value);
        cmd.ExecuteNonQuery();
    }

    private static void Exec(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
