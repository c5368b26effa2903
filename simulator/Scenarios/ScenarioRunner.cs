using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Control;
using Robot.Host.Procedure;
using Robot.Host.Records;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;
using Robot.Simulator.Clock;
using Robot.Simulator.Devices;
using Robot.Simulator.Physics;
using Robot.Simulator.Yard;

namespace Robot.Simulator.Scenarios;

/// <summary>What one expectation came to.</summary>
public sealed record ExpectationResult(ExpectSpec Expect, InspectionReport? Report, bool Met, string Why);

public sealed record ScenarioResult(ScenarioFile Scenario, IReadOnlyList<InspectionReport> Reports, IReadOnlyList<ExpectationResult> Expectations, TimeSpan VirtualTime, bool TimedOut)
{
    public bool Passed => !TimedOut && Expectations.All(e => e.Met);
}

/// <summary>
/// Runs a scenario headless on the virtual clock, in lockstep with the procedure's actor, so the
/// same seed gives the same result. The robot is the real control core (controller, supervisor,
/// procedure, SQLite journal) over the simulated yard; commands are the same calls the protocol
/// bridge makes. A power loss closes the journal unfiled and starts a new robot on the same store.
/// </summary>
public sealed class ScenarioRunner
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);
    private readonly ScenarioFile _scenario;
    private readonly string _storePath;
    private readonly TextWriter? _progress;

    public ScenarioRunner(ScenarioFile scenario, string storePath, TextWriter? progress = null)
    {
        _scenario = scenario;
        _storePath = storePath;
        _progress = progress;
    }

    public static SimWorldOptions WorldOptions(ScenarioFile s)
    {
        var options = new SimWorldOptions
        {
            Seed = s.Seed,
            StartX = s.Robot.X,
            StartY = s.Robot.Y,
            StartHeadingRad = s.Robot.Theta,
            Detector = DetectorModel.ByName(s.Detector),
            Background = s.Yard.Realistic ? BackgroundOptions.Realistic(s.Yard.BackgroundUSvPerH) : new BackgroundOptions { LevelMicroSvPerHour = s.Yard.BackgroundUSvPerH },
        };
        var boxes = new Dictionary<string, Container>();
        foreach (var c in s.Containers)
        {
            var type = c.Type switch { ContainerTypes.Twenty => ContainerType.Iso20, ContainerTypes.Forty => ContainerType.Iso40, _ => ContainerType.Iso40HighCube };
            Cargo? cargo = c.Cargo.Material == "empty" || c.Cargo.Fill <= 0 ? null
                : new Cargo(c.Cargo.Material == "scrap" ? Material.Iron : Material.ByName(c.Cargo.Material), c.Cargo.DensityGPerCm3, c.Cargo.Fill,
                    new NaturalActivity(c.Cargo.KBqPerKg, c.Cargo.UBqPerKg, c.Cargo.ThBqPerKg));
            var box = new Container(type, c.X, c.Y, c.Theta, cargo, id: Iso6346.Normalize(c.Number));
            boxes[Iso6346.Normalize(c.Number)] = box;
            options.Containers.Add(box);
        }
        foreach (var src in s.Sources)
        {
            options.Sources.Add(PointSource.Inside(boxes[Iso6346.Normalize(src.Container)], ScenarioLoader.NuclideByName(src.Nuclide)!.Value, src.ActivityMBq,
                new Vec3(src.Local.X, src.Local.Y, src.Local.Z)));
        }
        return options;
    }

    /// <summary>Bind the scenario's overrides onto the options classes; unknown keys and bad values are errors naming the field.</summary>
    public static (MeasurementProfileOptions, InstrumentOptions, ProcedureOptions) Options(ScenarioFile s)
    {
        var profile = new MeasurementProfileOptions { WarmUp = TimeSpan.Zero };
        var detector = DetectorModel.ByName(s.Detector);
        var instrument = new InstrumentOptions
        {
            CountsPerSecondPerUSvPerH = detector.CalibrationSensitivity,
            LowestCountsPerSecondPerUSvPerH = detector.LowestSensitivity(),
            DisplayTimeConstantS = detector.Display.MaxTimeConstantS,
        };
        var procedure = new ProcedureOptions
        {
            BackgroundSpotX = s.Yard.BackgroundSpot.X,
            BackgroundSpotY = s.Yard.BackgroundSpot.Y,
            ParkX = s.Yard.Park.X,
            ParkY = s.Yard.Park.Y,
        };
        Bind(profile, s.Profile, "profile");
        Bind(instrument, s.Instrument, "instrument");
        Bind(procedure, s.Procedure, "procedure");
        var problems = new SectionValidator<MeasurementProfileOptions>("$.profile", p => p.Problems()).Validate(null, profile);
        if (problems.Failed) throw new ScenarioException(string.Join("; ", problems.Failures!));
        return (profile, instrument, procedure);
    }

    private static void Bind<T>(T target, Dictionary<string, string> values, string field) where T : class
    {
        if (values.Count == 0) return;
        var config = new ConfigurationBuilder().AddInMemoryCollection(values.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value))).Build();
        try
        {
            config.Bind(target, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw new ScenarioException($"$.{field}: {ex.Message.Split('\n')[0]}");
        }
    }

    public async Task<ScenarioResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var (profile, instrument, procedureOptions) = Options(_scenario);
        await using var clock = new SimClock(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        using var world = new SimWorld(WorldOptions(_scenario), clock.Time);
        var start = clock.Now;
        var reports = new List<InspectionReport>();
        var robot = Boot();
        var faults = _scenario.Faults.OrderBy(f => f.At).Select(f => (Spec: f, Started: false, Ended: false)).ToList();
        var commands = new Queue<CommandSpec>(_scenario.Commands.OrderBy(c => c.At));
        var lastProgress = TimeSpan.Zero;
        var timedOut = false;
        var orders = 0;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var elapsed = clock.Now - start;
                if (elapsed > TimeSpan.FromMinutes(_scenario.TimeLimitMinutes))
                {
                    timedOut = true;
                    break;
                }
                for (var i = 0; i < faults.Count; i++)
                {
                    var (spec, started, ended) = faults[i];
                    if (!started && elapsed >= spec.At)
                    {
                        robot = await StartFaultAsync(spec, world, robot, clock).ConfigureAwait(false);
                        faults[i] = (spec, true, spec.Duration is null);
                    }
                    else if (started && !ended && spec.Duration is { } d && elapsed >= spec.At + d)
                    {
                        EndFault(spec, world, robot);
                        faults[i] = (spec, true, true);
                    }
                }
                while (commands.Count > 0 && elapsed >= commands.Peek().At && Ready(commands.Peek(), robot))
                {
                    Apply(commands.Dequeue(), robot, world, ++orders);
                }
                if (commands.Count == 0 && faults.All(f => f.Started && (f.Ended || f.Spec.Duration is null)) && robot.Controller.Procedure.State == ProcedureState.Idle
                    && !robot.Controller.Procedure.IsBusy && !robot.Controller.HasActiveOrder && elapsed > TimeSpan.FromSeconds(1))
                {
                    break;
                }
                clock.Advance(Step, Step);
                await robot.Controller.Procedure.WhenIdleAsync().ConfigureAwait(false);
                if (_progress is not null && elapsed - lastProgress >= TimeSpan.FromSeconds(30))
                {
                    lastProgress = elapsed;
                    var t = robot.Controller.Procedure.Telemetry();
                    _progress.Write($"\r  {elapsed:hh\\:mm\\:ss} virtual  {t.State,-20} {t.ContainerNumber,-12} {t.PointsDone,3}/{t.PointsPlanned,-3} points   ");
                }
            }
        }
        finally
        {
            await robot.DisposeAsync().ConfigureAwait(false);
            _progress?.WriteLine();
        }
        using (var journal = InspectionJournal.Open(_storePath, "SIM-SCENARIO", clock.Time))
        {
            reports.AddRange(journal.RecentReports(10_000).OrderBy(r => r.Sequence));
        }
        var expectations = _scenario.Expect.Select(e => Check(e, reports)).ToList();
        return new ScenarioResult(_scenario, reports, expectations, clock.Now - start, timedOut);

        RunningRobot Boot() => RunningRobot.Start(world, clock, _storePath, profile, instrument, procedureOptions, _scenario.Containers);
    }

    private static bool Ready(CommandSpec command, RunningRobot robot) =>
        command.Do is not ("inspect" or "measureBackground")
        || robot.Controller.Procedure.State == ProcedureState.Idle && !robot.Controller.Procedure.IsBusy && !robot.Controller.HasActiveOrder;

    private static void Apply(CommandSpec command, RunningRobot robot, SimWorld world, int n)
    {
        var c = robot.Controller;
        switch (command.Do)
        {
            case "inspect":
            case "measureBackground":
            {
                var parameters = new List<ActionParameter>();
                ContainerSpec? box = null;
                if (command.Do == "inspect")
                {
                    box = robot.Scenario(command.Container!);
                    parameters.Add(P("containerNumber", JsonSerializer.Serialize(box.Number)));
                    parameters.Add(P("containerType", JsonSerializer.Serialize(box.Type)));
                    parameters.Add(P("x", box.X.ToString(CultureInfo.InvariantCulture)));
                    parameters.Add(P("y", box.Y.ToString(CultureInfo.InvariantCulture)));
                    parameters.Add(P("theta", box.Theta.ToString(CultureInfo.InvariantCulture)));
                    parameters.Add(P("operatorId", "\"scenario\""));
                    if (command.Mode is { } mode) parameters.Add(P("pointMode", JsonSerializer.Serialize(mode)));
                }
                var pose = world.Pose;
                var order = new Order
                {
                    HeaderId = n,
                    Timestamp = robot.Clock.Now,
                    Version = "2.1.0",
                    Manufacturer = RunningRobot.Manufacturer,
                    SerialNumber = RunningRobot.Serial,
                    OrderId = $"scenario-{n}",
                    OrderUpdateId = 0,
                    Nodes =
                    [
                        new Node
                        {
                            NodeId = $"here-{n}",
                            SequenceId = 0,
                            Released = true,
                            NodePosition = new NodePosition { X = pose.X.Meters, Y = pose.Y.Meters, MapId = "yard" },
                            Actions = [new VdaAction { ActionType = command.Do == "inspect" ? "inspectContainer" : "measureBackground", ActionId = $"act-{n}", BlockingType = BlockingType.Hard, ActionParameters = parameters }],
                        },
                    ],
                    Edges = [],
                };
                if (c.HandleOrder(order) is { } error) throw new ScenarioException($"the robot refused the {command.Do} command at {command.At}: {error}");
                break;
            }
            case "pause":
                c.HandleInstantActions(Instant("startPause", n, robot.Clock.Now));
                break;
            case "resume":
                c.HandleInstantActions(Instant("stopPause", n, robot.Clock.Now));
                break;
            case "cancel":
                c.HandleInstantActions(Instant("cancelOrder", n, robot.Clock.Now));
                break;
            case "resetEStop":
                c.HandleCommand(new Robot.Protocol.Extensions.CommandRequest
                {
                    CommandId = $"reset-{n}",
                    IssuedAt = robot.Clock.Now,
                    ExpiresAt = robot.Clock.Now.AddSeconds(30),
                    Command = CommandNames.ResetEmergencyStop,
                    OperatorId = "scenario",
                });
                break;
        }

        static ActionParameter P(string key, string json) => new() { Key = key, Value = JsonDocument.Parse(json).RootElement.Clone() };
        // The robot refuses a stopPause (anything but a stop) that is not freshly stamped.
        static InstantActions Instant(string type, int n, DateTimeOffset now) => new()
        {
            HeaderId = n,
            Timestamp = now,
            Version = "2.1.0",
            Manufacturer = RunningRobot.Manufacturer,
            SerialNumber = RunningRobot.Serial,
            Actions = [new VdaAction { ActionType = type, ActionId = $"{type}-{n}", BlockingType = BlockingType.None }],
        };
    }

    private async Task<RunningRobot> StartFaultAsync(FaultSpec fault, SimWorld world, RunningRobot robot, SimClock clock)
    {
        switch (fault.Kind)
        {
            case "detectorSilent": world.Probe.InjectFault(DetectorFault.Silent, selfReported: true); break;
            case "detectorStuck": world.Probe.InjectFault(DetectorFault.Stuck, selfReported: true); break;
            case "detectorSaturated": world.Probe.InjectFault(DetectorFault.Saturated, selfReported: true); break;
            case "motorStall": world.Drive.Stalled = true; break;
            case "liftJam": world.Lift.Jammed = true; break;
            case "emergencyStop": world.EmergencyStop.Press(); break;
            case "linkLoss": robot.Controller.SetBrokerLink(false); break;
            case "batterySag": world.Battery.SetPercent(fault.Value ?? 5); break;
            case "powerLoss":
            {
                // The process dies: nothing is filed, the store keeps what was journaled. Then the robot boots again.
                await robot.KillAsync().ConfigureAwait(false);
                world.Drive.Stop();
                world.Lift.Stop();
                var (profile, instrument, procedure) = Options(_scenario);
                var next = RunningRobot.Start(world, clock, _storePath, profile, instrument, procedure, _scenario.Containers);
                next.Recover("power lost during the inspection; the robot restarted");
                return next;
            }
        }
        return robot;
    }

    private static void EndFault(FaultSpec fault, SimWorld world, RunningRobot robot)
    {
        switch (fault.Kind)
        {
            case "detectorSilent" or "detectorStuck" or "detectorSaturated": world.Probe.ClearFaults(); break;
            case "motorStall": world.Drive.Stalled = false; break;
            case "liftJam": world.Lift.Jammed = false; break;
            case "emergencyStop": world.EmergencyStop.Release(); break;
            case "linkLoss": robot.Controller.SetBrokerLink(true); break;
        }
    }

    private ExpectationResult Check(ExpectSpec e, IReadOnlyList<InspectionReport> reports)
    {
        var number = Iso6346.Normalize(e.Container);
        var report = reports.LastOrDefault(r => r.Container.Number == number);
        if (report is null) return new ExpectationResult(e, null, false, $"no report for {number}");
        if (report.Verdict != e.Verdict) return new ExpectationResult(e, report, false, $"verdict {report.Verdict}, expected {e.Verdict}: {report.VerdictReason}");
        if (e.ReasonContains is { } text && !report.VerdictReason.Contains(text, StringComparison.OrdinalIgnoreCase))
            return new ExpectationResult(e, report, false, $"reason does not mention '{text}': {report.VerdictReason}");
        if (e.HotSpotWithinM is { } within)
        {
            var box = _scenario.Containers.First(c => Iso6346.Normalize(c.Number) == number);
            var sources = _scenario.Sources.Where(s => Iso6346.Normalize(s.Container) == number).ToList();
            if (report.HotSpots.Count == 0 || sources.Count == 0) return new ExpectationResult(e, report, false, "no hot spot reported");
            var best = report.HotSpots.Min(h => sources.Min(s => HotSpotError(box, s, h)));
            if (best > within) return new ExpectationResult(e, report, false, $"hot spot {best:0.00} m from the source's projection on the wall (allowed {within} m)");
            return new ExpectationResult(e, report, true, $"{report.Verdict}; hot spot {best:0.00} m from the truth");
        }
        return new ExpectationResult(e, report, true, report.Verdict);
    }

    /// <summary>Distance on the wall between the hot spot and the source: along the face and in height.</summary>
    public static double HotSpotError(ContainerSpec box, SourceSpec source, HotSpot spot)
    {
        var cos = Math.Cos(box.Theta);
        var sin = Math.Sin(box.Theta);
        // The hot spot in the container frame.
        var dx = spot.X - box.X;
        var dy = spot.Y - box.Y;
        var lx = dx * cos + dy * sin;
        var ly = -dx * sin + dy * cos;
        var along = spot.Face is "left" or "right" ? lx - source.Local.X : ly - source.Local.Y;
        return Math.Sqrt(along * along + Math.Pow(spot.HeightM - source.Local.Z, 2));
    }
}

public sealed class ScenarioException(string message) : Exception(message);
