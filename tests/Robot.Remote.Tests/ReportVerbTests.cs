using Microsoft.Extensions.Time.Testing;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Remote.Tests.Support;

namespace Robot.Remote.Tests;

public sealed class ReportVerbTests : RemoteTestBase
{
    [Fact]
    public async Task Reports_prints_a_table_and_passes_the_limit()
    {
        var result = await RunAsync("reports", Serial, "--limit", "5");

        Assert.True(result.ExitCode == 0, result.ToString());
        var request = await NextAsync(Robot.Commands);
        Assert.Equal(CommandNames.ListReports, request.Command);
        Assert.Equal(5, request.Limit);
        Assert.Equal(2, result.Lines.Length);
        Assert.Matches(@"^SEQ\s+REPORT\s+CONTAINER\s+VERDICT\s+FINISHED\s+HASH$", result.Lines[0]);
        Assert.Matches($@"^12\s+R-000012\s+CSQU3054383\s+EXCEEDS\s+2026-05-04 09:42:00Z\s+{Robot.Report.ReportHash![..12]}$", result.Lines[1]);
    }

    [Fact]
    public async Task Reports_json_prints_each_summary_as_the_protocol_has_it()
    {
        var result = await RunAsync("--json", "reports", Serial);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Null((await NextAsync(Robot.Commands)).Limit);
        Assert.Equal(ProtocolCodec.EncodeToString(FakeRobot.Summary(Robot.Report)), Assert.Single(result.Lines));
    }

    [Fact]
    public async Task Report_prints_a_readable_report_and_checks_its_hash()
    {
        var result = await RunAsync("report", Serial, FakeRobot.ReportId);

        Assert.True(result.ExitCode == 0, result.ToString());
        var request = await NextAsync(Robot.Commands);
        Assert.Equal((CommandNames.GetReport, FakeRobot.ReportId), (request.Command, request.ReportId));
        var text = result.Out;
        Assert.Contains("report R-000012 (#12) from robot R1", text);
        Assert.Contains("container   CSQU3054383 (40ft) at (30.50, -12.00) m", text);
        Assert.Contains("started     2026-05-04 09:00:00Z", text);
        Assert.Contains("operator    officer-7", text);
        Assert.Contains("FH40G #D-4711, k1 1.02 k2 0.98 k3 1", text);
        Assert.Contains("calibration CAL-2026-031, valid until 2027-01-31 00:00:00Z", text);
        Assert.Contains("profile     snt0570 v3, standard points, limit 0.100 µSv/h", text);
        Assert.Contains("background  0.071 µSv/h", text);
        Assert.Contains("verdict     EXCEEDS: right-02-h1.3 exceeds 0.171 µSv/h twice", text);
        Assert.Contains("hot spot    right 1.75 m along, 1.20 m high at (31.20, -10.70): 0.431 µSv/h, net 0.360", text);
        Assert.Matches(@"POINT\s+FACE\s+ALONG m\s+HEIGHT m\s+DOSE µSv/h\s+NET µSv/h\s+DECISION", text);
        Assert.Matches(@"right-02-h1\.3-c\s+right\s+1\.50\s+1\.30\s+0\.405\s+0\.334\s+exceeds \(confirmation\)", text);
        Assert.Equal($"hash ok ({Robot.Report.ReportHash})", result.Lines[^1]);
    }

    [Fact]
    public async Task Report_json_and_out_give_the_whole_report_as_the_codec_writes_it()
    {
        var file = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.json");
        try
        {
            var json = await RunAsync("--json", "report", Serial, FakeRobot.ReportId);
            var human = await RunAsync("report", Serial, FakeRobot.ReportId, "--out", file);

            Assert.True(json.ExitCode == 0, json.ToString());
            Assert.True(human.ExitCode == 0, human.ToString());
            var expected = ProtocolCodec.EncodeToString(Robot.Report);
            Assert.Equal(expected, Assert.Single(json.Lines));
            Assert.Equal(expected, (await File.ReadAllTextAsync(file)).TrimEnd());
            Assert.Contains($"wrote report R-000012 to {file}", human.Out);
            Assert.Contains("hash ok", human.Out);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_tampered_report_fails_loudly_with_exit_3()
    {
        Robot.Report = Robot.Report with { Verdict = "PASS" }; // the hash still is the EXCEEDS report's

        var result = await RunAsync("report", Serial, FakeRobot.ReportId);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.DoesNotContain("hash ok", result.Out);
        Assert.Contains($"HASH MISMATCH: report R-000012 claims hash {Robot.Report.ReportHash} but its content hashes to", result.Error);
    }

    [Fact]
    public async Task An_unknown_report_is_refused_with_exit_3()
    {
        var result = await RunAsync("report", Serial, "R-999999");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("refused getReport: notFound: no report R-999999", result.Error);
    }

    [Fact]
    public async Task Ack_publishes_a_report_ack_by_the_operator()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 4, 11, 0, 0, 125, TimeSpan.Zero));

        var result = await RunAsync(time, "--broker", BrokerUrl, "--username", "archive", "--password", ArchiveSecret, "--operator", "officer-7", "ack", Serial, FakeRobot.ReportId);

        Assert.True(result.ExitCode == 0, result.ToString());
        var ack = await NextAsync(Robot.Acks);
        Assert.Equal(FakeRobot.ReportId, ack.ReportId);
        Assert.Equal(Robot.Report.ReportHash, ack.ReportHash);
        Assert.Equal("officer-7", ack.AckedBy);
        Assert.Equal(time.GetUtcNow(), ack.Timestamp);
        Assert.Contains("acknowledged report R-000012 of R1 as officer-7", result.Out);
    }

    [Fact]
    public async Task A_tampered_report_is_not_acknowledged()
    {
        Robot.Report = Robot.Report with { Points = Robot.Report.Points.Take(1).ToList() };

        var result = await RunAsync("ack", Serial, FakeRobot.ReportId);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("HASH MISMATCH", result.Error);
        Assert.False(Robot.Acks.Reader.TryRead(out _));
    }

    [Fact]
    public async Task Silence_alarm_sends_its_command()
    {
        var result = await RunAsync("silence-alarm", Serial);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(CommandNames.SilenceAlarm, (await NextAsync(Robot.Commands)).Command);
        Assert.Contains("robot R1 accepted silenceAlarm: ok", result.Out);
    }
}
