using Microsoft.Extensions.Logging.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Control;
using Robot.Host.Procedure;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;
using Robot.Simulator.Clock;
using Robot.Simulator.Yard;

namespace Robot.Host.Tests.Support;

/// <summary>
/// The robot's control core over the simulated yard on a virtual clock, without a broker:
/// time only moves when a test advances it, and every advance ticks the world and the controller.
/// </summary>
public sealed class RobotRig : IAsyncDisposable
{
    public const string Serial = "RIG-001";
    public const string Manufacturer = "PortCustoms";
    private int _ids;
    // VDA 5050 headerIds are per topic and rise with every message the sender publishes.
    private long _orderHeader, _instantHeader;

    public RobotRig(SafetyOptions? safety = null, MotionOptions? motion = null, SimWorldOptions? world = null,
        MeasurementProfileOptions? profile = null, InstrumentOptions? instrument = null, ProcedureOptions? procedure = null,
        Func<SimWorld, SimClock, Robot.Drivers.Abstractions.IDoseRateProbe>? probe = null,
        Func<Robot.Drivers.Abstractions.RobotHardware, Robot.Drivers.Abstractions.RobotHardware>? hardware = null, bool tick = true)
    {
        Clock = new SimClock(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        Safety = safety ?? new SafetyOptions();
        World = new SimWorld(world ?? new SimWorldOptions(), Clock.Time);
        Hardware = probe is null ? World.Hardware : World.Hardware with { DoseProbe = probe(World, Clock) };
        if (hardware is not null) Hardware = hardware(Hardware);
        Recorder = new InMemoryRecorder();
        Journal = new JournalWriter(Recorder, NullLogger.Instance);
        Profile = profile ?? new MeasurementProfileOptions { WarmUp = TimeSpan.Zero };
        Controller = new RobotController(Hardware, Clock.Time, NullLogger<RobotController>.Instance,
            new RobotIdentityOptions { SerialNumber = Serial, Manufacturer = Manufacturer }, Safety, motion ?? new MotionOptions(), new TelemetryOptions(),
            new ProcedureSetup(Profile, instrument ?? new InstrumentOptions(), procedure ?? new ProcedureOptions(), Journal));
        // The supervisor's tick on the same virtual clock, as the ControlLoop does in the host
        // (tick: false when a test runs the host's ControlLoop itself).
        var period = TimeSpan.FromSeconds(1.0 / Safety.TickHz);
        Tick = tick ? Clock.Time.CreateTimer(_ => Controller.Tick(), null, period, period) : null;
    }

    public Robot.Drivers.Abstractions.RobotHardware Hardware { get; }

    public SimClock Clock { get; }
    public InMemoryRecorder Recorder { get; }
    public JournalWriter Journal { get; }
    public MeasurementProfileOptions Profile { get; }
    public SimWorld World { get; }
    public SafetyOptions Safety { get; }
    public RobotController Controller { get; }
    private ITimer? Tick { get; }

    public DateTimeOffset Now => Clock.Now;

    public void Advance(TimeSpan by) => Clock.Advance(by);

    public void AdvanceMs(double ms) => Clock.Advance(TimeSpan.FromMilliseconds(ms));

    /// <summary>Advance in 20 ms steps until the condition holds; false if it never did within the limit.</summary>
    public bool RunUntil(Func<bool> condition, TimeSpan limit)
    {
        var end = Now + limit;
        while (Now < end)
        {
            if (condition()) return true;
            AdvanceMs(20);
        }
        return condition();
    }

    /// <summary>Lockstep with the procedure's actor: step 20 ms, then let every posted trigger fire.</summary>
    public async Task<bool> RunUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var end = Now + limit;
        while (Now < end)
        {
            await Controller.Procedure.WhenIdleAsync();
            if (condition()) return true;
            AdvanceMs(20);
        }
        await Controller.Procedure.WhenIdleAsync();
        return condition();
    }

    public TeleopCommand Teleop(double linear, double angular = 0, double lift = 0, int ttlMs = 300, string? operatorId = "op1") => new()
    {
        CommandId = "t" + Interlocked.Increment(ref _ids),
        IssuedAt = Now,
        TtlMs = ttlMs,
        LinearMps = linear,
        AngularRadps = angular,
        LiftMps = lift,
        OperatorId = operatorId,
    };

    public CommandRequest Command(string name, double? height = null) => new()
    {
        CommandId = "c" + Interlocked.Increment(ref _ids),
        IssuedAt = Now,
        ExpiresAt = Now.AddSeconds(10),
        Command = name,
        HeightM = height,
        OperatorId = "op1",
    };

    public State State() => Controller.BuildState(0, "2.1.0");

    public static Node Node(string id, long seq, double x, double y, bool released = true, params VdaAction[] actions) => new()
    {
        NodeId = id,
        SequenceId = seq,
        Released = released,
        NodePosition = new NodePosition { X = x, Y = y, MapId = "yard" },
        Actions = actions,
    };

    public static Edge Edge(string start, string end, long seq, bool released = true) => new()
    {
        EdgeId = $"{start}-{end}",
        SequenceId = seq,
        Released = released,
        StartNodeId = start,
        EndNodeId = end,
        Actions = [],
    };

    public Order Order(string orderId, long update, params Node[] nodes) => new()
    {
        HeaderId = Interlocked.Increment(ref _orderHeader),
        Timestamp = Now,
        Version = "2.1.0",
        Manufacturer = Manufacturer,
        SerialNumber = Serial,
        OrderId = orderId,
        OrderUpdateId = update,
        Nodes = nodes,
        Edges = nodes.Zip(nodes.Skip(1)).Select(p => Edge(p.First.NodeId, p.Second.NodeId, p.First.SequenceId + 1, p.Second.Released)).ToList(),
    };

    public InstantActions Instant(params string[] types) => new()
    {
        HeaderId = Interlocked.Increment(ref _instantHeader),
        Timestamp = Now,
        Version = "2.1.0",
        Manufacturer = Manufacturer,
        SerialNumber = Serial,
        Actions = types.Select(t => new VdaAction { ActionType = t, ActionId = t + Interlocked.Increment(ref _ids), BlockingType = BlockingType.None }).ToList(),
    };

    /// <summary>One instant action with a chosen actionId (next headerId, timestamp now).</summary>
    public InstantActions InstantWithId(string type, string actionId) => Instant(type) with
    {
        Actions = [new VdaAction { ActionType = type, ActionId = actionId, BlockingType = BlockingType.None }],
    };

    public async ValueTask DisposeAsync()
    {
        Tick?.Dispose();
        World.Dispose();
        await Journal.DisposeAsync();
        await Clock.DisposeAsync();
    }
}
