using Robot.Host.Measurement;
using Robot.Protocol.Extensions;

namespace Robot.Host.Tests.Measurement;

/// <summary>The pure parts of localisation: raised areas, refinement heights, the survey's heights, and where the probe was.</summary>
public class HotSpotLocatorTests
{
    private const double Background = 0.07;

    private static PointResult Point(string face, double along, double height, double dose, string? kind = null, string? id = null, double error = 0.005) => new()
    {
        PointId = id ?? $"{face}-{along:0.00}-h{height:0.0#}",
        Face = face,
        AlongM = along,
        HeightM = height,
        Pose = new MeasurementPose { X = along, Y = 0, Theta = 0, HeightM = height },
        Readings = [],
        MeanRawUSvPerH = dose,
        StandardErrorUSvPerH = error,
        DoseRateUSvPerH = dose,
        NetUSvPerH = dose - Background,
        Decision = dose - Background > 0.25 ? PointDecisions.Exceeds : dose - Background > 0.05 ? PointDecisions.Anomaly : PointDecisions.Clear,
        Mode = "standard",
        DecisionBasis = "test",
        DwellS = 50,
        Kind = kind,
    };

    /// <summary>A face surveyed every metre at three heights, the dose given by a function of (along, height).</summary>
    private static List<PointResult> Face(string face, int stations, Func<double, double, double> dose) =>
        [.. from i in Enumerable.Range(0, stations) from h in new[] { 0.5, 1.3, 2.1 } select Point(face, 0.5 + i, h, dose(0.5 + i, h))];

    private static double Source(double along, double height, double a, double z, double strength) =>
        strength / (Math.Pow(along - a, 2) + Math.Pow(height - z, 2) + 0.36);

    private static IReadOnlyList<RaisedArea> Areas(IReadOnlyList<PointResult> points) => HotSpotLocator.Areas(points, 1.01, 0.81, 0.7, 3);

    [Fact]
    public void Two_sources_8_m_apart_joined_by_a_raised_band_are_two_areas()
    {
        // Raised all along the top row (a band of scatter between them), peaks 8 m apart.
        var points = Face("left", 12, (a, h) => Background + Source(a, h, 2.5, 1.3, 0.37) + Source(a, h, 10.5, 1.3, 0.37) + (h > 2 ? 0.2 : 0));
        var areas = Areas(points);
        Assert.Equal(2, areas.Count);
        Assert.Equal([2.5, 10.5], areas.Select(x => x.Peak.AlongM).Order());
    }

    [Fact]
    public void Two_sources_3_m_apart_are_two_areas()
    {
        var points = Face("left", 12, (a, h) => Background + Source(a, h, 3.5, 1.3, 0.37) + Source(a, h, 6.5, 1.3, 0.37));
        Assert.Equal([3.5, 6.5], Areas(points).Select(x => x.Peak.AlongM).Order());
    }

    [Fact]
    public void A_noisy_raised_plateau_is_one_area_and_an_anomaly()
    {
        // Natural cargo: raised about 0.1 µSv/h everywhere, with a few percent of noise making local maxima.
        var noise = new Random(7);
        var points = Face("right", 6, (_, _) => Background + 0.1 + 0.004 * (noise.NextDouble() - 0.5));
        var area = Assert.Single(Areas(points));
        Assert.Equal(18, area.Points.Count);
        Assert.Equal(PointDecisions.Anomaly, area.Decision);
    }

    [Fact]
    public void Areas_never_span_faces_and_clear_points_belong_to_none()
    {
        var points = Face("left", 6, (a, h) => Background + Source(a, h, 2.5, 1.3, 0.37)).Concat(Face("door", 2, (a, h) => Background + Source(a, h, 1.5, 1.3, 0.1))).ToList();
        var areas = Areas(points);
        Assert.Equal(["door", "left"], areas.Select(x => x.Face).Order());
        Assert.All(areas.SelectMany(x => x.Points), p => Assert.True(HotSpotLocator.IsRaised(p)));
    }

    [Fact]
    public void Remeasurements_and_refinements_are_not_survey_points()
    {
        var points = Face("left", 6, (a, h) => Background + Source(a, h, 2.5, 1.3, 0.37));
        points.Add(Point("left", 4.5, 0.5, 5, kind: "refine"));
        var area = Assert.Single(Areas(points));
        Assert.Equal(2.5, area.Peak.AlongM);
    }

    [Fact]
    public void The_hot_spot_takes_along_from_the_refined_row_and_height_from_the_refined_column_as_measured()
    {
        var points = Face("left", 6, (a, h) => Background + Source(a, h, 2.7, 1.7, 0.37));
        var area = Assert.Single(Areas(points));
        Assert.Equal((2.5, 1.3), (area.Peak.AlongM, area.Peak.HeightM));
        // Refinement: the row at 1.3 m, the column at 2.5 m; each measured 0.03 m off its plan.
        var refine = new List<PointResult>();
        foreach (var a in new[] { 2.0, 2.25, 2.75, 3.0 }) refine.Add(Point("left", a, 1.3, Background + Source(a + 0.03, 1.3, 2.7, 1.7, 0.37), "refine"));
        foreach (var h in new[] { 0.8, 1.05, 1.55, 1.8 }) refine.Add(Point("left", 2.5, h, Background + Source(2.53, h, 2.7, 1.7, 0.37), "refine"));
        PointResult Measured(PointResult p) => p with { ProbeX = p.AlongM + 0.03, ProbeY = 0, MeasuredAlongM = p.AlongM + 0.03, MeasuredHeightM = p.HeightM - 0.02 };
        var measuredArea = area with { Peak = Measured(area.Peak), Points = [.. area.Points.Select(Measured)] };
        // The row's best is 2.75, the column's best 1.8: that combination is the hot spot's own point.
        var (alongBest, heightBest) = HotSpotLocator.RowAndColumnBest(measuredArea, [.. refine.Select(Measured)]);
        Assert.Equal((2.75, 1.8), (alongBest.AlongM, heightBest.HeightM));
        var own = Measured(Point("left", 2.75, 1.8, Background + Source(2.78, 1.78, 2.7, 1.7, 0.37), "hotspot"));
        var spot = HotSpotLocator.Locate(measuredArea, [.. refine.Select(Measured)], own);
        Assert.Equal(2.78, spot.AlongM, 6);
        Assert.Equal(1.78, spot.HeightM, 6);
        Assert.Equal(2.78, spot.X, 6);
        // The dose under the hot spot is the one measured there, not the highest dose found elsewhere.
        Assert.Equal(own.DoseRateUSvPerH, spot.DoseRateUSvPerH, 6);
        Assert.Equal(area.Points.Count, spot.AreaPointIds!.Count);
        // Without its own point the hot spot stands where its dose was measured.
        var fallback = HotSpotLocator.Locate(measuredArea, [.. refine.Select(Measured)]);
        var best = refine.Select(Measured).Concat(measuredArea.Points).MaxBy(p => p.DoseRateUSvPerH)!;
        Assert.Equal((best.MeasuredAlongM!.Value, best.MeasuredHeightM!.Value, best.DoseRateUSvPerH), (fallback.AlongM, fallback.HeightM, fallback.DoseRateUSvPerH));
    }

    [Fact]
    public void Refinement_heights_are_clamped_to_the_lift_and_duplicates_skipped()
    {
        Assert.Equal([1.6, 1.85, 2.35, 2.5], SurveyPlanner.RefineHeights(2.1, 0.25, 0.5, 0.3, 2.5, [0.5, 1.3, 2.1]).Order());
        // 0.25 clamps to 0.3; 0.0 clamps to 0.3 too: measured once.
        Assert.Equal([0.3, 0.75, 1.0], SurveyPlanner.RefineHeights(0.5, 0.25, 0.5, 0.3, 2.5, [0.5, 1.3, 2.1]).Order());
    }

    [Fact]
    public void A_high_cube_gets_a_top_height_clamped_to_the_mast_and_the_plan_says_the_roof_is_out_of_reach()
    {
        var plan = SurveyPlanner.Heights(ContainerTypes.FortyHighCube, [0.5, 1.3, 2.1], 0.3, 2.5, 0.6, 0.25, 0.1);
        Assert.Equal([0.5, 1.3, 2.1, 2.5], plan.Heights);
        Assert.Equal(2.5, plan.TopHeightM);
        Assert.Null(plan.RoofHeightM);
        Assert.Contains(plan.Notes, n => n.Contains("2.646") && n.Contains("2.5 m"));
        Assert.Contains(plan.Notes, n => n.StartsWith("roof not surveyed", StringComparison.Ordinal));

        // A taller mast: the top height where the profile says, and the roof edge above the roof.
        var tall = SurveyPlanner.Heights(ContainerTypes.FortyHighCube, [0.5, 1.3, 2.1], 0.3, 3.2, 0.6, 0.25, 0.1);
        Assert.Equal([0.5, 1.3, 2.1, 2.646, 2.996], tall.Heights);
        Assert.Contains(tall.Notes, n => n.Contains("roof edges"));
    }

    [Fact]
    public void A_standard_box_keeps_its_three_heights()
    {
        var plan = SurveyPlanner.Heights(ContainerTypes.Forty, [0.5, 1.3, 2.1], 0.3, 2.5, 0.6, 0.25, 0.1);
        Assert.Equal([0.5, 1.3, 2.1], plan.Heights);
        Assert.Empty(plan.Unreachable);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.7)]
    [InlineData(-2.0)]
    public void The_measured_along_is_where_the_probe_was_on_a_turned_box(double theta)
    {
        var c = new ContainerInfo { Number = "CSQU3054383", Type = ContainerTypes.Twenty, X = 3, Y = -2, Theta = theta };
        foreach (var leg in SurveyPlanner.Plan(c, 1.0, [1.3], 0.1, 0.45))
        {
            // The robot stopped 0.08 m past its station (along its heading) and turned 0.02 rad.
            var t = leg.Station.Target;
            var pose = new MeasurementPose { X = t.X + Math.Cos(t.Theta!.Value) * 0.08, Y = t.Y + Math.Sin(t.Theta.Value) * 0.08, Theta = t.Theta.Value + 0.02, HeightM = 1.29 };
            var p = FaceGeometry.WithMeasuredPosition(Point(leg.Station.Face, leg.Station.AlongM, 1.3, 0.07) with { Pose = pose }, c, 0.45);
            Assert.InRange(Math.Abs(leg.Station.AlongM + 0.08 - 0.45 * Math.Sin(0.02) - p.MeasuredAlongM!.Value), 0, 0.001);
            Assert.Equal(1.29, p.MeasuredHeightM);
            var (x, y) = FaceGeometry.Probe(pose, 0.45);
            Assert.Equal((Math.Round(x, 4), Math.Round(y, 4)), (p.ProbeX, p.ProbeY));
        }
    }
}
