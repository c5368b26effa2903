using Microsoft.Playwright;
using Robot.Simulator.Demo;

namespace Robot.Remote.BrowserTests;

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

    public static Task SignInAsync(IPage page, IReadOnlyDictionary<string, string> accounts, string user, bool navigate = true) =>
        SignInWithPasswordAsync(page, user, accounts[user], navigate);

    /// <summary>Fill the sign-in form (on the page as it is when navigate is false) and wait for the robot list.</summary>
    public static async Task SignInWithPasswordAsync(IPage page, string user, string password, bool navigate = true)
    {
        if (navigate) await page.GotoAsync("/");
        await page.Locator("#user").FillAsync(user);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("#signin button[type=submit]").TapAsync();
        await Assertions.Expect(page.Locator("#robots")).ToBeVisibleAsync(new() { Timeout = Patience });
    }

    public static async Task OpenRobotAsync(IPage page, string serial = DemoFixture.Serial)
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

    public static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>A real touch on the joystick (CDP Input.dispatchTouchEvent), dy pixels below its centre.</summary>
    public static async Task TouchJoystickAsync(ICDPSession cdp, IPage page, string type, double dy)
    {
        var box = await page.Locator("#joystick").BoundingBoxAsync() ?? throw new InvalidOperationException("no joystick");
        var x = box.X + box.Width / 2;
        var y = box.Y + box.Height / 2 + dy;
        var points = type == "touchEnd" ? Array.Empty<object>() : [new Dictionary<string, object> { ["x"] = x, ["y"] = y, ["id"] = 1 }];
        await cdp.SendAsync("Input.dispatchTouchEvent", new Dictionary<string, object> { ["type"] = type, ["touchPoints"] = points });
    }

    /// <summary>Tap the map where the yard point (x, y) is drawn (the SVG keeps the yard's aspect ratio).</summary>
    public static async Task TapMapAsync(IPage page, double x, double y)
    {
        var box = await page.Locator("#map").BoundingBoxAsync() ?? throw new InvalidOperationException("no map");
        var bounds = await page.EvaluateAsync<double[]>("() => [yard.bounds.minX, yard.bounds.minY, yard.bounds.maxX, yard.bounds.maxY]");
        var px = box.X + (x - bounds[0]) / (bounds[2] - bounds[0]) * box.Width;
        var py = box.Y + (bounds[3] - y) / (bounds[3] - bounds[1]) * box.Height;
        await page.Touchscreen.TapAsync((float)px, (float)py);
    }

    /// <summary>Wait until the robot's side says so: a real-time guard against a hang, not a measurement.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(DemoFixture.Patience);
        while (!condition())
        {
            if (timeout.IsCancellationRequested) Assert.Fail("timed out waiting until " + what);
            await Task.Delay(50, CancellationToken.None);
        }
    }
}
