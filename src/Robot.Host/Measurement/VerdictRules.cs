using Robot.Protocol.Extensions;

namespace Robot.Host.Measurement;

/// <summary>Everything that can make a survey untrustworthy, gathered while it runs.</summary>
public sealed class SurveyIntegrity
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;
    public bool Aborted { get; private set; }

    public void Fail(string problem)
    {
        if (!_problems.Contains(problem)) _problems.Add(problem);
    }

    public void Abort(string why)
    {
        Aborted = true;
        Fail(why);
    }
}

/// <summary>
/// The container verdict. PASS is reachable only through one door: no integrity problem, a
/// measured background, every planned point measured, and no point raised. Anything else that is
/// not EXCEEDS or ANOMALY is INVALID with its reason.
/// </summary>
public static class VerdictRules
{
    public static (string Verdict, string Reason) Decide(BackgroundResult? background, int plannedPoints, IReadOnlyList<PointResult> points, SurveyIntegrity integrity, double limit)
    {
        // A survey point or a hot spot's own point (each confirmed by its re-measurement); a refinement
        // point over the limit only leads to the hot spot's own point, it decides nothing by itself.
        var confirmed = points.Where(p => p.Decision == PointDecisions.Exceeds && p.Kind is null or "hotspot").ToList();
        if (integrity.Problems.Count > 0)
        {
            // A confirmed exceedance is still reported as the reason's first line: officers must see it,
            // but an untrustworthy survey never becomes a clean verdict of either kind.
            var why = string.Join("; ", integrity.Problems);
            return confirmed.Count > 0
                ? (Verdicts.Invalid, $"{why}; note: {confirmed.Count} point(s) exceeded background + {limit} µSv/h before the survey became invalid, treat the container as suspect")
                : (Verdicts.Invalid, why);
        }
        if (background is null) return (Verdicts.Invalid, "no background measurement");
        var surveyed = points.Where(p => p.Kind is null).Select(p => p.PointId).Distinct().Count();
        if (surveyed < plannedPoints) return (Verdicts.Invalid, $"survey incomplete: {surveyed} of {plannedPoints} points measured");
        if (points.Any(p => p.Decision == PointDecisions.Invalid)) return (Verdicts.Invalid, "a point could not be measured validly");
        if (confirmed.Count > 0)
        {
            var max = confirmed.MaxBy(p => p.DoseRateUSvPerH)!;
            return (Verdicts.Exceeds, $"{confirmed.Count} point(s) exceed background {background.DoseRateUSvPerH:0.###} + {limit} µSv/h; highest {max.DoseRateUSvPerH:0.###} µSv/h at {max.Face} {max.AlongM:0.##} m, {max.HeightM:0.##} m high");
        }
        // Survey points and hot spots' own points: re-measurements and refinement points are the same places again.
        var raised = points.Where(p => p.Decision == PointDecisions.Anomaly && p.Kind is null or "hotspot").ToList();
        if (raised.Count > 0)
        {
            var max = raised.MaxBy(p => p.DoseRateUSvPerH)!;
            return (Verdicts.Anomaly, $"{raised.Count} point(s) raised above background {background.DoseRateUSvPerH:0.###} µSv/h but not over the limit; highest {max.DoseRateUSvPerH:0.###} µSv/h at {max.Face} {max.AlongM:0.##} m: open and check");
        }
        return (Verdicts.Pass, $"all {plannedPoints} points within background {background.DoseRateUSvPerH:0.###} + {limit} µSv/h and none raised");
    }
}
