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
    public bool FailsafeHeld { get; set; }
    public bool Started { get; set; }

    public InspectionReport Draft(BackgroundResult? background, DateTimeOffset finishedAt, double limit, IReadOnlyList<HotSpot> hotSpots)
    {
        var (verdict, reason) = VerdictRules.Decide(background, PlannedPoints, Points, Integrity, limit);
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
            Points = Points.ToList(),
            PlannedPoints = PlannedPoints,
            Verdict = verdict,
            VerdictReason = reason,
            HotSpots = verdict == Verdicts.Invalid && !Points.Any(p => p.Decision == PointDecisions.Exceeds) ? [] : hotSpots,
            PreviousReportHash = new string('0', 64),
        };
    }
}
