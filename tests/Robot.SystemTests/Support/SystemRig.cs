using Robot.Protocol.Broker;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Simulator.Clock;
using Robot.Simulator.Composition;

namespace Robot.SystemTests.Support;

/// <summary>
/// The real host over the simulated yard, on a virtual clock pumped at 10x real time, talking to
/// a real broker; plus a probe client. Each rig uses its own serial number so rigs can share a broker.
/// </summary>
public sealed class SystemRig : IAsyncDisposable
{
    public const string Manufacturer = "PortCustoms";
    private int _ids;

    private SystemRig(TestBroker broker, SimClock clock, SimulatedRobot robot, ProtocolProbe probe, string serial)
    {
        Broker = broker;
        Clock = clock;
        Robot = robot;
        Probe = probe;
        Serial = serial;
    }

    public TestBroker Broker { get; }
    public SimClock Clock { get; }
    public SimulatedRobot Robot { get; }
    public ProtocolProbe Probe { get; }
    public string Serial { get; }
    public DateTimeOffset Now => Clock.Now;

    /// <summary>The robot's time as a VDA 5050 timestamp: orders and instant actions must be freshly stamped.</summary>
    public string Stamp => Now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<SystemRig> StartAsync(string brokerKind, Action<SimulatedRobotOptions>? configure = null, double speedup = 10)
    {
        var broker = await TestBroker.StartAsync(brokerKind);
        return await StartAsync(broker, configure, speedup);
    }

    public static async Task<SystemRig> StartAsync(TestBroker broker, Action<SimulatedRobotOptions>? configure = null, double speedup = 10)
    {
        var serial = "SYS-" + Guid.NewGuid().ToString("N")[..8];
        var clock = new SimClock();
        // Fast rigs advance 100 ms (five control ticks) per pump step, 2 ms of real time apart at 50x.
        clock.StartPump(speedup, TimeSpan.FromMilliseconds(speedup > 10 ? 100 : 20));
        var (robotUser, robotPassword) = broker.Account("robot-" + serial, ClientRole.Robot, serial);
        var options = new SimulatedRobotOptions { BrokerUri = broker.Uri, SerialNumber = serial, Manufacturer = Manufacturer, Time = clock.Time, Username = robotUser, Password = robotPassword };
        configure?.Invoke(options);
        // The probe plays the officer: it sends orders, commands and teleop, and watches everything.
        var (probeUser, probePassword) = broker.Account("probe-" + serial, ClientRole.Officer, serial);
        var probe = await ProtocolProbe.ConnectAsync(broker.Uri, serial, TimeProvider.System, username: probeUser, password: probePassword);
        var robot = await SimulatedRobot.StartAsync(options);
        var rig = new SystemRig(broker, clock, robot, probe, serial);
        // ONLINE is published after the robot has subscribed to its inbound topics: from here on nothing sent is lost.
        await probe.WaitForAsync<global::Robot.Protocol.Vda5050.Connection>("/connection", c => c.ConnectionState == global::Robot.Protocol.Vda5050.ConnectionState.Online && c.SerialNumber == serial);
        return rig;
    }

    public string Vda(MessageKind kind) => TopicScheme.Vda(Manufacturer, Serial, kind);
    public string Ext(MessageKind kind) => TopicScheme.Extension(Serial, kind);

    public TeleopCommand Teleop(double linear, double angular = 0, int ttlMs = 300) => new()
    {
        CommandId = $"t{Interlocked.Increment(ref _ids)}",
        IssuedAt = Now,
        TtlMs = ttlMs,
        LinearMps = linear,
        AngularRadps = angular,
        OperatorId = "tester",
    };

    public Task SendTeleopAsync(TeleopCommand command) => Probe.PublishAsync(Ext(MessageKind.Teleop), ProtocolCodec.Encode(command), 0);

    public async Task<CommandResponse> CommandAsync(string name, double? height = null, string? reportId = null)
    {
        var request = new CommandRequest
        {
            CommandId = $"c{Interlocked.Increment(ref _ids)}-{Guid.NewGuid():N}",
            IssuedAt = Now,
            ExpiresAt = Now.AddSeconds(30),
            Command = name,
            HeightM = height,
            ReportId = reportId,
            OperatorId = "tester",
        };
        var answer = await Probe.Link.RequestAsync(Ext(MessageKind.Command), ProtocolCodec.Encode(request), TimeSpan.FromSeconds(20));
        Assert.True(ProtocolCodec.TryDecode<CommandResponse>(answer.Payload.Span, out var response, out var error), error?.ToString());
        return response!;
    }

    /// <summary>Wait (on real time, for the pumped virtual clock) until a condition on the simulated world holds.</summary>
    public async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? realTimeout = null)
    {
        var end = TimeProvider.System.GetTimestamp() + (long)((realTimeout ?? TimeSpan.FromSeconds(20)).TotalSeconds * TimeProvider.System.TimestampFrequency);
        while (TimeProvider.System.GetTimestamp() < end)
        {
            if (condition()) return true;
            await Task.Delay(TimeSpan.FromMilliseconds(5), TimeProvider.System);
        }
        return condition();
    }

    /// <summary>Let virtual time pass (the pump runs it; the test waits on the virtual clock, not a wall-clock sleep).</summary>
    public Task VirtualDelayAsync(TimeSpan span) => Task.Delay(span, Clock.Time);

    public async ValueTask DisposeAsync()
    {
        await Robot.DisposeAsync();
        await Probe.DisposeAsync();
        await Clock.DisposeAsync();
        await Broker.DisposeAsync();
    }
}
