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
        var (length, width, _) = Dimensions(c.Type);
        var cos = Math.Cos(c.Theta);
        var sin = Math.Sin(c.Theta);
        (double X, double Y) World(double lx, double ly) => (c.X + lx * cos - ly * sin, c.Y + lx * sin + ly * cos);
        (double X, double Y) Dir(double lx, double ly) => (lx * cos - ly * sin, lx * sin + ly * cos);

        // Each face: start corner, travel direction and outward normal, in the container's frame.
        var faces = new[]
        {
            (Name: "right", Start: (-length / 2, -width / 2), Along: (1.0, 0.0), Normal: (0.0, -1.0), Length: length),
            (Name: "door", Start: (length / 2, -width / 2), Along: (0.0, 1.0), Normal: (1.0, 0.0), Length: width),
            (Name: "left", Start: (length / 2, width / 2), Along: (-1.0, 0.0), Normal: (0.0, 1.0), Length: length),
            (Name: "front", Start: (-length / 2, width / 2), Along: (0.0, -1.0), Normal: (-1.0, 0.0), Length: width),
        };
        var standoff = wallDistance + probeOffset;
        var legs = new List<SurveyLeg>();
        var sortedHeights = heights.OrderBy(h => h).ToArray();
        var stationNo = 0;
        foreach (var f in faces)
        {
            var count = Math.Max(1, (int)Math.Round(f.Length / spacing));
            var step = f.Length / count;
            // A waypoint outside the face's start corner, so the robot never cuts across the box.
            var (cx, cy) = World(f.Start.Item1 + (f.Normal.Item1 - f.Along.Item1) * (standoff + cornerClearance),
                f.Start.Item2 + (f.Normal.Item2 - f.Along.Item2) * (standoff + cornerClearance));
            var n = Dir(f.Normal.Item1, f.Normal.Item2);
            // Left side to the wall: the robot's left unit (−sinθ, cosθ) equals −normal.
            var heading = Math.Atan2(n.X, -n.Y);
            for (var i = 0; i < count; i++)
            {
                var along = step * (i + 0.5);
                var (wx, wy) = World(f.Start.Item1 + f.Along.Item1 * along, f.Start.Item2 + f.Along.Item2 * along);
                var station = new SurveyStation(f.Name, i, Math.Round(along, 3),
                    new RobotTarget(wx + n.X * standoff, wy + n.Y * standoff, heading), wx, wy);
                // Serpentine heights: up at one station, down at the next, to save lift travel.
                var order = stationNo++ % 2 == 0 ? sortedHeights : sortedHeights.Reverse().ToArray();
                var points = order.Select(h => new SurveyPoint($"{f.Name}-{i + 1:D2}-h{h:0.0#}", station, h)).ToList();
                legs.Add(new SurveyLeg(i == 0 ? [new RobotTarget(cx, cy, null)] : [], station, points));
            }
        }
        return legs;
    }

    /// <summary>Stations on a finer grid around a point along its face (hot-spot localisation).</summary>
    public static IReadOnlyList<SurveyStation> Refine(ContainerInfo c, SurveyStation around, double spacing, double span, double wallDistance, double probeOffset)
    {
        var (length, width, _) = Dimensions(c.Type);
        var faceLength = around.Face is "left" or "right" ? length : width;
        var result = new List<SurveyStation>();
        var steps = (int)Math.Round(span / spacing);
        var dx = (around.Target.X - around.WallX) / (wallDistance + probeOffset);
        var dy = (around.Target.Y - around.WallY) / (wallDistance + probeOffset);
        // Unit vector along the face (travel direction): the normal turned clockwise... derived from heading.
        var heading = around.Target.Theta ?? 0;
        var ax = Math.Cos(heading);
        var ay = Math.Sin(heading);
        for (var k = -steps; k <= steps; k++)
        {
            if (k == 0) continue;
            var along = around.AlongM + k * spacing;
            if (along < 0.05 || along > faceLength - 0.05) continue;
            var wx = around.WallX + ax * k * spacing;
            var wy = around.WallY + ay * k * spacing;
            var standoff = wallDistance + probeOffset;
            result.Add(new SurveyStation(around.Face, around.Index, Math.Round(along, 3), new RobotTarget(wx + dx * standoff, wy + dy * standoff, heading), wx, wy));
        }
        return result;
    }
}
