using System.Net;
using Microsoft.Playwright;
using Robot.Protocol.Broker;
using Robot.Simulator.Composition;
using Robot.Simulator.Demo;

namespace Robot.Remote.BrowserTests;

/// <summary>
/// The demo host in-process on free loopback ports (embedded broker + simulated robot + web remote)
/// and one headless Debian Chromium, shared by the tests of a class.
/// </summary>
public sealed class DemoFixture : IAsyncLifetime
{
    public const string Chromium = "/usr/bin/chromium";
    public const string Serial = "SIM-WEB";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private IPlaywright? _playwright;
    private SimulatedRobot? _robot;

    public DemoHost Demo { get; private set; } = null!;
    public SimulatedRobot Robot => _robot!;
    public IBrowser Browser { get; private set; } = null!;
    public string Url => Demo.WebUrl!;

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Robot.sln"))) dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Robot.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string ScreenshotDir => Path.Combine(RepoRoot, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        // Fail loudly: a browser test that silently skips proves nothing (scripts/test.sh installs chromium).
        if (!File.Exists(Chromium))
            throw new InvalidOperationException($"{Chromium} is missing: install Debian's chromium (apt-get install chromium; scripts/test.sh does it)");
        var mqttPort = EmbeddedBroker.FreePort(IPAddress.Loopback);
        var httpPort = EmbeddedBroker.FreePort(IPAddress.Loopback);
        _robot = await SimulatedRobot.StartAsync(DemoHost.RobotOptions(mqttPort, Serial, seed: 3));
        Demo = await DemoHost.StartAsync(_robot, mqttPort, httpPort);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        Assertions.SetDefaultExpectTimeout((float)Patience.TotalMilliseconds);
        Directory.CreateDirectory(ScreenshotDir);
    }

    /// <summary>A phone: 360 x 740, touch, mobile, in the given browser language.</summary>
    public async Task<IPage> PhoneAsync(string locale = "en-US")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            HasTouch = true,
            IsMobile = true,
            DeviceScaleFactor = 2,
            Locale = locale,
            BaseURL = Url,
        });
        context.SetDefaultTimeout((float)Patience.TotalMilliseconds);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        if (Demo is not null) await Demo.DisposeAsync();
        if (_robot is not null) await _robot.DisposeAsync();
    }
}

/// <summary>One demo host and one browser for every test class (they run one after another).</summary>
[CollectionDefinition(Name)]
public sealed class DemoCollection : ICollectionFixture<DemoFixture>
{
    public const string Name = "demo";
}
