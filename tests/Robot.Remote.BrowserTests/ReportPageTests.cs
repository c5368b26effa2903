using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Robot.Protocol.Extensions;
using Robot.Remote.Web;
using static Robot.Remote.BrowserTests.Phones;

namespace Robot.Remote.BrowserTests;

/// <summary>
/// The report page in detail, on known reports (<see cref="SampleReports"/>) behind a faked server:
/// the header block, the dose map against the report's threshold and to scale, print, the alarm
/// banner. Seconds each; the whole path from a real inspection is InspectionBrowserTests.
/// </summary>
public sealed class ReportPageTests(ReportPageFixture fixture) : IClassFixture<ReportPageFixture>
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private const string Red = "#e03131", Amber = "#f59f00", Green = "#2f9e44";

    [Fact]
    public async Task The_header_block_says_what_was_inspected_by_whom_with_which_instrument_calibration_and_profile_and_the_verdict()
    {
        var report = SampleReports.Hot40();
        var (page, _) = await fixture.PhoneAsync(report);
        await ReportPageFixture.OpenReportAsync(page);
        var head = page.Locator("#report .rpt-head");
        await Expect(head.Locator("h2")).ToHaveTextAsync("Radiation inspection report / 辐射检测报告");
        await Expect(head.Locator(".verdict-word")).ToHaveTextAsync("EXCEEDS");
        await Expect(head.Locator(".verdict-reason")).ToHaveTextAsync(report.VerdictReason);
        Assert.True(await FontSizeAsync(head.Locator(".verdict-word")) >= 28, "the verdict is not in large type");

        await Expect(Fact(page, "Report")).ToContainTextAsync(report.ReportId);
        await Expect(Fact(page, "Container")).ToContainTextAsync("TGHU7720313 · 40ft (12.192 × 2.438 × 2.591 m)");
        await Expect(Fact(page, "Robot")).ToHaveTextAsync(ReportPageFixture.Serial);
        await Expect(Fact(page, "Operator")).ToHaveTextAsync("web:officer");
        // Local time with its zone (the phone is in Shanghai); UTC only on paper.
        await Expect(Fact(page, "Started")).ToContainTextAsync("26/11/2026, 16:46:07 GMT+8");
        await Expect(Fact(page, "Finished")).ToContainTextAsync("26/11/2026, 17:58:16 GMT+8");
        await Expect(Fact(page, "Started").Locator(".utc")).ToBeHiddenAsync();
        await Expect(Fact(page, "Started").Locator(".utc")).ToHaveTextAsync("(2026-11-26 08:46:07 UTC)");
        // The quick demo profile cannot pass for the standard one.
        await Expect(Fact(page, "Profile")).ToContainTextAsync("demo-quick v1.0 · sequential decision, limit background + 0.25 µSv/h");
        await Expect(Fact(page, "Profile").Locator(".warn")).ToBeVisibleAsync();
        await Expect(Fact(page, "Profile").Locator(".warn")).ToContainTextAsync("not the standard profile snt0570-2007");
        await Expect(Fact(page, "Instrument")).ToHaveTextAsync("NaI 2x2 survey probe · serial PROBE-0001 · 1400 counts/s per µSv/h");
        await Expect(Fact(page, "Calibration")).ToHaveTextAsync("k1 1.02 · k2 0.98 · k3 1 · Hc 0.004 µSv/h · certificate CAL-2026-0117 · valid until 2027-12-31 ✓ valid at the inspection");
        // How the robot turned counts into dose, in its own words (issue 10: stated in the report).
        await Expect(Fact(page, "Dose from")).ToContainTextAsync("spectrum-weighted dose (G(E)), right at every energy");
        await Expect(Fact(page, "Background")).ToContainTextAsync("0.069 ± 0.001 µSv/h · 2 attempt(s) · measured 26/11/2026, 16:01:31 GMT+8");
        await Expect(Fact(page, "Threshold")).ToHaveTextAsync("0.319 µSv/h (background 0.069 + 0.25)");
        var over = report.Points.Count(p => p.DoseRateUSvPerH > SampleReports.Threshold);
        await Expect(Fact(page, "Points")).ToHaveTextAsync($"{report.Points.Count} measured (84 survey points of 84 planned); {over} over the threshold");
        await Expect(Fact(page, "Report hash")).ToHaveTextAsync($"{report.ReportHash} ✓ hash verified");
        await Expect(Fact(page, "Previous report")).ToHaveTextAsync(report.PreviousReportHash);
        // The hot spot, named as on the map.
        await Expect(page.Locator("#report .hotspots li")).ToHaveTextAsync(
            $"H1 · Left side, 4.57 m along, 0.80 m high: {report.HotSpots[0].DoseRateUSvPerH:0.000} µSv/h (net {report.HotSpots[0].NetUSvPerH:0.000})");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_report_on_the_standard_profile_has_no_warning_but_an_expired_calibration_and_a_wrong_hash_are_flagged()
    {
        var report = SampleReports.Seal(SampleReports.Clean20() with
        {
            Instrument = SampleReports.Clean20().Instrument with { CalibrationValidUntil = new DateTimeOffset(2026, 10, 31, 0, 0, 0, TimeSpan.Zero) },
        });
        var (page, _) = await fixture.PhoneAsync(report, hashCheck: "mismatch");
        await ReportPageFixture.OpenReportAsync(page);
        await Expect(page.Locator("#report .verdict-word")).ToHaveTextAsync("PASS");
        await Expect(Fact(page, "Container")).ToContainTextAsync("CSQU3054383 · 20ft (6.058 × 2.438 × 2.591 m)");
        await Expect(Fact(page, "Profile")).ToHaveTextAsync("snt0570-2007 v1.0 · standard decision, limit background + 0.25 µSv/h");
        await Expect(Fact(page, "Calibration")).ToContainTextAsync("valid until 2026-10-31 ✗ EXPIRED before the inspection");
        await Expect(Fact(page, "Report hash")).ToContainTextAsync("✗ HASH MISMATCH: do not trust this report");
        await Expect(page.Locator("#report .hotspots li")).ToHaveTextAsync("—");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_dose_map_colours_every_point_against_the_reports_threshold_and_marks_exceeds_decisions_and_hot_spots_by_shape()
    {
        var report = SampleReports.Hot40();
        var (page, _) = await fixture.PhoneAsync(report);
        await ReportPageFixture.OpenReportAsync(page);
        var map = page.Locator("#report .dosemap .faces");
        var raisedFrom = SampleReports.Background + SampleReports.Limit / 2;

        // The legend states the thresholds in µSv/h.
        var legend = page.Locator("#report .legend");
        await Expect(legend.Locator(".lg-over")).ToHaveTextAsync("over the threshold: above 0.319 µSv/h");
        await Expect(legend.Locator(".lg-raised")).ToHaveTextAsync("raised: above 0.194 µSv/h (background + half the limit)");
        await Expect(legend.Locator(".lg-below")).ToHaveTextAsync("at or below 0.194 µSv/h");
        await Expect(legend.Locator(".lg-exceeds")).ToContainTextAsync("exceeds");
        await Expect(legend.Locator(".lg-hot")).ToContainTextAsync("hot spot");

        // Every point on its face; red exactly for the points over the threshold, amber for the raised ones.
        foreach (var face in new[] { "right", "left", "door", "front" })
        {
            await Expect(map.Locator($"svg.face-map[data-face='{face}'] .pt")).ToHaveCountAsync(report.Points.Count(p => p.Face == face));
        }
        var over = report.Points.Where(p => p.Decision != PointDecisions.Invalid && p.DoseRateUSvPerH > SampleReports.Threshold).ToList();
        var raised = report.Points.Where(p => p.Decision != PointDecisions.Invalid && p.DoseRateUSvPerH > raisedFrom && p.DoseRateUSvPerH <= SampleReports.Threshold).ToList();
        Assert.True(over.Count > 10 && raised.Count > 0, "the sample report should have points in every band");
        await Expect(map.Locator($".pt[fill='{Red}']")).ToHaveCountAsync(over.Count);
        await Expect(map.Locator($".pt[fill='{Amber}']")).ToHaveCountAsync(raised.Count);
        await Expect(map.Locator($".pt[fill='{Green}']")).ToHaveCountAsync(report.Points.Count(p => p.Decision != PointDecisions.Invalid) - over.Count - raised.Count);
        Assert.Equal(over.Select(p => p.PointId).Distinct().Order(), (await map.Locator($".pt[fill='{Red}']").EvaluateAllAsync<string[]>("e => e.map(x => x.dataset.id)")).Distinct().Order());
        // The robot's "exceeds" decisions are squares with a dark outline; the anomaly over the threshold is red but round.
        await Expect(map.Locator("rect.pt.dec-exceeds")).ToHaveCountAsync(report.Points.Count(p => p.Decision == PointDecisions.Exceeds));
        await Expect(map.Locator(".pt.dec-exceeds:not(rect)")).ToHaveCountAsync(0);
        var anomaly = map.Locator(".pt[data-id='left-07-h1.3']");
        Assert.Equal(("circle", Red), (await anomaly.EvaluateAsync<string>("e => e.tagName"), await anomaly.GetAttributeAsync("fill")));
        await Expect(map.Locator("g.pt.dec-invalid")).ToHaveCountAsync(1);
        // The hot spot: a crosshair (ring and ticks, not a colour), named H1, where the report puts it.
        var spot = map.Locator("svg.face-map[data-face='left'] .hotspot");
        await Expect(spot).ToHaveCountAsync(1);
        await Expect(spot.Locator("circle")).ToHaveCountAsync(2); // white halo and dark ring
        await Expect(spot.Locator("title")).ToContainTextAsync("H1 · Left side, 4.57 m along, 0.80 m high");
        await Expect(map.Locator("svg.face-map[data-face='left'] .detail-name")).ToHaveTextAsync("H1 detail ▾");
        await Expect(map.Locator(".hotspot")).ToHaveCountAsync(1);
        // Values: a title on every point, labels on the points over the threshold (on the face, or in the hot spot's detail).
        await Expect(map.Locator(".pt[data-id='left-07-h1.3'] title")).ToHaveTextAsync("left-07-h1.3: 0.331 µSv/h (net 0.262) · anomaly · 6.60 m, 1.30 m");
        await Expect(map.Locator("svg.face-map text.value")).ToHaveTextAsync(["0.33"]);
        var detail = page.Locator("#report .face.detail[data-hot='H1']");
        await Expect(detail.Locator("figcaption")).ToHaveTextAsync("Detail round hot spot H1 (Left side, enlarged ×4)");
        var labelled = report.Points.Where(p => p.Face == "left" && p.Kind != "remeasure" && p.DoseRateUSvPerH > SampleReports.Threshold
            && p.AlongM is > 3.07 and < 6.08 && !(p.AlongM == report.HotSpots[0].AlongM && p.HeightM == report.HotSpots[0].HeightM)).ToList();
        await Expect(detail.Locator("text.value")).ToHaveCountAsync(labelled.Count);
        await Expect(detail.Locator(".hotspot text")).ToHaveTextAsync($"H1 {report.HotSpots[0].DoseRateUSvPerH:0.00}");
        // A tap shows a point's reading.
        await map.Locator(".pt[data-id='left-07-h1.3']").TapAsync();
        await Expect(page.Locator("#map-readout")).ToHaveTextAsync("left-07-h1.3: 0.331 µSv/h (net 0.262) · anomaly · 6.60 m, 1.30 m");
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("40ft", 12.192, 2.591)]
    [InlineData("20ft", 6.058, 2.591)]
    public async Task Every_face_is_drawn_to_scale_on_one_scale_that_fits_the_phone_with_every_marker_inside_its_wall(string type, double length, double height)
    {
        var report = type == "40ft" ? SampleReports.Hot40() : SampleReports.Clean20();
        var (page, _) = await fixture.PhoneAsync(report);
        await ReportPageFixture.OpenReportAsync(page);
        var faces = await page.Locator("#report svg.face-map").EvaluateAllAsync<JsonElement>("""
            svgs => svgs.map(svg => {
              const box = svg.getBoundingClientRect(), wall = svg.querySelector('.wall').getBoundingClientRect();
              const outside = [...svg.querySelectorAll('circle.pt, rect.pt')].filter(m => {
                const b = m.getBoundingClientRect();
                return b.left < wall.left - 0.5 || b.right > wall.right + 0.5 || b.top < wall.top - 0.5 || b.bottom > wall.bottom + 0.5;
              }).map(m => m.dataset.id);
              return { face: svg.dataset.face, left: box.left, right: box.right, wallWidth: wall.width, wallHeight: wall.height, outside };
            })
            """);
        var byFace = faces.EnumerateArray().ToDictionary(f => f.GetProperty("face").GetString()!);
        Assert.Equal(4, byFace.Count);
        var pxPerM = byFace["right"].GetProperty("wallWidth").GetDouble() / length;
        foreach (var (face, f) in byFace)
        {
            var real = face is "right" or "left" ? length : 2.438;
            Assert.True(Math.Abs(f.GetProperty("wallWidth").GetDouble() / real / pxPerM - 1) < 0.01, $"{face}: {f.GetProperty("wallWidth").GetDouble():0.0} px for {real} m is not on the right side's scale ({pxPerM:0.00} px/m)");
            Assert.True(Math.Abs(f.GetProperty("wallHeight").GetDouble() / height / pxPerM - 1) < 0.01, $"{face}: {f.GetProperty("wallHeight").GetDouble():0.0} px high for {height} m");
            Assert.True(f.GetProperty("left").GetDouble() >= 0 && f.GetProperty("right").GetDouble() <= 360, $"{face} does not fit the phone's width");
            Assert.Empty(f.GetProperty("outside").EnumerateArray());
        }
        // The longest face uses the width it has (the drawing is as large as the phone allows).
        Assert.True(byFace["right"].GetProperty("right").GetDouble() - byFace["right"].GetProperty("left").GetDouble() > 300);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Close_points_round_a_hot_spot_are_small_on_the_face_and_apart_in_the_detail()
    {
        var (page, _) = await fixture.PhoneAsync(SampleReports.Hot40());
        await ReportPageFixture.OpenReportAsync(page);
        var radius = await page.Locator("#report svg.face-map[data-face='left']").EvaluateAsync<double[]>("""
            svg => ['.pt:not(.kind-refine):not(.kind-remeasure)', '.pt.kind-refine', '.pt.kind-remeasure']
              .map(s => Math.max(...[...svg.querySelectorAll(s)].map(m => m.getBoundingClientRect().width)))
            """);
        Assert.True(radius[1] < radius[0] * 0.7 && radius[2] < radius[0] * 0.7, $"re-measurements and the finer grid ({radius[2]:0.0}, {radius[1]:0.0} px) should be smaller than survey points ({radius[0]:0.0} px)");
        // A re-measurement sits beside its point, not on it.
        var hidden = await page.Locator("#report svg.face-map[data-face='left']").EvaluateAsync<string[]>("""
            svg => [...svg.querySelectorAll('.pt.kind-remeasure')].filter(re => {
              const a = re.getBoundingClientRect(), b = svg.querySelector(`.pt:not(.kind-remeasure):not(.kind-refine)[data-id='${re.dataset.id}']`).getBoundingClientRect();
              return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
            }).map(re => re.dataset.id)
            """);
        Assert.Empty(hidden);
        // In the detail no two markers overlap.
        var overlaps = await page.Locator("#report .face.detail svg").EvaluateAsync<string[]>("""
            svg => {
              const m = [...svg.querySelectorAll('circle.pt, rect.pt')].map(e => ({ id: e.dataset.id + (e.classList.contains('kind-remeasure') ? ' (re)' : ''), b: e.getBoundingClientRect() }));
              const out = [];
              for (let i = 0; i < m.length; i++) for (let j = i + 1; j < m.length; j++) {
                const a = m[i].b, b = m[j].b;
                if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) out.push(m[i].id + ' / ' + m[j].id);
              }
              return out;
            }
            """);
        Assert.Empty(overlaps);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_A4_the_controls_do_not_print_the_verdict_is_black_in_a_bold_border_and_every_page_carries_the_report_id_and_hash()
    {
        var report = SampleReports.Hot40();
        var (page, _) = await fixture.PhoneAsync(report);
        await ReportPageFixture.OpenReportAsync(page);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        foreach (var control in new[] { ".top", "nav.tabs", "#estop", ".stats", ".dose", "#report-list", "#print-report", "#export-csv", ".legend + .hint", "#lease" })
        {
            await Expect(page.Locator(control)).ToBeHiddenAsync();
        }
        await Expect(page.Locator("#report .rpt-head")).ToBeVisibleAsync();
        var verdict = await page.Locator("#report .verdict").EvaluateAsync<string[]>(
            "e => { const s = getComputedStyle(e), w = getComputedStyle(e.querySelector('.verdict-word')); return [s.backgroundColor, w.color, s.borderTopWidth, s.borderTopStyle, s.borderTopColor]; }");
        Assert.Equal("rgb(255, 255, 255)", verdict[0]);
        Assert.Equal("rgb(0, 0, 0)", verdict[1]);
        Assert.True(double.Parse(verdict[2].Replace("px", "", StringComparison.Ordinal), Inv) >= 5, $"EXCEEDS should have a bold border, it has {verdict[2]}");
        Assert.Equal(("solid", "rgb(0, 0, 0)"), (verdict[3], verdict[4]));
        await Expect(page.Locator("#report .rpt-head .utc").First).ToBeVisibleAsync();
        // The header block fits the first page: A4 less the margins is 186 x 267 mm, 703 x 1009 CSS px.
        await page.SetViewportSizeAsync(703, 1009);
        var head = await page.Locator("#report .rpt-head").BoundingBoxAsync();
        Assert.True(head is not null && head.Height < 1009 * 0.8, $"the header block is {head?.Height:0} px high on a 1009 px page");
        Assert.Equal("avoid", await page.Locator("#report .rpt-head").EvaluateAsync<string>("e => getComputedStyle(e).breakInside"));
        // No face heading left alone at the foot of a page.
        Assert.Equal("avoid", await page.Locator("#report .face").First.EvaluateAsync<string>("e => getComputedStyle(e).breakInside"));
        Assert.Equal("avoid", await page.Locator("#report .face figcaption").First.EvaluateAsync<string>("e => getComputedStyle(e).breakAfter"));
        Assert.Equal("avoid", await page.Locator("#report h3").First.EvaluateAsync<string>("e => getComputedStyle(e).breakAfter"));

        var pdf = await page.PdfAsync(new PagePdfOptions { Format = "A4", PrintBackground = true, PreferCSSPageSize = true });
        var text = Encoding.Latin1.GetString(pdf);
        Assert.Matches(new Regex(@"/MediaBox\s*\[\s*0\s+0\s+59[456](\.\d+)?\s+84[123](\.\d+)?\s*\]"), text); // A4 (595.3 x 841.9 points, to Chromium's rounding)
        Assert.True(PrintedPdf.Pages(pdf) >= 3, $"{PrintedPdf.Pages(pdf)} pages");
        Assert.Contains($"Report {report.ReportId} · SHA-256 {report.ReportHash}", await page.Locator("#print-footer").TextContentAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_report_reads_in_Chinese()
    {
        var (page, _) = await fixture.PhoneAsync(SampleReports.Hot40(), locale: "zh-CN");
        await ReportPageFixture.OpenReportAsync(page);
        await Expect(page.Locator("#report .rpt-title")).ToHaveTextAsync("辐射检测报告 / Radiation inspection report");
        await Expect(page.Locator("#report .verdict-word")).ToHaveTextAsync("超标 EXCEEDS");
        await Expect(Fact(page, "仪器")).ToContainTextAsync("编号 PROBE-0001");
        await Expect(Fact(page, "测量规程").Locator(".warn")).ToContainTextAsync("非标准规程 snt0570-2007");
        await Expect(page.Locator("#report .legend .lg-over")).ToHaveTextAsync("超过阈值：高于 0.319 µSv/h");
        await Expect(page.Locator("#report .face[data-face='door'] figcaption b")).ToHaveTextAsync("箱门端");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_alarm_banner_silences_the_robot_or_only_hides_and_leaves_the_lease_line_uncovered()
    {
        var (page, server) = await fixture.PhoneAsync(SampleReports.Hot40());
        await page.GotoAsync("/");
        await page.Locator($"#robot-list button[data-serial='{ReportPageFixture.Serial}']").TapAsync();
        await server.SendAsync(LeaseMessage());
        // Scrolled down to the inspection form, as an officer would be when the verdict comes.
        await page.Locator("button[data-tab='inspect']").TapAsync();
        await page.EvaluateAsync("window.scrollTo(0, 400)");
        await server.SendAsync(ExceedsTelemetry());
        var alarm = page.Locator("#alarm");
        await Expect(alarm).ToBeVisibleAsync();
        await Expect(alarm.Locator("#alarm-text")).ToHaveTextAsync("ALARM: EXCEEDS — TGHU7720313");
        await Expect(alarm.Locator("#alarm-silence")).ToBeVisibleAsync();
        await Phones.AssertLeaseLineUncoveredAsync(page);

        // Dismiss only hides the banner: nothing is sent.
        await alarm.Locator("#alarm-dismiss").TapAsync();
        await Expect(alarm).ToBeHiddenAsync();
        Assert.Empty(server.Posts);

        // The next report's alarm: Silence asks the robot to silence its buzzer, then hides the banner.
        await server.SendAsync(ExceedsTelemetry("R-2"));
        await Expect(alarm).ToBeVisibleAsync();
        await alarm.Locator("#alarm-silence").TapAsync();
        await Expect(alarm).ToBeHiddenAsync();
        Assert.Equal([$"/api/robots/{ReportPageFixture.Serial}/silence-alarm"], server.Posts);
        await Expect(page.Locator("#toast")).ToHaveTextAsync($"Alarm of {ReportPageFixture.Serial} silenced");
        await page.Context.CloseAsync();

        // An observer may only dismiss.
        var (watcher, watcherServer) = await fixture.PhoneAsync(SampleReports.Hot40(), role: "observer");
        await watcher.GotoAsync("/");
        await watcher.Locator($"#robot-list button[data-serial='{ReportPageFixture.Serial}']").TapAsync();
        await watcherServer.SendAsync(ExceedsTelemetry());
        await Expect(watcher.Locator("#alarm")).ToBeVisibleAsync();
        await Expect(watcher.Locator("#alarm-silence")).ToBeHiddenAsync();
        await Expect(watcher.Locator("#alarm-dismiss")).ToBeVisibleAsync();
        await watcher.Context.CloseAsync();
    }

    [Fact]
    public async Task A_page_opened_after_an_old_silenced_exceeds_report_raises_no_alarm_but_the_next_one_does()
    {
        var (page, server) = await fixture.PhoneAsync(SampleReports.Hot40());
        await page.GotoAsync("/");
        await page.Locator($"#robot-list button[data-serial='{ReportPageFixture.Serial}']").TapAsync();
        var alarm = page.Locator("#alarm");

        // The robot's last report is EXCEEDS, but its alarm was silenced long ago: old news.
        await server.SendAsync(ExceedsTelemetry("R-old", alarmOn: false));
        await page.WaitForFunctionAsync("window.telemetryCount >= 1");
        await server.SendAsync(ExceedsTelemetry("R-old", alarmOn: false));
        await page.WaitForFunctionAsync("window.telemetryCount >= 2");
        await Expect(alarm).ToBeHiddenAsync();

        // A new EXCEEDS report while the page watches raises it; once another phone silences the
        // robot, this page stops offering Silence but keeps the banner until it is dismissed.
        await server.SendAsync(ExceedsTelemetry("R-new"));
        await Expect(alarm).ToBeVisibleAsync();
        await Expect(alarm.Locator("#alarm-silence")).ToBeVisibleAsync();
        await server.SendAsync(ExceedsTelemetry("R-new", alarmOn: false));
        await Expect(alarm.Locator("#alarm-silence")).ToBeHiddenAsync();
        await Expect(alarm).ToBeVisibleAsync();
        await page.Context.CloseAsync();

        // A page opened while the robot still sounds its alarm raises it at once.
        var (late, lateServer) = await fixture.PhoneAsync(SampleReports.Hot40());
        await late.GotoAsync("/");
        await late.Locator($"#robot-list button[data-serial='{ReportPageFixture.Serial}']").TapAsync();
        await lateServer.SendAsync(ExceedsTelemetry("R-new"));
        await Expect(late.Locator("#alarm")).ToBeVisibleAsync();
        await Expect(late.Locator("#alarm-text")).ToHaveTextAsync("ALARM: EXCEEDS — TGHU7720313");
        await late.Context.CloseAsync();

        // A robot too old to say whether it alarms (no alarmOn) is taken as alarming: banner and Silence.
        var (older, olderServer) = await fixture.PhoneAsync(SampleReports.Hot40());
        await older.GotoAsync("/");
        await older.Locator($"#robot-list button[data-serial='{ReportPageFixture.Serial}']").TapAsync();
        await olderServer.SendAsync(ExceedsTelemetry("R-old", alarmOn: null));
        await Expect(older.Locator("#alarm")).ToBeVisibleAsync();
        await Expect(older.Locator("#alarm-silence")).ToBeVisibleAsync();
        await older.Context.CloseAsync();
    }

    [Fact]
    public async Task A_map_opened_mid_survey_shows_the_points_measured_before_it_opened()
    {
        var (page, server) = await fixture.PhoneAsync(SampleReports.Hot40(), role: "observer");
        server.Survey =
        [
            new MeasuredPoint { PointId = "left-01-h0.5", X = 8, Y = -4.2, HeightM = 0.5, DoseRateUSvPerH = 0.071, Decision = "clear" },
            new MeasuredPoint { PointId = "left-02-h0.5", X = 9, Y = -4.2, HeightM = 0.5, DoseRateUSvPerH = 0.44, Decision = "suspect" },
            new MeasuredPoint { PointId = "left-02-h0.5-r1", X = 9, Y = -4.2, HeightM = 0.5, DoseRateUSvPerH = 0.45, Decision = "exceeds", Kind = "remeasure" },
        ];
        await page.GotoAsync("/");
        await page.Locator($"#robot-list button[data-serial='{ReportPageFixture.Serial}']").TapAsync();
        await page.Locator("button[data-tab='map']").TapAsync();

        await server.SendAsync(SurveyTelemetry(pointsDone: 2, x: 9, lastDose: 0.45));
        var dots = page.Locator("#map-survey circle");
        await Expect(dots).ToHaveCountAsync(2); // the re-measurement is not a survey point of its own
        await Expect(dots.Nth(0)).ToHaveAttributeAsync("fill", "#7ee787");
        await Expect(dots.Nth(1)).ToHaveAttributeAsync("fill", "#ff5252"); // 0.44 over the robot's 0.32
        // From here telemetry counts them as before.
        await server.SendAsync(SurveyTelemetry(pointsDone: 3, x: 10, lastDose: 0.08));
        await Expect(dots).ToHaveCountAsync(3);
        await page.Context.CloseAsync();
    }

    private static LiveMessage SurveyTelemetry(int pointsDone, double x, double lastDose) => new()
    {
        T = "telemetry",
        Telemetry = new LiveTelemetry
        {
            At = DateTimeOffset.UtcNow, X = x, Y = -4.2, Theta = 0, LinearMps = 0, AngularRadps = 0, LiftHeightM = 0.5,
            DoseRateUSvPerH = lastDose, DetectorStatus = "ok", BatteryPercent = 90, EmergencyStop = false, EmergencyStopSource = "none",
            Activity = "inspecting", ProcedureState = "Measuring", ContainerNumber = "TGHU7720313", PointsDone = pointsDone, PointsPlanned = 84,
            LastDoseUSvPerH = lastDose, BackgroundUSvPerH = 0.07, ThresholdUSvPerH = 0.32, AlarmOn = false,
        },
    };

    private static LiveMessage LeaseMessage() => new() { T = "lease", Lease = new LeaseView(ReportPageFixture.Serial, "officer", "officer", DateTimeOffset.UtcNow, true, 15) };

    /// <summary>Telemetry after an EXCEEDS report; alarmOn says whether the robot's buzzer still sounds.</summary>
    private static LiveMessage ExceedsTelemetry(string reportId = "R-1", bool? alarmOn = true) => new()
    {
        T = "telemetry",
        Telemetry = new LiveTelemetry
        {
            At = DateTimeOffset.UtcNow, X = 15, Y = -4, Theta = 0, LinearMps = 0, AngularRadps = 0, LiftHeightM = 1.8,
            DoseRateUSvPerH = 0.87, DetectorStatus = "ok", BatteryPercent = 93, EmergencyStop = false, EmergencyStopSource = "none",
            Activity = "idle", ProcedureState = "Idle", Verdict = Verdicts.Exceeds, ReportId = reportId, ContainerNumber = "TGHU7720313",
            AlarmOn = alarmOn,
        },
    };

    /// <summary>The value of a fact in the header block, by its label.</summary>
    private static ILocator Fact(IPage page, string label) => page.Locator($"#report dl.facts dt:text-is('{label}') + dd");

    private static async Task<double> FontSizeAsync(ILocator locator) =>
        double.Parse((await locator.EvaluateAsync<string>("e => getComputedStyle(e).fontSize")).Replace("px", "", StringComparison.Ordinal), Inv);
}
