using Robot.Host.Measurement;
using Robot.Protocol.Extensions;

namespace Robot.Host.Tests.Measurement;

public class Iso6346Tests
{
    [Theory]
    [InlineData("CSQU3054383")]
    [InlineData("csqu 305438 3")]
    public void Valid_numbers_pass(string number) => Assert.Null(Iso6346.Validate(number));

    [Theory]
    [InlineData("CSQU3054384", "check digit is 4, it should be 3")]
    [InlineData("CSQU305438", "11")]
    [InlineData("CSQX3054383", "U, J or Z")]
    [InlineData("C5QU3054383", "letters")]
    [InlineData("CSQU30A4383", "digits")]
    [InlineData("", "empty")]
    public void Invalid_numbers_say_why(string number, string expected)
    {
        var why = Iso6346.Validate(number);
        Assert.NotNull(why);
        Assert.Contains(expected, why);
    }

    [Fact]
    public void Check_digit_ten_is_written_as_zero()
    {
        // Find a serial whose weighted sum is 10 mod 11 and check the rule maps it to 0.
        var found = Enumerable.Range(0, 1000).Select(i => $"ABCU{i:D6}").First(s => WeightedSum(s) % 11 == 10);
        Assert.Equal(0, Iso6346.CheckDigit(found));
        Assert.Null(Iso6346.Validate(found + "0"));
    }

    private static int WeightedSum(string s)
    {
        var values = new Dictionary<char, int>();
        var v = 10;
        for (var c = 'A'; c <= 'Z'; c++)
        {
            if (v % 11 == 0) v++;
            values[c] = v++;
        }
        return s.Select((ch, i) => (char.IsDigit(ch) ? ch - '0' : values[ch]) << i).Sum();
    }
}

public class DoseAndStatisticsTests
{
    private static readonly InstrumentInfo Instrument = new()
    {
        Model = "m", SerialNumber = "s", K1 = 1.1, K2 = 0.95, K3 = 1.0, CosmicResponseUSvPerH = 0.01,
        CalibrationCertificate = "c", CalibrationValidUntil = DateTimeOffset.MaxValue, CountsPerSecondPerUSvPerH = 1400,
    };

    [Fact]
    public void Dose_follows_H_equals_k1_k2_R_minus_k3_Hc_and_inverts()
    {
        Assert.Equal(1.1 * 0.95 * 0.2 - 0.01, DoseCalculator.DoseRate(Instrument, 0.2), 12);
        Assert.Equal(0.2, DoseCalculator.RawFor(Instrument, DoseCalculator.DoseRate(Instrument, 0.2)), 12);
        Assert.Equal(1.1 * 0.95 * 0.003, DoseCalculator.StandardError(Instrument, 0.003), 12);
    }

    [Fact]
    public void Mean_and_standard_error_of_the_mean()
    {
        var (mean, se) = DoseCalculator.MeanAndError([1.0, 2.0, 3.0, 4.0]);
        Assert.Equal(2.5, mean, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3.0 / 4.0), se, 12);
    }

    [Fact]
    public void Sprt_bounds_are_walds()
    {
        var t = new SequentialTest(10, 20, 0.01, 0.05);
        Assert.Equal(Math.Log(0.95 / 0.01), t.UpperBound, 12);
        Assert.Equal(Math.Log(0.05 / 0.99), t.LowerBound, 12);
        Assert.Equal(SequentialOutcome.Continue, t.Decide(0, 0));
        Assert.Equal(SequentialOutcome.AcceptHigh, t.Decide(200, 5));
        Assert.Equal(SequentialOutcome.AcceptLow, t.Decide(50, 5));
    }

    [Fact]
    public void Sprt_error_rates_hold_in_a_seeded_monte_carlo()
    {
        // Poisson arrivals one second at a time at exactly r0 and at r1: wrong decisions stay near alpha and beta.
        var t = new SequentialTest(5, 8, 0.01, 0.05);
        var random = new Random(7);
        int WrongAt(double rate, SequentialOutcome wrong, int trials)
        {
            var errors = 0;
            for (var i = 0; i < trials; i++)
            {
                double n = 0;
                for (var s = 1; s <= 600; s++)
                {
                    n += Robot.Simulator.Physics.Poisson.Sample(random, rate);
                    var o = t.Decide(n, s);
                    if (o == SequentialOutcome.Continue) continue;
                    if (o == wrong) errors++;
                    break;
                }
            }
            return errors;
        }
        Assert.InRange(WrongAt(5, SequentialOutcome.AcceptHigh, 2000) / 2000.0, 0, 0.02);
        Assert.InRange(WrongAt(8, SequentialOutcome.AcceptLow, 2000) / 2000.0, 0, 0.08);
        Assert.True(t.ExpectedSeconds(5) > 0 && t.ExpectedSeconds(8) > 0);
    }
}

public class VerdictRulesTests
{
    private static BackgroundResult Background() => new()
    {
        Pose = new MeasurementPose { X = 0, Y = 0, Theta = 0, HeightM = 1 },
        Readings = [],
        MeanRawUSvPerH = 0.07,
        StandardErrorUSvPerH = 0.002,
        DoseRateUSvPerH = 0.07,
        Attempts = 1,
        MeasuredAt = DateTimeOffset.UnixEpoch,
    };

    private static PointResult Point(string id, string decision, double dose = 0.07, string? kind = null) => new()
    {
        PointId = id, Face = "left", AlongM = 1, HeightM = 1, Pose = new MeasurementPose { X = 0, Y = 0, Theta = 0, HeightM = 1 },
        Readings = [], MeanRawUSvPerH = dose, StandardErrorUSvPerH = 0.001, DoseRateUSvPerH = dose, NetUSvPerH = dose - 0.07,
        Decision = decision, Mode = "standard", DecisionBasis = "", DwellS = 1, Kind = kind,
    };

    [Fact]
    public void Pass_needs_every_planned_point_a_background_and_no_problem()
    {
        var points = new[] { Point("a", PointDecisions.Clear), Point("b", PointDecisions.Clear) };
        Assert.Equal(Verdicts.Pass, VerdictRules.Decide(Background(), 2, points, new SurveyIntegrity(), 0.25).Verdict);
        Assert.Equal(Verdicts.Invalid, VerdictRules.Decide(Background(), 3, points, new SurveyIntegrity(), 0.25).Verdict);
        Assert.Equal(Verdicts.Invalid, VerdictRules.Decide(null, 2, points, new SurveyIntegrity(), 0.25).Verdict);
        var faulty = new SurveyIntegrity();
        faulty.Fail("detector fault");
        var (verdict, reason) = VerdictRules.Decide(Background(), 2, points, faulty, 0.25);
        Assert.Equal(Verdicts.Invalid, verdict);
        Assert.Contains("detector fault", reason);
    }

    [Fact]
    public void Remeasured_and_refinement_points_do_not_fill_up_an_incomplete_survey()
    {
        var points = new[] { Point("a", PointDecisions.Clear), Point("a", PointDecisions.Clear, kind: "remeasure"), Point("a-r1", PointDecisions.Clear, kind: "refine") };
        Assert.Equal(Verdicts.Invalid, VerdictRules.Decide(Background(), 2, points, new SurveyIntegrity(), 0.25).Verdict);
    }

    [Fact]
    public void Exceeds_beats_anomaly_and_an_invalid_point_makes_it_invalid()
    {
        var points = new[] { Point("a", PointDecisions.Anomaly, 0.2), Point("b", PointDecisions.Exceeds, 1.4) };
        var (verdict, reason) = VerdictRules.Decide(Background(), 2, points, new SurveyIntegrity(), 0.25);
        Assert.Equal(Verdicts.Exceeds, verdict);
        Assert.Contains("1.4", reason);
        Assert.Equal(Verdicts.Anomaly, VerdictRules.Decide(Background(), 1, [Point("a", PointDecisions.Anomaly, 0.2)], new SurveyIntegrity(), 0.25).Verdict);
        Assert.Equal(Verdicts.Invalid, VerdictRules.Decide(Background(), 1, [Point("a", PointDecisions.Invalid)], new SurveyIntegrity(), 0.25).Verdict);
    }

    [Fact]
    public void An_aborted_survey_with_an_exceedance_is_invalid_but_says_so()
    {
        var integrity = new SurveyIntegrity();
        integrity.Abort("cancelled by the operator");
        var (verdict, reason) = VerdictRules.Decide(Background(), 5, [Point("b", PointDecisions.Exceeds, 1.4)], integrity, 0.25);
        Assert.Equal(Verdicts.Invalid, verdict);
        Assert.Contains("suspect", reason);
    }
}

public class SurveyPlannerTests
{
    private static ContainerInfo Box(string type, double theta = 0) => new() { Number = "CSQU3054383", Type = type, X = 10, Y = 5, Theta = theta };

    [Theory]
    [InlineData(ContainerTypes.Twenty, 48)]
    [InlineData(ContainerTypes.Forty, 84)]
    public void Stations_about_a_metre_apart_at_three_heights(string type, int points)
    {
        var legs = SurveyPlanner.Plan(Box(type), 1.0, [0.5, 1.3, 2.1], 0.1, 0.45);
        Assert.Equal(points, legs.Sum(l => l.Points.Count));
        Assert.Equal(["right", "door", "left", "front"], legs.Select(l => l.Station.Face).Distinct());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.7)]
    [InlineData(-2.0)]
    public void The_probe_on_the_robots_left_ends_up_at_the_wall_distance_from_each_face(double theta)
    {
        var c = Box(ContainerTypes.Twenty, theta);
        foreach (var leg in SurveyPlanner.Plan(c, 1.0, [1.3], 0.1, 0.45))
        {
            var t = leg.Station.Target;
            var probeX = t.X - Math.Sin(t.Theta!.Value) * 0.45;
            var probeY = t.Y + Math.Cos(t.Theta.Value) * 0.45;
            // Distance from the probe to the wall point is the wall distance, and the wall point is on the box surface.
            Assert.Equal(0.1, Math.Sqrt(Math.Pow(probeX - leg.Station.WallX, 2) + Math.Pow(probeY - leg.Station.WallY, 2)), 6);
            var lx = (leg.Station.WallX - c.X) * Math.Cos(c.Theta) + (leg.Station.WallY - c.Y) * Math.Sin(c.Theta);
            var ly = -(leg.Station.WallX - c.X) * Math.Sin(c.Theta) + (leg.Station.WallY - c.Y) * Math.Cos(c.Theta);
            Assert.True(Math.Abs(Math.Abs(lx) - 6.058 / 2) < 1e-6 || Math.Abs(Math.Abs(ly) - 2.438 / 2) < 1e-6, $"wall point ({lx}, {ly}) is not on a face");
            // The robot centre is outside the box.
            var rx = (t.X - c.X) * Math.Cos(c.Theta) + (t.Y - c.Y) * Math.Sin(c.Theta);
            var ry = -(t.X - c.X) * Math.Sin(c.Theta) + (t.Y - c.Y) * Math.Cos(c.Theta);
            Assert.True(Math.Abs(rx) > 6.058 / 2 || Math.Abs(ry) > 2.438 / 2);
        }
    }
}
