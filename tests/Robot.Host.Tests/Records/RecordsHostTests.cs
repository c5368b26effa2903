using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Robot.Host.Hosting;
using Robot.Host.Records;
using Robot.Protocol.Extensions;
using Robot.Simulator.Yard;
using static Robot.Host.Tests.Records.RecordSamples;

namespace Robot.Host.Tests.Records;

/// <summary>The records in the composed host, and the maintainer's verify-records verb.</summary>
public class RecordsHostTests
{
    [Fact]
    public async Task The_host_opens_the_configured_store_and_files_what_an_earlier_run_left_unfinished()
    {
        using var store = new TempStore();
        var path = store.PathFor("deep/folder/records.db");
        using (var dead = InspectionJournal.Open(path, "RIG-009", Clock()))
        {
            dead.StartInspection("insp-9", Container(), "op-lee", Instrument(), Profile(), T0);
            dead.AppendReading("insp-9", "background", Reading(T0, 0.08), Pose(0));
        }
        var clock = new Robot.Simulator.Clock.SimClock();
        using var world = new SimWorld(new SimWorldOptions(), clock.Time);
        var builder = RobotHostBuilder.Create([], _ => world.Hardware, clock.Time,
        [
            new("Link:BrokerUri", "mqtt://127.0.0.1:1"),
            new("Robot:SerialNumber", "RIG-009"),
            new("Records:DatabasePath", path),
        ]);
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var journal = host.Services.GetRequiredService<InspectionJournal>();
            Assert.Equal(path, journal.Path);
            var report = Assert.Single(journal.PendingReports());
            Assert.Equal(("insp-9", Verdicts.Invalid, "RIG-009"), (report.InspectionId, report.Verdict, report.SerialNumber));
            await host.StopAsync();
        }
        await clock.DisposeAsync();
        Assert.Equal(0, VerifyRecordsVerb.Run(["--db", path], new StringWriter(), new StringWriter()));
    }

    [Fact]
    public void Verify_records_prints_the_count_and_OK()
    {
        using var store = new TempStore();
        using (var journal = Open(store.DbPath, Clock()))
        {
            journal.FileReport(RunAndDraft(journal, "insp-1"));
            journal.FileReport(RunAndDraft(journal, "insp-2"));
        }
        var (code, stdout, stderr) = Verify("--db", store.DbPath);
        Assert.Equal(0, code);
        using var key = KeyBeside(store.DbPath);
        Assert.Equal($"verify-records: {store.DbPath}: 2 reports, chain OK, 2 signed (key {key.KeyId})", stdout.Trim());
        Assert.Empty(stderr);
    }

    [Fact]
    public void Verify_records_names_the_first_broken_link_and_exits_1()
    {
        using var store = new TempStore();
        using (var journal = Open(store.DbPath, Clock()))
        {
            foreach (var id in new[] { "insp-1", "insp-2", "insp-3" }) journal.FileReport(RunAndDraft(journal, id));
        }
        using (var raw = store.Raw())
        {
            TempStore.Exec(raw, "DROP TRIGGER reports_are_immutable; UPDATE reports SET report_hash = upper(report_hash) WHERE sequence = 2");
        }
        var (code, stdout, _) = Verify($"--db={store.DbPath}");
        Assert.Equal(1, code);
        Assert.StartsWith($"verify-records: {store.DbPath}: 3 reports, chain BROKEN at report 2: hash mismatch", stdout.Trim(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--db", "missing.db", "there is no record store")]
    [InlineData("--frobnicate", null, "unexpected argument '--frobnicate'")]
    [InlineData("--db=", null, "--db needs a path")]
    public void Verify_records_refuses_a_missing_store_or_bad_arguments(string arg, string? value, string message)
    {
        using var store = new TempStore();
        string[] args = value is null ? [arg] : [arg, store.PathFor(value)];
        var (code, stdout, stderr) = Verify(args);
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_db_verify_records_checks_the_store_the_config_names()
    {
        using var store = new TempStore();
        using (var journal = Open(store.DbPath, Clock())) journal.FileReport(RunAndDraft(journal, "insp-1"));
        var config = store.PathFor("appsettings.json");
        File.WriteAllText(config, $$$"""{"Records":{"DatabasePath":"{{{store.DbPath}}}"}}""");

        var (code, stdout, stderr) = Verify("--config", config);

        Assert.True(code == 0, stderr);
        Assert.StartsWith($"verify-records: {store.DbPath}: 1 reports, chain OK, 1 signed (key ", stdout.Trim(), StringComparison.Ordinal);

        (code, _, stderr) = Verify($"--config={store.PathFor("none.json")}");
        Assert.Equal(1, code);
        Assert.Contains("none.json does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_cli_has_the_verb()
    {
        using var store = new TempStore();
        using (Open(store.DbPath, Clock())) { }
        var stdout = new StringWriter();
        Assert.Equal(0, await RobotHostCli.RunAsync(["verify-records", "--db", store.DbPath], stdout, new StringWriter()));
        Assert.Contains("0 reports, chain OK", stdout.ToString(), StringComparison.Ordinal);
    }

    private static (int Code, string Stdout, string Stderr) Verify(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = VerifyRecordsVerb.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
