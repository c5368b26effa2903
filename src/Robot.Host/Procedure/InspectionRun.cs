using Robot.Host.Measurement;
using Robot.Protocol.Extensions;

namespace Robot.Host.Procedure;

/// <summary>One measurement task: a point at a station, and why it is measured.</summary>
public sealed record MeasureTask(string PointId, SurveyStation Station, double HeightM, string? Kind);

/// <summary>Everything one inspection gathers while it runs; it becomes the report.</summary>
public sealed class InspectionRun
{
    public InspectionRun(InspectionRequest request, InstrumentInfo instrument, ProfileInfo profile, DateTimeOffset startedAt, string serial)
    {
        Request = request;
        Instrument = instrument;
        Profile = profile;
        StartedAt = startedAt;
        Serial = serial;
        InspectionId = $"INS-{startedAt:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
    }

    public InspectionRequest Request { get; }
    public InstrumentInfo Instrument { get; }
    public ProfileInfo Profile { get; }
    public DateTimeOffset StartedAt { get; }
    public string Serial { get; }
    public string InspectionId { get; }
    public SurveyIntegrity Integrity { get; } = new();
    public List<MeasureTask> Queue { get; } = [];
    public List<PointResult> Points { get; } = [];
    public int PlannedPoints { get; set; }
    public MeasureTask? Current { get; set; }
    public SurveyStation? AtStation { get; set; }
    public RobotTarget? StationTarget { get; set; }
    public int WallCorrections { get; set; }
    public int BackgroundAttempts { get; set; }
    public bool Localised { get; set; }
    /// <summary>Localisation runs twice: a row and a column around each peak, then the hot spot's own point where they meet.</summary>
    public int LocalisationPass { get; set; }
    /// <summary>The station of every planned and refinement point, by point id (localisation refines around a point's station).</summary>
    public Dictionary<string, SurveyStation> StationOf { get; } = [];
    /// <summary>What the plan could not cover or had to clamp (the roof, a high cube's top): the report says so.</summary>
    public List<string> PlanNotes { get; } = [];
    /// <summary>The probe's lateral offset to the robot's left, from which every point's measured position is computed.</summary>
    public double ProbeLateralOffsetM { get; set; }

    /// <summary>A point with where the probe actually was (measured pose + lateral offset), for the report and localisation.</summary>
    public PointResult Measured(PointResult p) =>
        Request.Container is { } c && p.MeasuredAlongM is null ? FaceGeometry.WithMeasuredPosition(p, c, ProbeLateralOffsetM) : p;
    public bool FailsafeHeld { get; set; }
    public bool Started { get; set; }

    public InspectionReport Draft(BackgroundResult? background, DateTimeOffset finishedAt, double limit, IReadOnlyList<HotSpot> hotSpots)
    {
        var (verdict, reason) = VerdictRules.Decide(background, PlannedPoints, Points, Integrity, limit);
        if (PlanNotes.Count > 0) reason += $". Survey plan: {string.Join("; ", PlanNotes)}";
        return new InspectionReport
        {
            ReportId = "R-" + InspectionId[4..],
            Sequence = 0,
            InspectionId = InspectionId,
            SerialNumber = Serial,
            Container = Request.Container!,
            OperatorId = Request.OperatorId,
            StartedAt = StartedAt,
            FinishedAt = finishedAt,
            Instrument = Instrument,
            Profile = Profile,
            Background = background,
            ThresholdUSvPerH = background is null ? null : Math.Round(background.DoseRateUSvPerH + limit, 6),
            Points = Points.Select(Measured).ToList(),
            PlannedPoints = PlannedPoints,
            Verdict = verdict,
            VerdictReason = reason,
            HotSpots = verdict == Verdicts.Invalid && !Points.Any(p => p.Decision == PointDecisions.Exceeds) ? [] : hotSpots,
            PreviousReportHash = new string('0', 64),
        };
    }
}
