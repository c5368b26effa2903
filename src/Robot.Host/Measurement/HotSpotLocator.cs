using Robot.Protocol.Extensions;

namespace Robot.Host.Measurement;

/// <summary>One raised area of a face: its survey points and the highest of them (the peak, around which localisation refines).</summary>
public sealed record RaisedArea(string Face, PointResult Peak, IReadOnlyList<PointResult> Points)
{
    /// <summary>exceeds when any of its points exceeds, otherwise anomaly.</summary>
    public string Decision => Points.Any(p => p.Decision == PointDecisions.Exceeds) ? PointDecisions.Exceeds : PointDecisions.Anomaly;
}

/// <summary>
/// Finds every raised area on every face and locates its hot spot (SNT0570.md step 6). Pure: points
/// in, areas and hot spots out.
/// <para>
/// Areas: the raised survey points (EXCEEDS or ANOMALY) of a face, neighbours when their stations
/// and heights are adjacent on the survey grid (diagonals included). Each raised point climbs to its
/// highest raised neighbour until it reaches a local maximum; the points reaching the same maximum
/// form one area. Two neighbouring areas stay separate only when the dose between them (the higher
/// of the lower sides of their touching pairs: the saddle) falls clearly below the lower peak: its
/// net dose below <c>saddleFraction</c> of the lower peak's net dose, by more than <c>sigma</c>
/// combined standard errors. Otherwise they merge: noise on a broad raised area (natural cargo)
/// makes one area, two sources a few metres apart make two.
/// </para>
/// </summary>
public static class HotSpotLocator
{
    public static bool IsRaised(PointResult p) => p.Decision is PointDecisions.Exceeds or PointDecisions.Anomaly;

    /// <summary>
    /// The raised areas of the survey (points of Kind null only; a re-measurement or refinement is
    /// not a survey point), highest peak first. alongGap and heightGap are the largest distances
    /// (planned station along the face, planned height) at which two points are neighbours.
    /// </summary>
    public static IReadOnlyList<RaisedArea> Areas(IReadOnlyList<PointResult> points, double alongGap, double heightGap, double saddleFraction, double sigma)
    {
        var areas = new List<RaisedArea>();
        foreach (var face in points.Where(p => p.Kind is null && IsRaised(p)).GroupBy(p => p.Face))
        {
            // The latest result of each survey point (a point is measured once in a survey; be safe).
            var raised = face.GroupBy(p => p.PointId).Select(g => g.Last()).ToList();
            bool Adjacent(PointResult a, PointResult b) =>
                !ReferenceEquals(a, b) && Math.Abs(a.AlongM - b.AlongM) <= alongGap + 1e-9 && Math.Abs(a.HeightM - b.HeightM) <= heightGap + 1e-9;
            var neighbours = raised.ToDictionary(p => p, p => raised.Where(q => Adjacent(p, q)).ToList());

            // Steepest ascent to a local maximum (ties broken by point id, so the result is deterministic).
            static bool Higher(PointResult a, PointResult b) =>
                a.DoseRateUSvPerH > b.DoseRateUSvPerH || (a.DoseRateUSvPerH == b.DoseRateUSvPerH && string.CompareOrdinal(a.PointId, b.PointId) < 0);
            PointResult Climb(PointResult p)
            {
                while (true)
                {
                    var up = neighbours[p].Where(q => Higher(q, p)).OrderByDescending(q => q.DoseRateUSvPerH).ThenBy(q => q.PointId, StringComparer.Ordinal).FirstOrDefault();
                    if (up is null) return p;
                    p = up;
                }
            }
            var peakOf = raised.ToDictionary(p => p, Climb);

            // Merge basins whose saddle is not clearly below the lower peak, highest saddle first.
            while (true)
            {
                (PointResult Low, PointResult High, PointResult Saddle)? merge = null;
                var saddles = new Dictionary<(PointResult, PointResult), PointResult>();
                foreach (var a in raised)
                {
                    foreach (var b in neighbours[a])
                    {
                        var pa = peakOf[a];
                        var pb = peakOf[b];
                        if (ReferenceEquals(pa, pb)) continue;
                        var key = Higher(pa, pb) ? (pb, pa) : (pa, pb);
                        var low = Higher(a, b) ? b : a;
                        if (!saddles.TryGetValue(key, out var s) || Higher(low, s)) saddles[key] = low;
                    }
                }
                foreach (var ((lowPeak, highPeak), saddle) in saddles.OrderByDescending(kv => kv.Value.DoseRateUSvPerH))
                {
                    var drop = lowPeak.DoseRateUSvPerH - saddle.DoseRateUSvPerH;
                    var error = Math.Sqrt(Math.Pow(lowPeak.StandardErrorUSvPerH, 2) + Math.Pow(saddle.StandardErrorUSvPerH, 2));
                    var separate = saddle.NetUSvPerH < saddleFraction * lowPeak.NetUSvPerH && drop > sigma * error;
                    if (!separate)
                    {
                        merge = (lowPeak, highPeak, saddle);
                        break;
                    }
                }
                if (merge is not { } m) break;
                foreach (var p in raised.Where(p => ReferenceEquals(peakOf[p], m.Low))) peakOf[p] = m.High;
            }
            foreach (var group in raised.GroupBy(p => peakOf[p]))
            {
                areas.Add(new RaisedArea(face.Key, group.Key, group.OrderBy(p => p.AlongM).ThenBy(p => p.HeightM).ToList()));
            }
        }
        return areas.OrderByDescending(a => a.Peak.DoseRateUSvPerH).ToList();
    }

    /// <summary>
    /// The hot spot of an area from its points and the refinement points measured around its peak
    /// (points must carry their measured position, see <see cref="FaceGeometry.WithMeasuredPosition"/>).
    /// Along the face: the highest point on the peak's height row (the peak and the row refined either
    /// side of it); in height: the highest point in the peak's station column (the peak, the survey
    /// heights and the heights refined there). Each coordinate is taken from the measured position of
    /// the point that gives it; the dose is the highest measured in the area.
    /// </summary>
    /// <summary>The id of the point measured where a raised area's row and column maxima meet.</summary>
    public static string HotSpotPointId(PointResult peak) => peak.PointId + "-h";

    /// <summary>The best point of the row along the face at the peak's height, and of the column of heights at the peak's station.</summary>
    public static (PointResult AlongBest, PointResult HeightBest) RowAndColumnBest(RaisedArea area, IReadOnlyList<PointResult> refinement)
    {
        var valid = refinement.Where(p => p.Decision != PointDecisions.Invalid && p.Face == area.Face).ToList();
        var peak = area.Peak;
        var row = valid.Where(p => Math.Abs(p.HeightM - peak.HeightM) < 1e-6).Append(peak).ToList();
        var column = valid.Concat(area.Points).Where(p => Math.Abs(p.AlongM - peak.AlongM) < 1e-6).Append(peak).ToList();
        return (row.MaxBy(p => p.DoseRateUSvPerH)!, column.MaxBy(p => p.DoseRateUSvPerH)!);
    }

    /// <summary>
    /// The hot spot of an area: along the face from the row's best point, in height from the column's;
    /// its dose is the dose measured there (the hot spot's own point, or the point already standing
    /// there), never a dose taken somewhere else.
    /// </summary>
    public static HotSpot Locate(RaisedArea area, IReadOnlyList<PointResult> refinement, PointResult? own = null)
    {
        var (alongBest, heightBest) = RowAndColumnBest(area, refinement);
        var valid = refinement.Where(p => p.Decision != PointDecisions.Invalid && p.Face == area.Face).Concat(area.Points).ToList();
        var there = own is { Decision: not PointDecisions.Invalid } ? own
            : valid.LastOrDefault(p => Math.Abs(p.AlongM - alongBest.AlongM) < 1e-6 && Math.Abs(p.HeightM - heightBest.HeightM) < 1e-6)
            ?? valid.MaxBy(p => p.DoseRateUSvPerH)!;
        return new HotSpot
        {
            Face = area.Face,
            AlongM = there.MeasuredAlongM ?? alongBest.MeasuredAlongM ?? alongBest.AlongM,
            HeightM = there.MeasuredHeightM ?? heightBest.MeasuredHeightM ?? heightBest.Pose.HeightM,
            X = there.ProbeX ?? alongBest.ProbeX ?? throw new ArgumentException($"point {alongBest.PointId} carries no measured probe position", nameof(area)),
            Y = there.ProbeY ?? alongBest.ProbeY ?? throw new ArgumentException($"point {alongBest.PointId} carries no measured probe position", nameof(area)),
            DoseRateUSvPerH = there.DoseRateUSvPerH,
            NetUSvPerH = there.NetUSvPerH,
            Decision = there.Decision == PointDecisions.Exceeds && there.Kind is null or "hotspot" ? PointDecisions.Exceeds : area.Decision,
            PointId = there.PointId,
            AreaPointIds = area.Points.Select(p => p.PointId).ToList(),
        };
    }
}
