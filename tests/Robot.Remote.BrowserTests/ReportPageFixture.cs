using System.Text.Json;
using Microsoft.Playwright;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Remote.Inspection;
using Robot.Remote.Web;

namespace Robot.Remote.BrowserTests;

/// <summary>
/// The page as the remote ships it (the embedded wwwroot), in Chromium at phone size, in front of a
/// server faked with Playwright routes: sign-in, one robot, one report (<see cref="SampleReports"/>)
/// and a live socket the test writes telemetry into. Seconds, not a survey: for the report page's
/// details and the alarm banner's layout; InspectionBrowserTests does it all for real.
/// </summary>
public sealed class ReportPageFixture : IAsyncLifetime
{
    public const string Serial = "SIM-PAGE";
    public const string Url = "http://remote.test";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Phones.RequireChromium();
        (_playwright, Browser) = await Phones.LaunchAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }

    /// <summary>A phone signed in as <paramref name="role"/> with <paramref name="report"/> on the robot; the page's live socket.</summary>
    public async Task<(IPage Page, FakeServer Server)> PhoneAsync(InspectionReport report, string role = "officer", string hashCheck = "ok", string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            HasTouch = true,
            IsMobile = true,
            DeviceScaleFactor = 2,
            Locale = locale,
            TimezoneId = "Asia/Shanghai",
            BaseURL = Url,
        });
        context.SetDefaultTimeout(Phones.Patience);
        var server = new FakeServer(report, role, hashCheck);
        await context.RouteAsync(Url + "/**", server.HandleAsync);
        await context.RouteWebSocketAsync("**/ws/**", server.Socket);
        return (await context.NewPageAsync(), server);
    }

    /// <summary>Sign in, open the robot, open the report.</summary>
    public static async Task OpenReportAsync(IPage page)
    {
        await page.GotoAsync("/");
        await Assertions.Expect(page.Locator("#robots")).ToBeVisibleAsync();
        await page.Locator($"#robot-list button[data-serial='{Serial}']").TapAsync();
        await page.Locator("button[data-tab='reports']").TapAsync();
        await page.Locator("#report-list button").First.TapAsync();
        await Assertions.Expect(page.Locator("#report .rpt")).ToBeVisibleAsync();
    }

    /// <summary>The remote's API as far as these pages need it, and the commands the page sent.</summary>
    public sealed class FakeServer(InspectionReport report, string role, string hashCheck)
    {
        private readonly TaskCompletionSource<IWebSocketRoute> _socket = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Posts { get; } = [];

        /// <summary>What /api/robots/{serial}/survey answers (the running inspection's points so far).</summary>
        public IReadOnlyList<MeasuredPoint> Survey { get; set; } = [];

        public async Task HandleAsync(IRoute route)
        {
            var request = route.Request;
            var path = new Uri(request.Url).AbsolutePath;
            if (!path.StartsWith("/api/", StringComparison.Ordinal))
            {
                using var file = typeof(RemoteWebApp).Assembly.GetManifestResourceStream("wwwroot" + (path == "/" ? "/index.html" : path));
                if (file is null)
                {
                    await route.FulfillAsync(new RouteFulfillOptions { Status = 404 });
                    return;
                }
                using var copy = new MemoryStream();
                await file.CopyToAsync(copy);
                var type = Path.GetExtension(path) switch { ".js" => "text/javascript", ".css" => "text/css", ".svg" => "image/svg+xml", _ => "text/html" };
                await route.FulfillAsync(new RouteFulfillOptions { BodyBytes = copy.ToArray(), ContentType = type + "; charset=utf-8" });
                return;
            }
            if (request.Method == "POST")
            {
                lock (Posts) Posts.Add(path);
                await Json(route, new { accepted = true, code = "ok", message = "done" });
                return;
            }
            var reports = $"/api/robots/{Serial}/reports";
            if (path == "/api/me") await Json(route, new { user = role, role, csrfToken = "token" });
            else if (path == "/api/robots") await Json(route, new[] { new { serialNumber = Serial, manufacturer = "PortCustoms", connectionState = "ONLINE", seriesName = "sim" } });
            else if (path == "/api/yard") await Json(route, new { bounds = new { minX = -30, minY = -15, maxX = 40, maxY = 12 }, containers = Array.Empty<object>() });
            else if (path == $"/api/robots/{Serial}/survey")
            {
                await route.FulfillAsync(new RouteFulfillOptions { Body = ProtocolCodec.EncodeToString(Survey), ContentType = "application/json" });
            }
            else if (path == $"/api/robots/{Serial}/lease") await Json(route, new { robot = Serial, yours = false, quietS = 15 });
            else if (path == reports)
            {
                await Json(route, new[] { new { reportId = report.ReportId, containerNumber = report.Container.Number, verdict = report.Verdict, finishedAt = report.FinishedAt } });
            }
            else if (path == $"{reports}/{report.ReportId}")
            {
                await route.FulfillAsync(new RouteFulfillOptions
                {
                    Body = ProtocolCodec.EncodeToString(report),
                    ContentType = "application/json",
                    Headers = new Dictionary<string, string> { ["X-Report-Hash-Check"] = hashCheck },
                });
            }
            else await route.FulfillAsync(new RouteFulfillOptions { Status = 404, Body = """{"error":"not here"}""", ContentType = "application/json" });
        }

        /// <summary>The page's live socket: mocked, no server behind it.</summary>
        public void Socket(IWebSocketRoute socket) => _socket.TrySetResult(socket);

        /// <summary>One live message to the page, as the server sends it (once the page has opened its socket).</summary>
        public async Task SendAsync(LiveMessage message)
        {
            var socket = await _socket.Task.WaitAsync(DemoFixture.Patience);
            socket.Send(JsonSerializer.Serialize(message, WebJson.Default.LiveMessage));
        }

        private static Task Json(IRoute route, object body) =>
            route.FulfillAsync(new RouteFulfillOptions { Body = JsonSerializer.Serialize(body), ContentType = "application/json" });
    }
}

/// <summary>
/// Reports built point by point, as the robot files them: the hot 40 ft box of the demo yard (a
/// sequential survey with re-measurements and a finer grid round the hottest point, on the quick
/// profile) and a clean 20 ft box (standard profile).
/// </summary>
public static class SampleReports
{
    public const double Background = 0.069;
    public const double Limit = 0.25;
    public const double Threshold = Background + Limit;

    public static InspectionReport Hot40()
    {
        var points = new List<PointResult>();
        // Doses on the left face round 4.572 m along; everywhere else background-like.
        double Dose(string face, double along, double height) =>
            face != "left" ? 0.052 : Math.Round(0.05 + 2.6 * Math.Exp(-(Math.Pow(along - 4.572, 2) + Math.Pow(height - 1.0, 2)) / 0.55), 3);
        foreach (var (face, length) in new[] { ("right", 12.192), ("door", 2.438), ("left", 12.192), ("front", 2.438) })
        {
            var count = (int)Math.Round(length / 1.0);
            for (var i = 0; i < count; i++)
            {
                var along = Math.Round(length / count * (i + 0.5), 3);
                foreach (var h in new[] { 0.5, 1.3, 2.1 })
                {
                    var dose = Dose(face, along, h);
                    points.Add(Point($"{face}-{i + 1:D2}-h{h:0.0#}", face, along, h, dose, dose > Threshold ? PointDecisions.Exceeds : PointDecisions.Clear));
                    if (dose > Threshold) points.Add(Point($"{face}-{i + 1:D2}-h{h:0.0#}", face, along, h, dose + 0.01, PointDecisions.Exceeds, "remeasure"));
                }
            }
        }
        // The finer grid round the hottest survey point, 0.25 m apart, and 0.5 m above and below it.
        var k = 1;
        foreach (var (along, h) in new[] { (4.072, 1.3), (4.322, 1.3), (4.822, 1.3), (5.072, 1.3), (4.572, 0.8), (4.572, 1.8) })
        {
            var dose = Dose("left", along, h);
            points.Add(Point($"left-05-h1.3-r{k++}", "left", along, h, dose, dose > Threshold ? PointDecisions.Exceeds : PointDecisions.Clear, "refine"));
        }
        // The sequential test said "anomaly" at a point whose mean is just over the threshold (the
        // indifference band): red by its dose, a circle by its decision.
        var i0 = points.FindIndex(p => p.PointId == "left-07-h1.3");
        points[i0] = points[i0] with { DoseRateUSvPerH = 0.331, NetUSvPerH = 0.331 - Background, Decision = PointDecisions.Anomaly };
        // And a reading the detector spoiled.
        var i1 = points.FindIndex(p => p.PointId == "right-10-h2.1");
        points[i1] = points[i1] with { Decision = PointDecisions.Invalid, DecisionBasis = "detector reported Saturated during the point" };
        var hottest = points.MaxBy(p => p.DoseRateUSvPerH)!;
        var exceeding = points.Count(p => p.Decision == PointDecisions.Exceeds);
        return Seal(new InspectionReport
        {
            ReportId = "R-20261126-084607-5a0fea",
            Sequence = 2,
            InspectionId = "INS-20261126-084607-5a0fea",
            SerialNumber = ReportPageFixture.Serial,
            Container = new ContainerInfo { Number = "TGHU7720313", Type = ContainerTypes.Forty, X = 14, Y = -6, Theta = 0 },
            OperatorId = "web:officer",
            StartedAt = new DateTimeOffset(2026, 11, 26, 8, 46, 7, 80, TimeSpan.Zero),
            FinishedAt = new DateTimeOffset(2026, 11, 26, 9, 58, 16, 700, TimeSpan.Zero),
            Instrument = Instrument(),
            Profile = new ProfileInfo
            {
                Name = "demo-quick", Version = "1.0", PointMode = "sequential", LimitUSvPerH = Limit,
                DoseConversion = "dose from the probe's spectrum-weighted dose (G(E)), right at every energy; decisions on its effective counts",
            },
            Background = BackgroundResult(),
            ThresholdUSvPerH = Threshold,
            Points = points,
            PlannedPoints = 84,
            Verdict = Verdicts.Exceeds,
            VerdictReason = $"{exceeding} point(s) exceed background {Background} + {Limit} µSv/h; highest {hottest.DoseRateUSvPerH:0.###} µSv/h at left {hottest.AlongM:0.##} m, {hottest.HeightM:0.##} m high",
            HotSpots = [new HotSpot { Face = "left", AlongM = hottest.AlongM, HeightM = hottest.HeightM, X = 15.44, Y = -4.70, DoseRateUSvPerH = hottest.DoseRateUSvPerH, NetUSvPerH = hottest.NetUSvPerH }],
            PreviousReportHash = "87720f4781ff782b4658a8b3b5ebb1a2e1b62cfb0e18173154e3305f14b7be2e",
        });
    }

    public static InspectionReport Clean20() => Seal(Hot40() with
    {
        ReportId = "R-20261126-080001-a170c7",
        Container = new ContainerInfo { Number = "CSQU3054383", Type = ContainerTypes.Twenty, X = 12, Y = 4, Theta = 0 },
        Profile = new ProfileInfo { Name = "snt0570-2007", Version = "1.0", PointMode = "standard", LimitUSvPerH = Limit },
        Points = [.. new[] { ("right", 6.058, 6), ("door", 2.438, 2), ("left", 6.058, 6), ("front", 2.438, 2) }.SelectMany(f =>
            Enumerable.Range(0, f.Item3).SelectMany(i => new[] { 0.5, 1.3, 2.1 }.Select(h =>
                Point($"{f.Item1}-{i + 1:D2}-h{h:0.0#}", f.Item1, Math.Round(f.Item2 / f.Item3 * (i + 0.5), 3), h, 0.055, PointDecisions.Clear)))).ToList()],
        PlannedPoints = 48,
        Verdict = Verdicts.Pass,
        VerdictReason = $"all 48 points within background {Background} + {Limit} µSv/h and none raised",
        HotSpots = [],
        ReportHash = null,
    });

    private static InstrumentInfo Instrument() => new()
    {
        Model = "NaI 2x2 survey probe",
        SerialNumber = "PROBE-0001",
        K1 = 1.02,
        K2 = 0.98,
        K3 = 1,
        CosmicResponseUSvPerH = 0.004,
        CalibrationCertificate = "CAL-2026-0117",
        CalibrationValidUntil = new DateTimeOffset(2027, 12, 31, 0, 0, 0, TimeSpan.Zero),
        CountsPerSecondPerUSvPerH = 1400,
    };

    private static BackgroundResult BackgroundResult() => new()
    {
        Pose = new MeasurementPose { X = -25, Y = 0, Theta = 3.14, HeightM = 1 },
        Readings = [new RawReading { T = new DateTimeOffset(2026, 11, 26, 8, 1, 21, TimeSpan.Zero), RawUSvPerH = Background }],
        MeanRawUSvPerH = Background,
        StandardErrorUSvPerH = 0.0011,
        DoseRateUSvPerH = Background,
        Attempts = 2,
        MeasuredAt = new DateTimeOffset(2026, 11, 26, 8, 1, 31, TimeSpan.Zero),
    };

    private static PointResult Point(string id, string face, double along, double height, double dose, string decision, string? kind = null) => new()
    {
        PointId = id,
        Face = face,
        AlongM = along,
        HeightM = height,
        Pose = new MeasurementPose { X = 0, Y = 0, Theta = 0, HeightM = height, WallDistanceM = 0.1 },
        Readings = [],
        MeanRawUSvPerH = dose,
        StandardErrorUSvPerH = 0.002,
        DoseRateUSvPerH = dose,
        NetUSvPerH = Math.Round(dose - Background, 6),
        Decision = decision,
        Mode = "sequential",
        DecisionBasis = "SPRT",
        DwellS = 4,
        Kind = kind,
    };

    /// <summary>With the hash of its own content, as the robot files it.</summary>
    public static InspectionReport Seal(InspectionReport report) => ReportSeal.Sealed(report);
}
