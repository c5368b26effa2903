using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Measurement;
using Robot.Host.Motion;
using Robot.Host.Safety;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;
using Stateless;
using Stateless.Graph;

namespace Robot.Host.Procedure;

/// <summary>How an inspection action ended, for its VDA 5050 action state.</summary>
public sealed record ProcedureOutcome(string ActionId, bool Succeeded, string Result, InspectionReport? Report);

/// <summary>
/// The SN/T 0570-2007 inspection as a Stateless state machine owned by one actor: a single
/// Channel reader fires every trigger (FireAsync); nothing else touches the machine. Entry actions
/// are short: they set the current activity, which the control tick runs (drive, lift, settle,
/// measure) and which reports back with a trigger. All hardware access happens under the
/// controller's lock, from the tick or from entry actions.
/// </summary>
public sealed partial class InspectionProcedure
{
    private readonly StateMachine<ProcedureState, ProcedureTrigger> _machine;
    private readonly Channel<ProcedureTrigger> _triggers = Channel.CreateUnbounded<ProcedureTrigger>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _gate;
    private readonly RobotHardware _hw;
    private readonly SafetySupervisor _supervisor;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly JournalWriter _journal;
    private readonly MeasurementProfileOptions _profile;
    private readonly InstrumentOptions _instrumentOptions;
    private readonly ProcedureOptions _options;
    private readonly PoseController _pose;
    private readonly MotionOptions _motion;
    private readonly string _serial;
    private readonly Action<string, string, string> _raise;
    private readonly DateTimeOffset _poweredAt;
    private int _pending;
    private TaskCompletionSource _idle = NewIdle();

    private Action<DateTimeOffset>? _activity;
    private InspectionRun? _run;
    private (BackgroundResult Result, DateTimeOffset At)? _background;
    private ProcedureState _resumeTo = ProcedureState.Dispatching;
    private string _abortReason = "";
    private bool _parkAfterReport;
    private ProcedureOutcome? _outcome;
    private InspectionReport? _lastReport;

    public InspectionProcedure(Lock gate, RobotHardware hardware, SafetySupervisor supervisor, TimeProvider time, ILogger log, JournalWriter journal,
        MeasurementProfileOptions profile, InstrumentOptions instrument, ProcedureOptions options, MotionOptions motion, string serial, Action<string, string, string> raise)
    {
        _gate = gate;
        _hw = hardware;
        _supervisor = supervisor;
        _time = time;
        _log = log;
        _journal = journal;
        _profile = profile;
        _instrumentOptions = instrument;
        _options = options;
        _motion = motion;
        _pose = new PoseController(motion);
        _serial = serial;
        _raise = raise;
        _poweredAt = time.GetUtcNow();
        _machine = new StateMachine<ProcedureState, ProcedureTrigger>(ProcedureState.Idle);
        Configure(_machine);
        _ = Task.Run(RunActorAsync);
    }

    public ProcedureState State => _machine.State;
    public bool IsBusy => _machine.State != ProcedureState.Idle || _pending > 0;
    public ProcedureOutcome? Outcome => Volatile.Read(ref _outcome);
    public InspectionReport? LastReport => Volatile.Read(ref _lastReport);
    public BackgroundResult? Background => _background?.Result;

    /// <summary>Raised (from the actor) when something the state message reports has changed.</summary>
    public event Action? Changed;

    // ------------------------------------------------------------ public API (under the controller lock)

    public ProtocolError? Start(InspectionRequest request)
    {
        if (_machine.State != ProcedureState.Idle || _pending > 0)
            return new ProtocolError(ProtocolErrorCode.Busy, $"an inspection is already running ({_run?.InspectionId ?? "starting"})");
        var mode = request.PointMode ?? _profile.PointMode;
        var instrument = Instrument();
        _run = new InspectionRun(request, instrument, Profile(mode, DoseConversion.For(instrument, _hw.DoseProbe.Read())), _time.GetUtcNow(), _serial);
        _outcome = null;
        _parkAfterReport = false;
        _abortReason = "";
        if (request.ForceBackground) _background = null;
        Post(ProcedureTrigger.Start);
        return null;
    }

    public void Pause() => Post(ProcedureTrigger.Pause);
    public void Resume() => Post(ProcedureTrigger.Resume);

    public void Cancel(string reason)
    {
        _abortReason = reason;
        Post(ProcedureTrigger.Cancel);
    }

    /// <summary>The operator's or broker link was lost or came back (only matters while inspecting).</summary>
    public void OnLinkChanged(bool lost)
    {
        if (_machine.State == ProcedureState.Idle) return;
        Post(lost ? ProcedureTrigger.LinkLost : ProcedureTrigger.LinkRestored);
    }

    /// <summary>One control tick: run the current activity.</summary>
    public void Tick(DateTimeOffset now) => _activity?.Invoke(now);

    /// <summary>Completes when every posted trigger has been fired (lockstep runs on a virtual clock).</summary>
    public async Task WhenIdleAsync()
    {
        // Triggers can queue journal writes and journal completions can post triggers: settle both.
        while (Volatile.Read(ref _pending) > 0 || !_journal.WhenIdleAsync().IsCompleted)
        {
            if (Volatile.Read(ref _pending) > 0) await Volatile.Read(ref _idle).Task.ConfigureAwait(false);
            await _journal.WhenIdleAsync().ConfigureAwait(false);
        }
    }

    public IReadOnlyList<VdaError> Errors()
    {
        var errors = new List<VdaError>();
        if (_machine.State == ProcedureState.HoldingOnLinkLoss)
            errors.Add(new VdaError { ErrorType = "inspectionHeldLinkLost", ErrorLevel = ErrorLevel.Warning, ErrorDescription = $"link lost: inspection holding; after {_options.LinkLossGrace.TotalSeconds:0} s the failsafe '{_options.LinkLossAction}' runs", ErrorHint = "restore the link" });
        if (_machine.State == ProcedureState.Paused && _run?.FailsafeHeld == true)
            errors.Add(new VdaError { ErrorType = "inspectionFailsafeHold", ErrorLevel = ErrorLevel.Fatal, ErrorDescription = "link-loss failsafe: inspection held; it resumes only on an explicit stopPause", ErrorHint = "send instantAction stopPause, or cancelOrder" });
        return errors;
    }

    public ProcedureTelemetry Telemetry() => new()
    {
        State = _machine.State.ToString(),
        InspectionId = _run?.InspectionId,
        ContainerNumber = _run?.Request.Container?.Number,
        PointsDone = _run?.Points.Count(p => p.Kind is null) ?? 0,
        PointsPlanned = _run?.PlannedPoints ?? 0,
        CurrentPoint = _run?.Current?.PointId,
        BackgroundUSvPerH = _background is { } b ? Math.Round(b.Result.DoseRateUSvPerH, 5) : null,
        ThresholdUSvPerH = _background is { } t ? Math.Round(t.Result.DoseRateUSvPerH + _profile.LimitUSvPerH, 5) : null,
        LastDoseUSvPerH = _run?.Points.LastOrDefault()?.DoseRateUSvPerH,
        LastVerdict = _lastReport?.Verdict,
        LastReportId = _lastReport?.ReportId,
    };

    /// <summary>The running inspection's points so far (none when no inspection runs), without their raw readings.</summary>
    public IReadOnlyList<MeasuredPoint> SurveySoFar() => _run is null ? [] :
    [
        .. _run.Points.Select(p => new MeasuredPoint
        {
            PointId = p.PointId, X = p.Pose.X, Y = p.Pose.Y, HeightM = p.HeightM,
            DoseRateUSvPerH = p.DoseRateUSvPerH, Decision = p.Decision, Kind = p.Kind,
        }),
    ];

    /// <summary>The state chart, generated from the machine itself (Mermaid).</summary>
    public string StateChartMermaid() => MermaidGraph.Format(_machine.GetInfo());

    /// <summary>The chart of a machine configured exactly as a running one (nothing is driven or measured).</summary>
    public static string StateChart()
    {
        var procedure = new InspectionProcedure(new Lock(), null!, new SafetySupervisor(null!, new SafetyOptions()), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, null!, new MeasurementProfileOptions(), new InstrumentOptions(), new ProcedureOptions(),
            new MotionOptions(), "chart", (_, _, _) => { });
        return procedure.StateChartMermaid().ReplaceLineEndings("\n").Trim();
    }

    /// <summary>docs/procedure.md as generated: prose, then the chart between markers.</summary>
    public static string ProcedureDocument() => $$"""
        # The inspection procedure

        The SN/T 0570-2007 inspection as the robot carries it out (src/Robot.Host/Procedure). The chart
        below is generated from the state machine itself by `dotnet run --project src/Robot.Host -- state-chart --write docs/procedure.md`;
        a test fails when this file differs from the machine.

        - **CheckingReadiness**: the calibration record must be valid (an expired one refuses the
          inspection: INVALID, nothing measured); the detector must report OK; warm-up (profile `WarmUp`).
        - **DrivingToBackground / MeasuringBackground**: when the background is older than
          `Background:MaxAge` (or `measureBackground` is asked), drive to the background spot, probe at
          1 m, settle, at least 5 readings 10 s apart and more until the background's counting error is
          below 0.005 µSv/h (at most 200); refused and repeated when its counts scatter beyond Poisson
          statistics (a chi-square test). How counts become dose and a point's decision (standard and
          sequential): [measurement.md](measurement.md).
        - **Planning**: stations about 1 m apart round every face (right, door, left, front), probe
          heights 0.5, 1.3, 2.1 m; the probe (on the robot's left) at 0.10 m from the wall. A box
          taller than the heights cover (high cube, `MaxTopGapM`) gets a top height `TopHeightBelowRoofM`
          under its top, clamped to the mast; where the mast lifts the probe `RoofClearanceM` above
          the roof, the roof edges are measured too. What the mast cannot reach (the roof, a clamped
          top) is written into the report's reason, never passed over.
        - **DrivingToStation → HoldingWallDistance → Lifting → Settling → Measuring**: for each point;
          the range finder checks the wall distance and the station is corrected (twice at most).
        - **Confirming**: a point over background + limit is measured again; EXCEEDS needs both.
        - **Localising**: every raised area of every face (EXCEEDS and ANOMALY points alike) gets its
          own hot spot (Measurement/HotSpotLocator). Raised points are neighbours on the survey grid
          (adjacent stations and heights); each climbs to its highest neighbour, and two areas stay
          apart when the dose between them falls below `HotSpotSaddleFraction` of the lower peak by
          more than `AnomalySigma` standard errors. Around each peak a row every `RefineSpacingM`
          (0.25 m) over ±`RefineSpanM` (0.5 m) along the face and a column of heights as fine at its
          station, clamped to the lift, locate the maximum: along the face from the row, in height
          from the column. These refinement points only locate (standard mode counts them for the
          standard's readings) and decide nothing; where the row's and the column's best meet, the
          hot spot's own point is measured in full and confirmed like a survey point, so the hot
          spot's dose is the dose measured where the report puts it, and a maximum between survey
          points can make the container EXCEEDS. Every point and hot spot carries where the probe
          measurably was (robot pose + `ProbeLateralOffsetM` to its left, lift height), not the
          planned station.
        - **Reporting**: the verdict (PASS only when every planned point was measured validly), the
          report filed in the journal with its hash chained to the previous one, the alarm on EXCEEDS.
        - **Paused** (startPause, or an e-stop) resumes only on stopPause. **HoldingOnLinkLoss**: the
          broker link or the inspecting operator's link is lost; it goes on by itself if the link
          returns within `Procedure:LinkLossGrace`, otherwise the failsafe runs: `hold` (Paused until an
          explicit stopPause) or `returnToPark` (INVALID, drive to the park pose).
        - **Aborting**: cancelOrder, a detector fault, a stalled drive or a jammed lift: INVALID with the reason.

        <!-- state-chart:begin -->
        ```mermaid
        {{StateChart()}}
        ```
        <!-- state-chart:end -->

        """;

    // ------------------------------------------------------------ the actor

    private void Post(ProcedureTrigger trigger)
    {
        if (Interlocked.Increment(ref _pending) == 1 && Volatile.Read(ref _idle).Task.IsCompleted)
        {
            Interlocked.Exchange(ref _idle, NewIdle());
        }
        _triggers.Writer.TryWrite(trigger);
    }

    private async Task RunActorAsync()
    {
        await foreach (var trigger in _triggers.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await _machine.FireAsync(trigger).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Work that throws becomes a fault: the survey ends INVALID, never silently.
                _log.LogError(ex, "procedure failed on {Trigger} in {State}", trigger, _machine.State);
                if (_machine.State is not (ProcedureState.Idle or ProcedureState.Aborting or ProcedureState.Reporting))
                {
                    _abortReason = $"internal fault in {_machine.State}: {ex.Message}";
                    Post(ProcedureTrigger.Fault);
                }
            }
            finally
            {
                Changed?.Invoke();
                if (Interlocked.Decrement(ref _pending) == 0) Volatile.Read(ref _idle).TrySetResult();
            }
        }
    }

    private static TaskCompletionSource NewIdle() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>An activity is done: stop running it and report back once.</summary>
    private void Complete(ProcedureTrigger trigger)
    {
        _activity = null;
        Post(trigger);
    }

    private void Fail(string reason)
    {
        _activity = null;
        _abortReason = reason;
        Post(ProcedureTrigger.Fault);
    }

    private InstrumentInfo Instrument() => new()
    {
        Model = _instrumentOptions.Model,
        SerialNumber = _instrumentOptions.SerialNumber,
        K1 = _instrumentOptions.K1,
        K2 = _instrumentOptions.K2,
        K3 = _instrumentOptions.K3,
        CosmicResponseUSvPerH = _instrumentOptions.CosmicResponseUSvPerH,
        CalibrationCertificate = _instrumentOptions.CalibrationCertificate,
        CalibrationValidUntil = _instrumentOptions.CalibrationValidUntil,
        CountsPerSecondPerUSvPerH = _instrumentOptions.CountsPerSecondPerUSvPerH,
        LowestCountsPerSecondPerUSvPerH = _instrumentOptions.LowestCountsPerSecondPerUSvPerH,
        DisplayTimeConstantS = _instrumentOptions.DisplayTimeConstantS,
    };

    private ProfileInfo Profile(string mode, DoseConversion conversion) => new()
    {
        Name = _profile.Name,
        Version = _profile.Version,
        PointMode = mode == "sequential" && !conversion.Counting ? "standard" : mode,
        LimitUSvPerH = _profile.LimitUSvPerH,
        DoseConversion = conversion.Statement,
        Figures = _profile.Figures(),
    };
}
