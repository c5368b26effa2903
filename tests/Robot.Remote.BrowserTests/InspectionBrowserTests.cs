using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Robot.Protocol.Extensions;
using Robot.Remote.Web;
using Robot.Simulator.Demo;
using Xunit.Abstractions;
using static Robot.Remote.BrowserTests.Phones;

namespace Robot.Remote.BrowserTests;

/// <summary>
/// A whole inspection of the demo yard's hot container from the phone page, against the fast demo
/// (the robot's clock pumped at 20x, the remote and the browser on real time): the form, progress,
/// the EXCEEDS alarm, the report with its dose map, the print view and a PDF of it.
/// </summary>
public sealed class InspectionBrowserTests(InspectionFixture fast, ITestOutputHelper output) : IClassFixture<InspectionFixture>
{
    /// <summary>Real time allowed for the survey: about 40 s at 20x on an idle machine; a loaded one slows the pump.</summary>
    private static readonly TimeSpan SurveyBudget = TimeSpan.FromMinutes(4);

    // Record what the page asks of the phone when the alarm is raised (headless Chromium neither vibrates nor plays).
    private const string AlarmProbes = """
        window.vibrations = [];
        navigator.vibrate = pattern => { window.vibrations.push(pattern); return true; };
        window.tones = 0;
        const Real = window.AudioContext;
        window.AudioContext = function () {
          const ctx = new Real(), make = ctx.createOscillator.bind(ctx);
          ctx.createOscillator = () => { const o = make(), start = o.start.bind(o); o.start = (...a) => { window.tones++; return start(...a); }; return o; };
          return ctx;
        };
        """;

    [Fact]
    public async Task An_officer_inspects_the_hot_container_from_the_page_sees_the_alarm_and_prints_the_report_with_its_dose_map()
    {
        var page = await fast.PhoneAsync();
        await page.Context.AddInitScriptAsync(AlarmProbes);
        await Phones.SignInAsync(page, fast.Demo.Accounts, "officer");
        await Phones.OpenRobotAsync(page, InspectionFixture.Serial);
        await Expect(page.Locator("#procedure")).ToBeHiddenAsync();

        // The form: number (check digit checked as typed), type, pose as the demo yard has it.
        var hot = DemoYard.Layout.Single(c => c.Number == DemoYard.Hot40);
        await page.Locator("button[data-tab='inspect']").TapAsync();
        await page.Locator("#container").FillAsync(hot.Number);
        await Expect(page.Locator("#container-check")).ToContainTextAsync("check digit OK");
        await page.Locator("#ctype").SelectOptionAsync(hot.Type);
        await page.Locator("#cx").FillAsync(Invariant(hot.X));
        await page.Locator("#cy").FillAsync(Invariant(hot.Y));
        await page.Locator("#ct").FillAsync(Invariant(hot.Theta));
        await Phones.ShotAsync(page, "inspect-form");
        var real = Stopwatch.StartNew();
        var virtualStart = fast.Robot.Time.GetUtcNow();
        await page.Locator("#start-inspection").TapAsync();
        await Expect(page.Locator("#toast")).ToContainTextAsync($"inspection order inspect-{hot.Number}");

        // Progress fills in: the procedure line names the box and its step, the bar and the point count grow.
        await Expect(page.Locator("#procedure")).ToBeVisibleAsync();
        await Expect(page.Locator("#proc-text")).ToContainTextAsync(hot.Number);
        await WithinSurveyAsync("the first survey point is measured", () => WaitForPointsAsync(page, 1));
        var first = await ProgressAsync(page);
        Assert.True(first.Planned >= 84, $"a 40 ft box at three heights has at least 84 points, the page says {first.Planned}");
        await WithinSurveyAsync("a third of the survey is measured", () => WaitForPointsAsync(page, first.Planned / 3));
        var later = await ProgressAsync(page);
        Assert.True(later.Done > first.Done, $"points did not grow: {first.Done} then {later.Done}");
        Assert.NotEqual(first.Text, later.Text);
        Assert.Matches(new Regex($@"^{hot.Number} · [^:]+: \d+/{later.Planned} points$"), later.Text);
        // The step by its name, not the host's identifier (HoldingWallDistance).
        Assert.Contains($" · {later.StateName}: ", later.Text, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex("[a-z][A-Z]"), later.StateName);
        await Phones.ShotAsync(page, "inspection-progress");

        // The verdict: the alarm banner names the container and the verdict; the phone vibrates and sounds.
        var alarm = page.Locator("#alarm");
        await WithinSurveyAsync("the EXCEEDS alarm banner appears", () => Expect(alarm).ToBeVisibleAsync(new() { Timeout = Remaining(real) }));
        await Expect(alarm.Locator("#alarm-text")).ToHaveTextAsync($"ALARM: EXCEEDS — {hot.Number}");
        output.WriteLine($"survey to alarm: {real.Elapsed.TotalSeconds:0} s real, {(fast.Robot.Time.GetUtcNow() - virtualStart).TotalMinutes:0.0} min of robot time");
        Assert.True(await page.EvaluateAsync<int>("window.vibrations.length") >= 1, "the page did not ask the phone to vibrate");
        Assert.True(await page.EvaluateAsync<int>("window.tones") >= 1, "the page did not start the alarm tone");
        await Phones.ShotAsync(page, "exceeds-alarm");
        // At 360 x 740 the banner lies above the lease line, not over it.
        await Phones.AssertLeaseLineUncoveredAsync(page);
        // The robot's buzzer sounds until an officer silences it from the banner (no lease needed; audited).
        await WaitUntilAsync(() => fast.Robot.World.Alarm.BuzzerOn, "the robot sounds its buzzer");
        await alarm.Locator("#alarm-silence").TapAsync();
        await Expect(alarm).ToBeHiddenAsync();
        await Expect(page.Locator("#toast")).ToHaveTextAsync($"Alarm of {InspectionFixture.Serial} silenced");
        await WaitUntilAsync(() => !fast.Robot.World.Alarm.BuzzerOn, "the robot's buzzer is silent");
        Assert.Contains(fast.Demo.Web!.Services.GetRequiredService<AuditLog>().Newest(100),
            e => (e.User, e.Robot, e.Command, e.Result) == ("officer", InspectionFixture.Serial, CommandNames.SilenceAlarm, "accepted"));

        // The report is listed, and opens with its dose map, hot spot, readings, background, verdict and reason.
        await page.Locator("button[data-tab='reports']").TapAsync();
        var listed = page.Locator("#report-list button", new() { HasText = hot.Number });
        try
        {
            await Expect(listed).ToHaveCountAsync(1);
        }
        catch (PlaywrightException ex)
        {
            Assert.Fail($"the report of {hot.Number} is not listed; the page says \"{await page.Locator("#toast").TextContentAsync()}\"; {ex.Message.Split('\n')[0]}");
        }
        await Expect(listed.Locator(".verdict-EXCEEDS")).ToHaveTextAsync(Verdicts.Exceeds);
        await Phones.ShotAsync(page, "report-list");
        await listed.TapAsync();
        var report = page.Locator("#report");
        // What the robot filed, fetched the way the page fetches it.
        using var filed = JsonDocument.Parse(await page.EvaluateAsync<string>($$"""
            async () => {
              const list = await (await fetch('/api/robots/{{InspectionFixture.Serial}}/reports')).json();
              const id = list.find(r => r.containerNumber === '{{hot.Number}}').reportId;
              return JSON.stringify(await (await fetch('/api/robots/{{InspectionFixture.Serial}}/reports/' + id)).json());
            }
            """));
        var r = filed.RootElement;
        Assert.Equal(Verdicts.Exceeds, r.GetProperty("verdict").GetString());
        // The header block: title, verdict and reason in large type, and what a customs file needs.
        await Expect(report.Locator(".rpt-title")).ToHaveTextAsync("Radiation inspection report / 辐射检测报告");
        await Expect(report.Locator(".verdict-word")).ToHaveTextAsync("EXCEEDS");
        await Expect(report.Locator(".verdict-reason")).ToHaveTextAsync(r.GetProperty("verdictReason").GetString()!);
        await Expect(Fact(report, "Report")).ToContainTextAsync(r.GetProperty("reportId").GetString()!);
        await Expect(Fact(report, "Container")).ToContainTextAsync($"{hot.Number} · 40ft (12.192 × 2.438 × 2.591 m)");
        await Expect(Fact(report, "Robot")).ToHaveTextAsync(InspectionFixture.Serial);
        await Expect(Fact(report, "Operator")).ToHaveTextAsync("web:officer"); // the officer who started it, not the remote's "cli"
        var profile = r.GetProperty("profile");
        Assert.Equal("demo-quick", profile.GetProperty("name").GetString());
        await Expect(Fact(report, "Profile")).ToContainTextAsync($"demo-quick v{profile.GetProperty("version").GetString()}");
        await Expect(Fact(report, "Profile").Locator(".warn")).ToHaveTextAsync("⚠ not the standard profile snt0570-2007");
        var instrument = r.GetProperty("instrument");
        await Expect(Fact(report, "Instrument")).ToContainTextAsync($"{instrument.GetProperty("model").GetString()} · serial {instrument.GetProperty("serialNumber").GetString()}");
        await Expect(Fact(report, "Calibration")).ToContainTextAsync($"k1 {Math.Round(instrument.GetProperty("k1").GetDouble(), 3).ToString(Inv)} · ");
        await Expect(Fact(report, "Calibration")).ToContainTextAsync($"certificate {instrument.GetProperty("calibrationCertificate").GetString()} · valid until {instrument.GetProperty("calibrationValidUntil").GetDateTimeOffset():yyyy-MM-dd} ✓ valid at the inspection");
        var background = r.GetProperty("background");
        await Expect(Fact(report, "Background")).ToContainTextAsync($"{background.GetProperty("doseRateUSvPerH").GetDouble().ToString("0.000", Inv)} ± ");
        await Expect(Fact(report, "Background")).ToContainTextAsync($"{background.GetProperty("attempts").GetInt32()} attempt(s)");
        var threshold = r.GetProperty("thresholdUSvPerH").GetDouble();
        await Expect(Fact(report, "Threshold")).ToContainTextAsync($"{threshold.ToString("0.000", Inv)} µSv/h");
        await Expect(Fact(report, "Report hash")).ToHaveTextAsync($"{r.GetProperty("reportHash").GetString()} ✓ hash verified");

        // The dose map: the legend states the report's own thresholds; one drawing per face, every point on it.
        var limit = profile.GetProperty("limitUSvPerH").GetDouble();
        var raisedFrom = background.GetProperty("doseRateUSvPerH").GetDouble() + limit / 2;
        await Expect(report.Locator(".legend .lg-over")).ToHaveTextAsync($"over the threshold: above {threshold.ToString("0.000", Inv)} µSv/h");
        await Expect(report.Locator(".legend .lg-raised")).ToContainTextAsync($"above {raisedFrom.ToString("0.000", Inv)} µSv/h");
        var points = r.GetProperty("points").EnumerateArray().ToList();
        var faces = points.Select(p => p.GetProperty("face").GetString()!).Distinct().ToList();
        Assert.Equal(4, faces.Count);
        var maps = report.Locator(".dosemap .faces");
        foreach (var face in faces)
        {
            var map = maps.Locator($"svg.face-map[data-face='{face}']");
            await Expect(map).ToBeVisibleAsync();
            await Expect(map.Locator(".pt")).ToHaveCountAsync(points.Count(p => p.GetProperty("face").GetString() == face));
        }
        // Every point over the report's threshold is red, and only those; the robot's "exceeds" decisions are squares.
        static double Dose(JsonElement p) => p.GetProperty("doseRateUSvPerH").GetDouble();
        static string Decision(JsonElement p) => p.GetProperty("decision").GetString()!;
        var over = points.Count(p => Decision(p) != PointDecisions.Invalid && Dose(p) > threshold);
        var exceeds = points.Count(p => Decision(p) == PointDecisions.Exceeds);
        output.WriteLine($"{points.Count} points: {over} over the threshold {threshold:0.###}, {exceeds} decided exceeds");
        Assert.True(exceeds > 0 && over > 0);
        await Expect(maps.Locator(".pt[data-band='over'][fill='#e03131']")).ToHaveCountAsync(over);
        await Expect(maps.Locator(".pt[data-band='over']")).ToHaveCountAsync(over);
        await Expect(maps.Locator("rect.pt.dec-exceeds")).ToHaveCountAsync(exceeds);
        await Expect(maps.Locator(".pt.dec-exceeds[data-band='over']")).ToHaveCountAsync(points.Count(p => Decision(p) == PointDecisions.Exceeds && Dose(p) > threshold));
        // The hot spot: its own symbol (a crosshair) on its face, with its dose; named as in the list.
        var spot = Assert.Single(r.GetProperty("hotSpots").EnumerateArray());
        var spotFace = spot.GetProperty("face").GetString()!;
        var spotDose = spot.GetProperty("doseRateUSvPerH").GetDouble().ToString("0.000", Inv);
        var symbol = maps.Locator($"svg.face-map[data-face='{spotFace}'] .hotspot[data-hot='H1']");
        await Expect(symbol).ToBeVisibleAsync();
        await Expect(symbol.Locator("title")).ToContainTextAsync($"{spotDose} µSv/h");
        await Expect(report.Locator(".face.detail[data-hot='H1'] .hotspot")).ToBeVisibleAsync();
        await Expect(report.Locator(".hotspots li[data-hot='H1']")).ToContainTextAsync($"{spotDose} µSv/h");
        // The readings table: a row per point, the exceeding ones marked.
        await Expect(report.Locator("table.readings tbody tr")).ToHaveCountAsync(points.Count);
        await Expect(report.Locator("table.readings tbody tr.d-exceeds")).ToHaveCountAsync(exceeds);
        await Phones.ShotAsync(page, "report-dose-map-full", fullPage: true);
        // The officer's views, once the verdict's toast has gone: the report's top, then the hot face
        // (scrolled to just under the sticky header).
        await Expect(page.Locator("#toast")).ToBeHiddenAsync();
        await ScrollUnderHeaderAsync(page, "document.querySelector('#report .rpt')");
        await Phones.ShotAsync(page, "report-verdict");
        await ScrollUnderHeaderAsync(page, "document.querySelector('#report .facts dt:nth-of-type(7)')");
        await Phones.ShotAsync(page, "report-facts");
        await ScrollUnderHeaderAsync(page, $"document.querySelector(\"#report .face[data-face='{spotFace}']\")");
        await Phones.ShotAsync(page, "report-dose-map");
        await ScrollUnderHeaderAsync(page, "document.querySelector('#report .hotspots')");
        await Phones.ShotAsync(page, "report-hot-spots-legend");

        // The printable page: print media hides the phone's controls and shows the report on white.
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Print });
        await Expect(report).ToBeVisibleAsync();
        await Expect(report.Locator("svg.face-map")).ToHaveCountAsync(faces.Count);
        await Expect(report.Locator("table.readings")).ToBeVisibleAsync();
        foreach (var control in new[] { ".top", "nav.tabs", "#estop", ".stats", ".dose", "#procedure", "#report-list", "#toast", "#alarm", "#lease", "#print-report", "#export-csv", "#export-json" })
        {
            await Expect(page.Locator(control)).ToBeHiddenAsync();
        }
        Assert.Equal("rgb(255, 255, 255)", await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor"));
        // The verdict prints black on white, EXCEEDS in a bold black border (not light pink), on the first page with the header block.
        var verdict = await report.Locator(".verdict").EvaluateAsync<string[]>(
            "e => { const s = getComputedStyle(e); return [s.backgroundColor, getComputedStyle(e.querySelector('.verdict-word')).color, getComputedStyle(e.querySelector('.verdict-reason')).color, s.borderTopWidth, s.borderTopColor]; }");
        Assert.Equal(["rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgb(0, 0, 0)"], verdict[..3]);
        Assert.True(double.Parse(verdict[3].Replace("px", "", StringComparison.Ordinal), Inv) >= 5 && verdict[4] == "rgb(0, 0, 0)", $"EXCEEDS border: {verdict[3]} {verdict[4]}");
        await page.SetViewportSizeAsync(794, 1123); // an A4 page at 96 dpi
        await page.EvaluateAsync("window.scrollTo(0, 0)");
        await Phones.ShotAsync(page, "report-print-view");

        // And a PDF of it, as the phone's "print to PDF" would file it (page.pdf renders print media).
        var pdfPath = Path.Combine(DemoFixture.RepoRoot, "artifacts", "inspection-report.pdf");
        var pdf = await page.PdfAsync(new PagePdfOptions { Path = pdfPath, Format = "A4", PrintBackground = true });
        var pages = PrintedPdf.Pages(pdf);
        output.WriteLine($"PDF: {pdf.Length / 1024} KB, {pages} pages, {pdfPath}");
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5));
        Assert.True(pages >= 2, $"the report with {points.Count} readings printed on {pages} page(s)");
        Assert.True(pdf.Length > 20_000, $"the PDF is only {pdf.Length} bytes");
        var fills = PrintedPdf.FillColours(pdf);
        Assert.True(fills.Count > 0, "no fill colours found in the PDF's content streams (has Chromium's PDF writer changed?)");
        Assert.False(fills.Any(c => PrintedPdf.Near(c, (0x0d, 0x1b, 0x26))), "the PDF paints the phone's dark page: it has the screen styles, not the print stylesheet");
        Assert.False(fills.Any(c => PrintedPdf.Near(c, (0xd3, 0x2f, 0x2f))), "the PDF paints the red STOP button: the phone's controls were printed");

        await page.SetViewportSizeAsync(360, 740);
        await page.EmulateMediaAsync(new PageEmulateMediaOptions { Media = Media.Null });
        await Expect(page.Locator("#estop")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    private static async Task WaitForPointsAsync(IPage page, int atLeast) =>
        await page.WaitForFunctionAsync($"() => !document.getElementById('procedure').hidden && document.getElementById('proc-bar').value >= {atLeast}",
            null, new PageWaitForFunctionOptions { Timeout = (float)SurveyBudget.TotalMilliseconds, PollingInterval = 200 });

    /// <summary>Scroll the element (a JS expression) to just under the sticky header.</summary>
    private static Task ScrollUnderHeaderAsync(IPage page, string element) =>
        page.EvaluateAsync($"window.scrollTo(0, ({element}).getBoundingClientRect().top + window.scrollY - 64)");

    private static async Task<(int Done, int Planned, string Text, string StateName)> ProgressAsync(IPage page)
    {
        // One look at the line: it changes with every telemetry message.
        var seen = await page.EvaluateAsync<string[]>("""
            () => { const bar = document.getElementById('proc-bar'), text = document.getElementById('proc-text');
                    return [String(bar.value), String(bar.max), text.textContent, T.en.states[text.dataset.state] || '(no name for ' + text.dataset.state + ')']; }
            """);
        return (int.Parse(seen[0], Inv), int.Parse(seen[1], Inv), seen[2], seen[3]);
    }

    /// <summary>Run a wait of the survey; on timeout fail with where the robot got to.</summary>
    private async Task WithinSurveyAsync(string what, Func<Task> wait)
    {
        try
        {
            await wait();
        }
        catch (Exception ex) when (ex is TimeoutException or PlaywrightException)
        {
            var p = fast.Robot.Controller.Procedure;
            var t = p.Telemetry();
            Assert.Fail($"timed out waiting until {what} (real-time budget {SurveyBudget.TotalMinutes:0} min at {InspectionFixture.Speedup}x): " +
                $"the robot is {p.State}, {t.PointsDone}/{t.PointsPlanned} points, last verdict {t.LastVerdict ?? "none"}; {ex.Message.Split('\n')[0]}");
        }
    }

    private static float Remaining(Stopwatch real) => (float)Math.Max(1000, (SurveyBudget - real.Elapsed).TotalMilliseconds);

    private static readonly System.Globalization.CultureInfo Inv = System.Globalization.CultureInfo.InvariantCulture;

    /// <summary>The value of a fact in the report's header block, by its label.</summary>
    private static ILocator Fact(ILocator report, string label) => report.Locator($"dl.facts dt:text-is('{label}') + dd");

    private static string Invariant(double v) => v.ToString(Inv);

}

/// <summary>Just enough PDF reading to tell a printed report from a screenshot of the phone's screen.</summary>
internal static class PrintedPdf
{
    /// <summary>Page objects (/Type /Page, not /Pages); Chromium writes them uncompressed.</summary>
    public static int Pages(byte[] pdf) => Regex.Matches(Encoding.Latin1.GetString(pdf), @"/Type\s*/Page\b(?!s)").Count;

    /// <summary>Every RGB fill colour ("r g b rg") set in the Flate-compressed content streams, 0..255.</summary>
    public static IReadOnlyList<(int R, int G, int B)> FillColours(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var colours = new List<(int, int, int)>();
        foreach (Match m in Regex.Matches(text, @"/FlateDecode[^>]*>>\s*stream\r?\n"))
        {
            var start = m.Index + m.Length;
            var end = text.IndexOf("endstream", start, StringComparison.Ordinal);
            if (end < 0) continue;
            string content;
            try
            {
                using var z = new System.IO.Compression.ZLibStream(new MemoryStream(pdf, start, end - start), System.IO.Compression.CompressionMode.Decompress);
                using var r = new StreamReader(z, Encoding.Latin1);
                content = r.ReadToEnd();
            }
            catch (InvalidDataException)
            {
                continue; // an image or font stream cut short by a stray "endstream" in its bytes
            }
            foreach (Match c in Regex.Matches(content, @"(?<![\d.])([\d.]+) ([\d.]+) ([\d.]+) rg\b"))
            {
                int Channel(int i) => (int)Math.Round(double.Parse(c.Groups[i].Value, System.Globalization.CultureInfo.InvariantCulture) * 255);
                colours.Add((Channel(1), Channel(2), Channel(3)));
            }
        }
        return colours;
    }

    public static bool Near((int R, int G, int B) a, (int R, int G, int B) b) =>
        Math.Abs(a.R - b.R) <= 3 && Math.Abs(a.G - b.G) <= 3 && Math.Abs(a.B - b.B) <= 3;
}
