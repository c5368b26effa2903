using System.Net;
using Microsoft.Playwright;
using Robot.Protocol.Broker;
using Robot.Simulator.Clock;
using Robot.Simulator.Composition;
using Robot.Simulator.Demo;

// The fixtures of this project each run a robot, a web remote and a Chromium: on two cores, two of
// them at once (one with a robot at 20x) starve each other's timing. One test class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Robot.Remote.BrowserTests;

/// <summary>
/// The fast demo, as `demo --speedup 20` runs it: the robot on its own virtual clock pumped at
/// <see cref="Speedup"/> times real time (a whole survey of the hot 40 ft box in well under a
/// minute), the web remote and the browser on real time.
/// </summary>
public sealed class InspectionFixture : IAsyncLifetime
{
    public const string Serial = "SIM-FAST";
    public const double Speedup = 20;

    private IPlaywright? _playwright;
    private SimulatedRobot? _robot;

    public DemoHost Demo { get; private set; } = null!;
    public SimulatedRobot Robot => _robot!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Phones.RequireChromium();
        var mqttPort = EmbeddedBroker.FreePort(IPAddress.Loopback);
        var httpPort = EmbeddedBroker.FreePort(IPAddress.Loopback);
        _robot = await SimulatedRobot.StartAsync(DemoHost.RobotOptions(mqttPort, Serial, seed: 5, speedup: Speedup));
        Demo = await DemoHost.StartAsync(_robot, mqttPort, httpPort);
        (_playwright, Browser) = await Phones.LaunchAsync();
    }

    public Task<IPage> PhoneAsync() => Phones.NewPhoneAsync(Browser, Demo.WebUrl!);

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Demo is not null) await Demo.DisposeAsync();
        if (_robot is not null) await _robot.DisposeAsync();
    }
}

/// <summary>
/// The demo robot on real time and the web remote on a virtual clock (<see cref="WebClock"/>, a
/// FakeTimeProvider that follows real time and that a test moves hours ahead at once), so that a
/// session can really expire: its cookie, signed at sign-in, outlives the lifetime on the server.
/// </summary>
public sealed class SessionFixture : IAsyncLifetime
{
    public const string Serial = "SIM-SESSION";

    private IPlaywright? _playwright;
    private SimulatedRobot? _robot;

    public SimClock WebClock { get; } = new();
    public DemoHost Demo { get; private set; } = null!;
    public SimulatedRobot Robot => _robot!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Phones.RequireChromium();
        // Follows real time (the remote's answer timeouts and the robot list's window still pass) until a test jumps it.
        WebClock.StartPump(1, keepPace: true);
        var mqttPort = EmbeddedBroker.FreePort(IPAddress.Loopback);
        var httpPort = EmbeddedBroker.FreePort(IPAddress.Loopback);
        _robot = await SimulatedRobot.StartAsync(DemoHost.RobotOptions(mqttPort, Serial, seed: 7));
        Demo = await DemoHost.StartAsync(_robot, mqttPort, httpPort, WebClock.Time);
        (_playwright, Browser) = await Phones.LaunchAsync();
    }

    public Task<IPage> PhoneAsync() => Phones.NewPhoneAsync(Browser, Demo.WebUrl!);

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Demo is not null) await Demo.DisposeAsync();
        if (_robot is not null) await _robot.DisposeAsync();
        await WebClock.DisposeAsync();
    }
}

/// <summary>Debian's Chromium as a phone: 360 x 740, touch, mobile (as <see cref="DemoFixture"/> does).</summary>
internal static class Phones
{
    public static void RequireChromium()
    {
        // Fail loudly: a browser test that silently skips proves nothing (scripts/test.sh installs chromium).
        if (!File.Exists(DemoFixture.Chromium))
            throw new InvalidOperationException($"{DemoFixture.Chromium} is missing: install Debian's chromium (apt-get install chromium; scripts/test.sh does it)");
    }

    public static async Task<(IPlaywright, IBrowser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = DemoFixture.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Assertions.SetDefaultExpectTimeout(Patience); // process-wide, the same as DemoFixture sets
        Directory.CreateDirectory(DemoFixture.ScreenshotDir);
        return (playwright, browser);
    }

    public static async Task<IPage> NewPhoneAsync(IBrowser browser, string url)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            HasTouch = true,
            IsMobile = true,
            DeviceScaleFactor = 2,
            Locale = "en-US",
            BaseURL = url,
        });
        context.SetDefaultTimeout((float)DemoFixture.Patience.TotalMilliseconds);
        return await context.NewPageAsync();
    }

    public static async Task SignInAsync(IPage page, IReadOnlyDictionary<string, string> accounts, string user)
    {
        await page.GotoAsync("/");
        await page.Locator("#user").FillAsync(user);
        await page.Locator("#password").FillAsync(accounts[user]);
        await page.Locator("#signin button[type=submit]").TapAsync();
        await Assertions.Expect(page.Locator("#robots")).ToBeVisibleAsync(new() { Timeout = Patience });
    }

    public static async Task OpenRobotAsync(IPage page, string serial)
    {
        await page.Locator($"#robot-list button[data-serial='{serial}']").TapAsync();
        await Assertions.Expect(page.Locator("#live")).ToBeVisibleAsync(new() { Timeout = Patience });
        await page.WaitForFunctionAsync("window.telemetryCount > 2", null, new PageWaitForFunctionOptions { Timeout = Patience });
    }

    public static Task ShotAsync(IPage page, string name, bool fullPage = false) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(DemoFixture.ScreenshotDir, name + ".png"), FullPage = fullPage });

    public static float Patience => (float)DemoFixture.Patience.TotalMilliseconds;

    /// <summary>The alarm banner (with its buttons) lies above the lease line, whose button can be tapped, and that line is above the STOP bar.</summary>
    public static async Task AssertLeaseLineUncoveredAsync(IPage page)
    {
        var seen = await page.EvaluateAsync<double[]>("""
            () => { const a = document.getElementById('alarm').getBoundingClientRect(), l = document.getElementById('lease').getBoundingClientRect(),
                          b = document.getElementById('lease-btn'), bb = b.getBoundingClientRect(), hit = b.hidden ? null : document.elementFromPoint(bb.left + bb.width / 2, bb.top + bb.height / 2);
                    return [a.bottom, l.top, l.bottom, b.hidden ? 1 : (hit === b ? 1 : 0), document.getElementById('estop').getBoundingClientRect().top]; }
            """);
        Assert.True(seen[0] <= seen[1] + 0.5, $"the alarm banner (bottom {seen[0]:0}) covers the lease line (top {seen[1]:0})");
        Assert.True(seen[2] <= seen[4], $"the lease line (bottom {seen[2]:0}) is under the STOP bar (top {seen[4]:0})");
        Assert.True(seen[3] == 1, "the lease button cannot be tapped");
    }
}
