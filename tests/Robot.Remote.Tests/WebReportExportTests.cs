using System.Globalization;
using System.Net;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Remote.Inspection;
using Robot.Remote.Tests.Support;

namespace Robot.Remote.Tests;

/// <summary>Report downloads (CSV and the signed JSON) and who may read them and the audit.</summary>
public sealed class WebReportExportTests : WebRemoteTestBase
{
    private static readonly string ReportPath = $"/api/robots/{Serial}/reports/{FakeRobot.ReportId}";

    [Fact]
    public async Task The_csv_has_a_row_per_point_with_invariant_numbers_and_reads_back()
    {
        using var a = await SignInAsync("officerA");
        var response = await a.Http.GetAsync(ReportPath + ".csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"{FakeRobot.ReportId}.csv", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));

        var rows = ParseCsv(await response.Content.ReadAsStringAsync());
        Assert.Equal(ReportCsv.Columns, rows[0]);
        var table = rows.Skip(1).Select(r => rows[0].Zip(r).ToDictionary(p => p.First, p => p.Second)).ToList();
        var report = Robot.Report;
        Assert.Equal(report.Points.Count + 1, table.Count); // the background, then every point
        Assert.Equal("background", table[0]["kind"]);
        var hot = table.Single(r => r["pointId"] == "right-02-h1.3");
        Assert.Equal(0.412, double.Parse(hot["doseRateUSvPerH"], CultureInfo.InvariantCulture));
        Assert.Equal(0.071, double.Parse(hot["backgroundUSvPerH"], CultureInfo.InvariantCulture));
        Assert.Equal(0.412 - 0.071, double.Parse(hot["netUSvPerH"], CultureInfo.InvariantCulture));
        Assert.Equal(("right", "1.5", "1.3", "exceeds", "true", "EXCEEDS"), (hot["face"], hot["alongM"], hot["heightM"], hot["decision"], hot["overThreshold"], hot["reportVerdict"]));
        Assert.Equal(("clear", "false"), (table.Single(r => r["pointId"] == "right-01-h0.5")["decision"], table.Single(r => r["pointId"] == "right-01-h0.5")["overThreshold"]));
        Assert.Equal("confirmation", table.Single(r => r["pointId"] == "right-02-h1.3-c")["kind"]);
        Assert.Equal("mean of 1 reading", hot["decisionBasis"]);
        Assert.Equal(("officerA", "exportReport", $"{FakeRobot.ReportId}.csv", "accepted"), (Audit()[0].User, Audit()[0].Command, Audit()[0].Detail, Audit()[0].Result));
    }

    [Fact]
    public async Task Csv_fields_with_commas_and_quotes_are_quoted()
    {
        Robot.Report = FakeRobot.Sealed(Robot.Report with
        {
            ReportHash = null,
            Points = [Robot.Report.Points[0] with { DecisionBasis = "SPRT: \"accept\", after 3 readings" }],
        });
        using var a = await SignInAsync("officerA");
        var rows = ParseCsv(await a.Http.GetStringAsync(ReportPath + ".csv"));
        Assert.Equal("SPRT: \"accept\", after 3 readings", rows[2][rows[0].IndexOf("decisionBasis")]);
        Assert.All(rows, r => Assert.Equal(ReportCsv.Columns.Count, r.Count));
    }

    [Fact]
    public async Task The_json_is_the_report_as_the_robot_signed_it_and_its_hash_checks_out()
    {
        using var a = await SignInAsync("officerA");
        var response = await a.Http.GetAsync(ReportPath + ".json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"{FakeRobot.ReportId}.json", response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("ok", response.Headers.GetValues("X-Report-Hash-Check").Single());
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(ProtocolCodec.Encode(Robot.Report), bytes);
        Assert.True(ProtocolCodec.TryDecode<InspectionReport>(bytes, out var report, out var error), error?.ToString());
        Assert.Null(ReportSeal.Problem(report!));
        Assert.Equal(Robot.Report.ReportHash, report!.ReportHash);
    }

    [Fact]
    public async Task A_tampered_report_is_still_exported_but_flagged_and_audited()
    {
        Robot.Report = Robot.Report with { Verdict = Verdicts.Pass };
        using var a = await SignInAsync("officerA");
        var response = await a.Http.GetAsync(ReportPath + ".json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("mismatch", response.Headers.GetValues("X-Report-Hash-Check").Single());
        Assert.StartsWith("HASH MISMATCH", Audit()[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pages_report_read_says_whether_the_hash_checks_out()
    {
        using var observer = await SignInAsync("observer");
        var good = await observer.Http.GetAsync(ReportPath);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("ok", good.Headers.GetValues("X-Report-Hash-Check").Single());
        Assert.Equal(ProtocolCodec.EncodeToString(Robot.Report), await good.Content.ReadAsStringAsync());

        Robot.Report = Robot.Report with { Verdict = Verdicts.Pass };
        var tampered = await observer.Http.GetAsync(ReportPath);
        Assert.Equal(HttpStatusCode.OK, tampered.StatusCode); // still shown: it is evidence
        Assert.Equal("mismatch", tampered.Headers.GetValues("X-Report-Hash-Check").Single());
    }

    [Fact]
    public async Task The_survey_so_far_is_read_for_any_signed_in_role_as_the_robot_answers_it()
    {
        Robot.Survey =
        [
            new MeasuredPoint { PointId = "left-01-h0.5", X = 8.2, Y = -4.6, HeightM = 0.5, DoseRateUSvPerH = 0.071, Decision = "clear" },
            new MeasuredPoint { PointId = "left-02-h0.5", X = 9.2, Y = -4.6, HeightM = 0.5, DoseRateUSvPerH = 0.44, Decision = "exceeds" },
        ];
        using var observer = await SignInAsync("observer");

        var response = await observer.Http.GetAsync($"/api/robots/{Serial}/survey");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ProtocolCodec.EncodeToString(Robot.Survey), await response.Content.ReadAsStringAsync());
        Assert.Equal(CommandNames.SurveyProgress, (await NextAsync(Robot.Commands)).Command);
        Assert.Equal(HttpStatusCode.BadRequest, (await observer.Http.GetAsync("/api/robots/bad%20serial/survey")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_report_is_404_and_a_bad_id_is_400()
    {
        using var a = await SignInAsync("officerA");
        var missing = await a.Http.GetAsync($"/api/robots/{Serial}/reports/R-999999.csv");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no report R-999999", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var bad = await a.Http.GetAsync($"/api/robots/{Serial}/reports/R%2B1.json");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task The_pages_report_read_is_404_for_an_unknown_report_and_400_for_a_bad_id_not_a_500()
    {
        using var a = await SignInAsync("observer");
        Assert.Equal(HttpStatusCode.BadRequest, (await a.Http.GetAsync($"/api/robots/{Serial}/reports/R%2B1")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await a.Http.GetAsync("/api/robots/bad%20serial/reports")).StatusCode);
        Assert.False(Robot.Commands.Reader.TryRead(out _)); // refused before anything was asked of the robot
        var missing = await a.Http.GetAsync($"/api/robots/{Serial}/reports/R-999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("no report R-999999", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csv_text_that_a_spreadsheet_would_run_as_a_formula_is_defused_but_numbers_are_not()
    {
        Robot.Report = FakeRobot.Sealed(Robot.Report with
        {
            ReportHash = null,
            Points = [Robot.Report.Points[0] with { DecisionBasis = "=HYPERLINK(\"http://x\")", NetUSvPerH = -0.02 }],
        });
        using var a = await SignInAsync("officerA");
        var rows = ParseCsv(await a.Http.GetStringAsync(ReportPath + ".csv"));
        Assert.Equal("'=HYPERLINK(\"http://x\")", rows[2][rows[0].IndexOf("decisionBasis")]);
        Assert.Equal("-0.02", rows[2][rows[0].IndexOf("netUSvPerH")]);
    }

    [Fact]
    public async Task Exports_need_an_officer_or_maintainer_and_strangers_get_401()
    {
        using var stranger = Stranger();
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.Http.GetAsync(ReportPath + ".csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.Http.GetAsync(ReportPath + ".json")).StatusCode);
        using var observer = await SignInAsync("observer");
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.Http.GetAsync(ReportPath + ".csv")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.Http.GetAsync(ReportPath + ".json")).StatusCode);
        using var maintainer = await SignInAsync("maintainer");
        Assert.Equal(HttpStatusCode.OK, (await maintainer.Http.GetAsync(ReportPath + ".csv")).StatusCode);
        // The report itself (protocol JSON for the page) stays readable for observers.
        Assert.Equal(HttpStatusCode.OK, (await observer.Http.GetAsync(ReportPath)).StatusCode);
    }

    [Fact]
    public async Task Only_maintainers_read_the_audit()
    {
        using var officer = await SignInAsync("officerA");
        using var observer = await SignInAsync("observer");
        using var maintainer = await SignInAsync("maintainer");
        using var stranger = Stranger();
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.Http.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.Http.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.Http.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await maintainer.Http.GetAsync("/api/audit")).StatusCode);
    }

    /// <summary>RFC 4180, written independently of the exporter: quoted fields, doubled quotes, CRLF rows.</summary>
    private static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; i++; }
            else field.Append(c);
        }
        Assert.True(row.Count == 0 && field.Length == 0, "the CSV must end with CRLF");
        return rows;
    }
}
