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
