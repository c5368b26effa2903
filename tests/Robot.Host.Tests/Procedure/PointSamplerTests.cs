using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Measurement;
using Robot.Host.Procedure;
using Robot.Protocol.Extensions;

namespace Robot.Host.Tests.Procedure;

/// <summary>
/// The point sampler's counting window opens at its first reading. The control tick that takes
/// that reading comes a little after the point was set up (up to a tick period, more on a busy
/// board or a pumped virtual clock); that gap has no counts and must not count as counting time.
/// </summary>
public class PointSamplerTests
{
    private const double Sensitivity = 1400; // counts per second per µSv/h
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    private static readonly InstrumentInfo Instrument = new()
    {
        Model = "test NaI",
        SerialNumber = "P-1",
        K1 = 1,
        K2 = 1,
        K3 = 0,
        CosmicResponseUSvPerH = 0,
        CalibrationCertificate = "CAL-1",
        CalibrationValidUntil = T0.AddYears(1),
        CountsPerSecondPerUSvPerH = Sensitivity,
    };

    private static readonly BackgroundLevel Background = new(0.07, 0.002);

    /// <summary>A noise-free counter at a steady dose rate, counting since T0.</summary>
    private static DoseRateReading Probe(DateTimeOffset now, double dose) =>
        new(now, dose, dose * Sensitivity, DetectorStatus.Ok, (long)(dose * Sensitivity * (now - T0).TotalSeconds));

    /// <summary>Set up at T0 + 1 s, first tick <paramref name="firstTickLate"/> later, then every 20 ms.</summary>
    private static PointResult Measure(string mode, double dose, TimeSpan firstTickLate)
    {
        var start = T0.AddSeconds(1);
        var sampler = new PointSampler(new MeasurementProfileOptions { PointMode = mode, ReadingsPerPoint = 3, ReadingIntervalS = 2 },
            Instrument, Background, mode, start);
        var now = start + firstTickLate;
        for (var i = 0; i < 100_000 && !sampler.Done; i++, now += TimeSpan.FromMilliseconds(20)) sampler.Tick(now, Probe(now, dose));
        Assert.True(sampler.Done, "the point never ended");
        return sampler.Result("p", "left", 1, 1, new MeasurementPose { X = 0, Y = 0, Theta = 0, HeightM = 1 }, null, now - TimeSpan.FromMilliseconds(20));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(20)]
    [InlineData(40)]
    [InlineData(100)]
    public void A_hot_point_is_over_the_limit_however_late_the_first_tick_comes(int lateMs)
    {
        var result = Measure("sequential", dose: 3.0, TimeSpan.FromMilliseconds(lateMs));
        Assert.True(result.Decision == PointDecisions.Exceeds, $"{result.Decision}: {result.DecisionBasis}");
        Assert.True(result.DoseRateUSvPerH > 2.9 && result.DoseRateUSvPerH < 3.1, $"dose {result.DoseRateUSvPerH} from a steady 3 µSv/h");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    public void A_clean_point_is_cleared_on_counts_not_on_the_gap_before_the_first_reading(int lateMs)
    {
        var result = Measure("sequential", dose: 0.07, TimeSpan.FromMilliseconds(lateMs));
        Assert.Equal(PointDecisions.Clear, result.Decision);
        Assert.True(result.Readings.Count >= 2, $"decided after {result.Readings.Count} reading(s): {result.DecisionBasis}");
        Assert.True(result.DoseRateUSvPerH > 0.06 && result.DoseRateUSvPerH < 0.08, $"dose {result.DoseRateUSvPerH} from a steady 0.07 µSv/h");
    }

    [Fact]
    public void A_standard_point_takes_its_mean_over_the_counting_window()
    {
        var result = Measure("standard", dose: 3.0, TimeSpan.FromMilliseconds(40));
        Assert.Equal(PointDecisions.Exceeds, result.Decision);
        Assert.Equal(3, result.Readings.Count);
        Assert.Equal(4.0, result.DwellS, 2);
    }
}
