using Microsoft.Extensions.Logging.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Control;
using Robot.Host.Procedure;
using Robot.Host.Records;
using Robot.Protocol.Extensions;
using Robot.Simulator.Clock;
using Robot.Simulator.Yard;

namespace Robot.Simulator.Scenarios;

/// <summary>One boot of the robot's control core over the simulated yard: controller, tick, journal.</summary>
internal sealed class RunningRobot : IAsyncDisposable
{
    public const string Serial = "SIM-SCENARIO";
    public const string Manufacturer = "PortCustoms";
    private readonly ITimer _tick;
    private readonly InspectionJournal _journal;
    private readonly JournalWriter _writer;
    private readonly IReadOnlyList<ContainerSpec> _containers;
    private bool _dead;

    private RunningRobot(RobotController controller, ITimer tick, InspectionJournal journal, JournalWriter writer, SimClock clock, IReadOnlyList<ContainerSpec> containers)
    {
        Controller = controller;
        _tick = tick;
        _journal = journal;
        _writer = writer;
        Clock = clock;
        _containers = containers;
    }

    public RobotController Controller { get; }
    public SimClock Clock { get; }

    public ContainerSpec Scenario(string number) => _containers.First(c => Iso6346.Normalize(c.Number) == Iso6346.Normalize(number));

    public static RunningRobot Start(SimWorld world, SimClock clock, string storePath, MeasurementProfileOptions profile, InstrumentOptions instrument, ProcedureOptions procedure,
        IReadOnlyList<ContainerSpec> containers)
    {
        // A simulated power cut kills the process, not the operating system: see survivesPowerLoss.
        var journal = InspectionJournal.Open(storePath, Serial, clock.Time, survivesPowerLoss: false);
        var writer = new JournalWriter(new JournalRecorder(journal), NullLogger.Instance);
        var controller = new RobotController(world.Hardware, clock.Time, NullLogger<RobotController>.Instance,
            new RobotIdentityOptions { SerialNumber = Serial, Manufacturer = Manufacturer }, new SafetyOptions(), new MotionOptions(), new TelemetryOptions(),
            new ProcedureSetup(profile, instrument, procedure, writer));
        var period = TimeSpan.FromMilliseconds(20);
        var tick = clock.Time.CreateTimer(_ => controller.Tick(), null, period, period);
        return new RunningRobot(controller, tick, journal, writer, clock, containers);
    }

    /// <summary>File INVALID reports for what the last boot left unfinished.</summary>
    public IReadOnlyList<InspectionReport> Recover(string reason) => _journal.RecoverInterrupted(reason);

    /// <summary>As a power cut: the tick stops and the store is closed with nothing filed.</summary>
    public async Task KillAsync()
    {
        _dead = true;
        _tick.Dispose();
        await _writer.DisposeAsync().ConfigureAwait(false);
        _journal.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_dead) return;
        _tick.Dispose();
        await Controller.Procedure.WhenIdleAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        _journal.Dispose();
    }
}
