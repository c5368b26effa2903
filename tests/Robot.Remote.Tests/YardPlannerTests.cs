using Robot.Remote.Motion;
using Robot.Remote.Web;

namespace Robot.Remote.Tests;

public sealed class YardPlannerTests
{
    private static readonly YardContainer Hot = new("TGHU7720313", "40ft", 14, -6, 0);
    private static readonly YardContainer Clean = new("CSQU3054383", "20ft", 12, 4, 0);
    private static readonly YardLayout Yard = new(new YardBounds(-30, -15, 45, 15), [Clean, Hot]);

    [Fact]
    public void Open_ground_is_a_straight_line()
    {
        Assert.Equal([(-5.0, 1.0)], YardPlanner.Plan(Yard, (0, 0), (-5, 1)));
    }

    [Fact]
    public void A_container_in_the_way_is_passed_round_the_shorter_side_keeping_the_clearance()
    {
        var path = YardPlanner.Plan(Yard, (0, -6), (28, -6));

        Assert.NotNull(path);
        Assert.True(path.Count >= 3, $"expected to go round two corners: {Show(path)}");
        Assert.Equal((28.0, -6.0), path[^1]);
        AssertClear(Yard, (0, -6), path);
        // Round the near side of a 12.2 m box 2.4 m wide: not much longer than straight through.
        var length = Length((0, -6), path);
        Assert.InRange(length, 28, 28 + 2 * 2.5);
    }

    [Fact]
    public void A_robot_standing_beside_a_wall_after_an_inspection_can_leave_but_not_through_the_box()
    {
        var besideTheWall = (X: 14.0, Y: -4.78 + 0.1); // 0.1 m north of the hot box, as the probe stands
        var path = YardPlanner.Plan(Yard, besideTheWall, (14, -9.5)); // to the other side

        Assert.NotNull(path);
        Assert.True(path.Count >= 3, Show(path));
        var legs = new[] { besideTheWall }.Concat(path).ToArray();
        for (var i = 0; i + 1 < legs.Length; i++)
            Assert.False(Crosses(Hot, 0, legs[i], legs[i + 1]), $"leg {i} goes through the box: {Show(path)}");
        AssertClear(Yard, path[0], path.Skip(1).ToList());
    }

    [Fact]
    public void Leaving_a_wall_never_takes_the_robot_closer_to_it_than_it_stands()
    {
        // 0.4 m off the long side of a 40 ft box; the straight line to the target would pass 6 cm from its corner.
        var box = new YardContainer("TGHU7720313", "40ft", 0, 0, 0);
        var yard = new YardLayout(new YardBounds(-30, -30, 30, 30), [box]);
        var start = (X: 0.0, Y: 1.219 + 0.4);

        var path = YardPlanner.Plan(yard, start, (-8, 1.17));

        Assert.NotNull(path);
        var legs = new[] { start }.Concat(path).ToArray();
        var closest = double.PositiveInfinity;
        for (var i = 0; i + 1 < legs.Length; i++)
        {
            for (var k = 0; k <= 200; k++)
            {
                var t = k / 200.0;
                closest = Math.Min(closest, Outside(box, legs[i].X + t * (legs[i + 1].X - legs[i].X), legs[i].Y + t * (legs[i + 1].Y - legs[i].Y)));
            }
        }
        Assert.True(closest >= 0.4 - 0.002, $"the path comes within {closest:0.000} m of the box: {Show(path)}");
    }

    [Fact]
    public void A_point_walled_in_by_containers_has_no_way()
    {
        // Four 40 ft boxes in a tight square round (0, 0), corners overlapping: no gap to pass.
        var pen = new YardLayout(new YardBounds(-30, -30, 30, 30),
        [
            new YardContainer("TGHU7720313", "40ft", 0, 5, 0),
            new YardContainer("TGHU7720313", "40ft", 0, -5, 0),
            new YardContainer("TGHU7720313", "40ft", 5, 0, Math.PI / 2),
            new YardContainer("TGHU7720313", "40ft", -5, 0, Math.PI / 2),
        ]);

        Assert.Null(YardPlanner.Plan(pen, (20, 20), (0, 0)));
    }

    [Fact]
    public void Rotated_containers_are_passed_round_too()
    {
        var skew = new YardLayout(new YardBounds(-30, -30, 30, 30), [new YardContainer("TGHU7720313", "40ft", 0, 0, Math.PI / 4)]);

        var path = YardPlanner.Plan(skew, (-8, 8), (8, -8));

        Assert.NotNull(path);
        Assert.True(path.Count >= 2, Show(path));
        AssertClear(skew, (-8, 8), path);
    }

    /// <summary>Every leg keeps the clearance from every container (sampled every 5 cm).</summary>
    private static void AssertClear(YardLayout yard, (double X, double Y) from, IReadOnlyList<(double X, double Y)> path)
    {
        var legs = new[] { from }.Concat(path).ToArray();
        for (var i = 0; i + 1 < legs.Length; i++)
        {
            foreach (var c in yard.Containers)
                Assert.False(Crosses(c, YardLayout.ContainerClearanceM - 1e-6, legs[i], legs[i + 1]), $"leg {i} comes closer than the clearance to {c.Number} at ({c.X}, {c.Y}): {Show(path)}");
            Assert.True(yard.Bounds.Contains(legs[i + 1].X, legs[i + 1].Y), $"waypoint {i} is outside the yard: {Show(path)}");
        }
    }

    private static bool Crosses(YardContainer c, double margin, (double X, double Y) a, (double X, double Y) b)
    {
        var steps = Math.Max(1, (int)(double.Hypot(b.X - a.X, b.Y - a.Y) / 0.05));
        for (var k = 1; k < steps; k++)
        {
            var t = (double)k / steps;
            if (c.Covers(a.X + t * (b.X - a.X), a.Y + t * (b.Y - a.Y), margin - 1e-3)) return true;
        }
        return false;
    }

    private static double Outside(YardContainer c, double x, double y)
    {
        var (dx, dy) = (x - c.X, y - c.Y);
        var (cos, sin) = (Math.Cos(c.Theta), Math.Sin(c.Theta));
        return double.Hypot(Math.Max(0, Math.Abs(dx * cos + dy * sin) - c.LengthM / 2), Math.Max(0, Math.Abs(-dx * sin + dy * cos) - c.WidthM / 2));
    }

    private static double Length((double X, double Y) from, IReadOnlyList<(double X, double Y)> path) =>
        new[] { from }.Concat(path).Zip(path, (a, b) => double.Hypot(b.X - a.X, b.Y - a.Y)).Sum();

    private static string Show(IReadOnlyList<(double X, double Y)>? path) =>
        path is null ? "no path" : string.Join(" -> ", path.Select(p => $"({p.X:0.00}, {p.Y:0.00})"));
}
