using Robot.Protocol.Extensions;

namespace Robot.Host.Measurement;

/// <summary>A pose the robot drives to: centre position and heading (radians, yard frame).</summary>
public readonly record struct RobotTarget(double X, double Y, double? Theta);

/// <summary>One station beside a face: where the robot stands so the probe is at the wall distance.</summary>
public sealed record SurveyStation(string Face, int Index, double AlongM, RobotTarget Target, double WallX, double WallY);

/// <summary>One point: a station at one probe height.</summary>
public sealed record SurveyPoint(string PointId, SurveyStation Station, double HeightM);

/// <summary>A leg of the route: first go through these waypoints, then to the station.</summary>
public sealed record SurveyLeg(IReadOnlyList<RobotTarget> Via, SurveyStation Station, IReadOnlyList<SurveyPoint> Points);

/// <summary>
/// Plans stations and heights around a container (SNT0570.md step 4): stations along each face about
/// StationSpacing apart, the probe at the wall distance, the robot going round anticlockwise so its
/// left side (where the probe is) always faces the container. The container frame is the
/// simulator's: x along the long axis from the centre with the door end at +x, y to the left
/// (seen looking towards the door). Faces in order: right (−y), door (+x), left (+y), front (−x).
/// </summary>
public static class SurveyPlanner
{
    /// <summary>ISO 668 outside dimensions: length, width, height (m).</summary>
    public static (double Length, double Width, double Height) Dimensions(string type) => type switch
    {
        ContainerTypes.Twenty => (6.058, 2.438, 2.591),
        ContainerTypes.Forty => (12.192, 2.438, 2.591),
        ContainerTypes.FortyHighCube => (12.192, 2.438, 2.896),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown container type"),
    };

    public static IReadOnlyList<SurveyLeg> Plan(ContainerInfo c, double spacing, IReadOnlyList<double> heights, double wallDistance, double probeOffset, double cornerClearance = 0.8)
    {
        var standoff = wallDistance + probeOffset;
        var legs = new List<SurveyLeg>();
        var sortedHeights = heights.OrderBy(h => h).ToArray();
        var stationNo = 0;
        foreach (var f in FaceGeometry.Frames(c))
        {
            var count = Math.Max(1, (int)Math.Round(f.Length / spacing));
            var step = f.Length / count;
            // A waypoint outside the face's start corner, so the robot never cuts across the box.
            var corner = new RobotTarget(f.StartX + (f.NormalX - f.AlongX) * (standoff + cornerClearance),
                f.StartY + (f.NormalY - f.AlongY) * (standoff + cornerClearance), null);
            for (var i = 0; i < count; i++)
            {
                var station = StationAt(f, i, step * (i + 0.5), wallDistance, probeOffset);
                // Serpentine heights: up at one station, down at the next, to save lift travel.
                var order = stationNo++ % 2 == 0 ? sortedHeights : sortedHeights.Reverse().ToArray();
                var points = order.Select(h => new SurveyPoint($"{f.Face}-{i + 1:D2}-h{h:0.0#}", station, h)).ToList();
                legs.Add(new SurveyLeg(i == 0 ? [corner] : [], station, points));
            }
        }
        return legs;
    }

    /// <summary>The station whose probe (on the robot's left) is at the wall distance from the face at a distance along it.</summary>
    public static SurveyStation StationAt(FaceFrame f, int index, double along, double wallDistance, double probeOffset)
    {
        var standoff = wallDistance + probeOffset;
        var (wx, wy) = f.At(along);
        // Left side to the wall: the robot's left unit (−sinθ, cosθ) equals −normal.
        var heading = Math.Atan2(f.NormalX, -f.NormalY);
        return new SurveyStation(f.Face, index, Math.Round(along, 3), new RobotTarget(wx + f.NormalX * standoff, wy + f.NormalY * standoff, heading), wx, wy);
    }

    /// <summary>Stations on a finer grid either side of a station along its face (hot-spot localisation), nearest the face's ends skipped.</summary>
    public static IReadOnlyList<SurveyStation> Refine(ContainerInfo c, SurveyStation around, double spacing, double span, double wallDistance, double probeOffset)
    {
        var f = FaceGeometry.Frame(c, around.Face);
        var result = new List<SurveyStation>();
        var steps = (int)Math.Round(span / spacing);
        for (var k = -steps; k <= steps; k++)
        {
            if (k == 0) continue;
            var along = around.AlongM + k * spacing;
            if (along < 0.05 || along > f.Length - 0.05) continue;
            result.Add(StationAt(f, around.Index, along, wallDistance, probeOffset));
        }
        return result;
    }

    /// <summary>
    /// Refinement heights around a height: steps of spacing up to span either side, each clamped to
    /// the lift's reach (a height the mast cannot reach is measured at its end stop, not dropped),
    /// leaving out the centre and any height within 0.05 m of one already measured at that station.
    /// </summary>
    public static IReadOnlyList<double> RefineHeights(double around, double spacing, double span, double liftMin, double liftMax, IEnumerable<double> measured)
    {
        var taken = measured.Append(around).ToList();
        var result = new List<double>();
        var steps = (int)Math.Round(span / spacing);
        foreach (var k in Enumerable.Range(1, steps).SelectMany(k => new[] { -k, k }))
        {
            var h = Math.Round(Math.Clamp(around + k * spacing, liftMin, liftMax), 3);
            if (taken.Any(t => Math.Abs(t - h) < 0.05)) continue;
            taken.Add(h);
            result.Add(h);
        }
        return result;
    }

    /// <summary>
    /// The probe heights of the survey for a box and a mast (SNT0570.md step 4): the profile heights the
    /// lift reaches; a top height on a box taller than the profile covers (a high cube), clamped to the
    /// lift; the roof edge where the mast lifts the probe above the roof. Notes say what was clamped or
    /// left out, for the report: the plan never pretends to have covered what it cannot reach.
    /// </summary>
    public static HeightPlan Heights(string containerType, IReadOnlyList<double> profileHeights, double liftMin, double liftMax,
        double maxTopGap, double topBelowRoof, double roofClearance)
    {
        var (_, _, boxHeight) = Dimensions(containerType);
        var reachable = profileHeights.Where(h => h >= liftMin - 1e-9 && h <= liftMax + 1e-9).OrderBy(h => h).ToList();
        var unreachable = profileHeights.Except(reachable).ToList();
        var heights = reachable.ToList();
        var notes = new List<string>();
        double? top = null;
        var highest = profileHeights.Count > 0 ? profileHeights.Max() : 0;
        if (boxHeight - highest > maxTopGap)
        {
            var wanted = boxHeight - topBelowRoof;
            var h = Math.Round(Math.Clamp(wanted, liftMin, liftMax), 3);
            if (!heights.Any(x => Math.Abs(x - h) < 0.05))
            {
                heights.Add(h);
                top = h;
            }
            if (h < wanted - 1e-6)
                notes.Add($"the top of the {boxHeight:0.###} m box is surveyed at {h:0.###} m, the mast's reach (wanted {wanted:0.###} m)");
        }
        double? roof = null;
        var roofHeight = Math.Round(boxHeight + roofClearance, 3);
        if (liftMax >= roofHeight - 1e-9)
        {
            heights.Add(roofHeight);
            roof = roofHeight;
            notes.Add($"roof edges measured from beside the walls at {roofHeight:0.###} m; the mast cannot reach over the middle of the roof");
        }
        else
        {
            notes.Add($"roof not surveyed: the mast reaches {liftMax:0.###} m, the probe must be at {roofHeight:0.###} m to measure above the {boxHeight:0.###} m roof");
        }
        return new HeightPlan(heights.OrderBy(h => h).ToList(), unreachable, top, roof, notes);
    }
}

/// <summary>The survey's probe heights for one box and mast, what the mast cannot reach, and what to tell the report about it.</summary>
public sealed record HeightPlan(IReadOnlyList<double> Heights, IReadOnlyList<double> Unreachable, double? TopHeightM, double? RoofHeightM, IReadOnlyList<string> Notes);
