using System.Globalization;
using System.Text.Json;
using Robot.Host.Configuration;
using Robot.Host.Tests.Support;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;

namespace Robot.Host.Tests.Procedure;

/// <summary>
/// Hot-spot localisation over the noise-free analytic field (issue 10, item 4): every raised area
/// of every face gets its own refinement and hot spot, refinement heights are clamped to the lift,
/// a high-cube box is surveyed near its top, and hot spots stand where the probe actually was.
/// </summary>
public class LocalisationProcedureTests
{
    private const double HalfWidth = 2.438 / 2;

    private static MeasurementProfileOptions FastProfile() => new()
    {
        WarmUp = TimeSpan.Zero,
        SettleS = 1,
        ReadingIntervalS = 1,
        ReadingsPerPoint = 3,
        Background = new BackgroundProfileOptions { IntervalS = 1, SettleS = 1 },
    };

    private static ProcedureOptions NearbyBackground() => new() { BackgroundSpotX = -8, BackgroundSpotY = 0 };

    private static Order InspectOrder(RobotRig rig, string type, double x, double y)
    {
        static JsonElement J(string json) => JsonDocument.Parse(json).RootElement;
        var parameters = new List<ActionParameter>
        {
            new() { Key = "containerNumber", Value = J("\"CSQU3054383\"") },
            new() { Key = "containerType", Value = J($"\"{type}\"") },
            new() { Key = "x", Value = J(x.ToString(CultureInfo.InvariantCulture)) },
            new() { Key = "y", Value = J(y.ToString(CultureInfo.InvariantCulture)) },
            new() { Key = "operatorId", Value = J("\"officer-7\"") },
        };
        var action = new VdaAction { ActionType = "inspectContainer", ActionId = "inspect-1", BlockingType = BlockingType.Hard, ActionParameters = parameters };
        return rig.Order("inspection", 0, RobotRig.Node("here", 0, 0, 0, true, action));
    }

    private static async Task<InspectionReport> Inspect(RobotRig rig, string type, double x, double y, TimeSpan limit)
    {
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig, type, x, y)));
        Assert.True(await rig.RunUntilAsync(() => rig.Recorder.Reports.Count > 0, limit), $"not finished; procedure in {rig.Controller.Procedure.State}");
        return Assert.Single(rig.Recorder.Reports);
    }

    /// <summary>A box at theta 0: the distance on the left wall between a hot spot and a source, along the face and in height.</summary>
    private static double LeftWallError(HotSpot spot, (double X, double Y, double Z, double GammaA) source) =>
        Math.Sqrt(Math.Pow(spot.X - source.X, 2) + Math.Pow(spot.HeightM - source.Z, 2));

    [Theory]
    [InlineData(8.0, 0.0)]
    [InlineData(3.0, 0.3)]
    [InlineData(3.0, -0.45)]
    public async Task Two_sources_apart_on_one_face_each_get_their_own_hot_spot_within_half_a_metre(double apart, double shift)
    {
        // A 40 ft box centred at (8, 4): two Cs-137 points 0.4 m inside the left wall, some metres apart along it.
        var a = (X: 8 + shift - apart / 2, Y: 4 + HalfWidth - 0.4, Z: 1.1, GammaA: 0.37);
        var b = (X: 8 + shift + apart / 2, Y: 4 + HalfWidth - 0.4, Z: 1.6, GammaA: 0.37);
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07, a, b));
        var report = await Inspect(rig, ContainerTypes.Forty, 8, 4, TimeSpan.FromHours(3));

        Assert.True(report.Verdict == Verdicts.Exceeds, $"{report.Verdict}: {report.VerdictReason}");
        var left = report.HotSpots.Where(h => h.Face == "left").ToList();
        Assert.True(left.Count >= 2, $"{left.Count} hot spot(s) on the left face: {string.Join(", ", left.Select(h => $"{h.X:0.00}/{h.HeightM:0.00}"))}");
        Assert.InRange(left.Min(h => LeftWallError(h, a)), 0, 0.5);
        Assert.InRange(left.Min(h => LeftWallError(h, b)), 0, 0.5);
    }

    [Fact]
    public async Task A_raised_area_under_the_limit_is_localised_too()
    {
        // Weak: about 0.2 µSv/h over background at the wall, under the 0.25 limit: ANOMALY.
        var source = (X: 6.4, Y: 4 + HalfWidth - 0.4, Z: 1.5, GammaA: 0.05);
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07, source));
        var report = await Inspect(rig, ContainerTypes.Twenty, 6, 4, TimeSpan.FromHours(2));

        Assert.True(report.Verdict == Verdicts.Anomaly, $"{report.Verdict}: {report.VerdictReason}");
        Assert.Contains(report.Points, p => p.Kind == "refine");
        var spot = Assert.Single(report.HotSpots, h => h.Face == "left");
        Assert.InRange(LeftWallError(spot, source), 0, 0.5);
    }

    [Fact]
    public async Task Refinement_heights_above_the_lift_are_clamped_to_its_reach_not_dropped()
    {
        // A source high on a standard 20 ft box: the highest station height is 2.1 m; 2.1 + 0.5 is above the 2.5 m mast.
        var source = (X: 6.4, Y: 4 + HalfWidth - 0.4, Z: 2.45, GammaA: 0.37);
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07, source));
        var report = await Inspect(rig, ContainerTypes.Twenty, 6, 4, TimeSpan.FromHours(2));

        Assert.Equal(Verdicts.Exceeds, report.Verdict);
        var max = rig.World.Lift.MaxHeight.Meters;
        Assert.Contains(report.Points, p => p.Kind == "refine" && Math.Abs(p.HeightM - max) < 1e-6);
        Assert.All(report.Points, p => Assert.InRange(p.HeightM, rig.World.Lift.MinHeight.Meters, max));
        var spot = Assert.Single(report.HotSpots, h => h.Face == "left");
        Assert.InRange(spot.HeightM, 2.3, max + 0.01);
    }

    [Fact]
    public async Task A_high_cube_is_surveyed_near_its_top_and_the_report_says_the_roof_is_out_of_reach()
    {
        // A 2.896 m high cube; the source 2.75 m up. The mast reaches 2.5 m.
        var source = (X: 9.3, Y: 4 + HalfWidth - 0.4, Z: 2.75, GammaA: 0.37);
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07, source));
        var report = await Inspect(rig, ContainerTypes.FortyHighCube, 8, 4, TimeSpan.FromHours(3));

        Assert.Equal(Verdicts.Exceeds, report.Verdict);
        var max = rig.World.Lift.MaxHeight.Meters;
        // Every station of the main survey has a point at the top height (clamped to the mast).
        var stations = report.Points.Where(p => p.Kind is null).Select(p => (p.Face, p.AlongM)).Distinct().Count();
        Assert.Equal(stations, report.Points.Count(p => p.Kind is null && Math.Abs(p.HeightM - max) < 1e-6));
        Assert.Equal(report.PlannedPoints, stations * 4);
        var spot = Assert.Single(report.HotSpots, h => h.Face == "left");
        Assert.InRange(spot.HeightM, max - 0.01, max + 0.01);
        Assert.InRange(LeftWallError(spot, source), 0, 0.5);
        Assert.Contains("roof", report.VerdictReason);
    }

    [Fact]
    public async Task A_hot_spot_stands_where_the_probe_was_not_where_the_station_was_planned()
    {
        // A loose arrival tolerance: the robot stops up to 0.10 m short of its station.
        var source = (X: 6.4, Y: 4 + HalfWidth - 0.4, Z: 1.3, GammaA: 0.37);
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07, source));
        var report = await Inspect(rig, ContainerTypes.Twenty, 6, 4, TimeSpan.FromHours(2));

        var spot = Assert.Single(report.HotSpots, h => h.Face == "left");
        // The left face runs from the door end (+x) towards -x: along = (6 + 6.058 / 2) - x of the probe.
        Assert.InRange(Math.Abs(6 + 6.058 / 2 - spot.X - spot.AlongM), 0, 0.001);
        // The robot did stop off its stations: planned and measured positions differ.
        Assert.Contains(report.Points, p => Math.Abs(p.AlongM - p.MeasuredAlongM!.Value) > 0.01);
        foreach (var p in report.Points.Where(p => p.Face == "left"))
        {
            var probeX = p.Pose.X - Math.Sin(p.Pose.Theta) * FieldProbe.Offset;
            Assert.InRange(Math.Abs(6 + 6.058 / 2 - probeX - p.MeasuredAlongM!.Value), 0, 0.001);
            Assert.Equal(p.Pose.HeightM, p.MeasuredHeightM!.Value, 4);
        }
    }
}
