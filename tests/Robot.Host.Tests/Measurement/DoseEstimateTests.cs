using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Measurement;
using Robot.Host.Procedure;
using Robot.Protocol.Extensions;
using Robot.Simulator.Physics;

namespace Robot.Host.Tests.Measurement;

/// <summary>
/// A probe in a steady field made of a background line and a source line, with Poisson counts (or
/// none: noise-free), counts per µSv/h depending on the photon energy as a scintillator's do, and a
/// spectrum-weighted dose for a spectral probe. What issue 10 found, reproduced at the sampler.
/// </summary>
internal sealed class SyntheticProbe(double backgroundUSvPerH, double backgroundCpsPerUSvPerH, double sourceUSvPerH, double sourceCpsPerUSvPerH, bool spectral, Random? random)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    private DateTimeOffset _t = T0;
    private long _counts;
    private double _dose, _variance;
    // Noise-free: the expected counts accumulate exactly and the counter shows their whole part.
    private readonly double[] _expected = new double[2];

    public static DateTimeOffset Start => T0;

    public DoseRateReading AdvanceTo(DateTimeOffset now)
    {
        var dt = (now - _t).TotalSeconds;
        _t = now;
        var line = 0;
        foreach (var (h, s) in new[] { (backgroundUSvPerH, backgroundCpsPerUSvPerH), (sourceUSvPerH, sourceCpsPerUSvPerH) })
        {
            var k = line++;
            if (h <= 0 || dt <= 0) continue;
            var mean = h * s * dt;
            long n;
            if (random is null)
            {
                var before = (long)Math.Floor(_expected[k]);
                _expected[k] += mean;
                n = (long)Math.Floor(_expected[k]) - before;
            }
            else
            {
                n = Poisson.Sample(random, mean);
            }
            _counts += n;
            var perCount = 1 / s / 3600; // µSv one count stands for
            _dose += n * perCount;
            _variance += n * perCount * perCount;
        }
        var display = backgroundUSvPerH + sourceUSvPerH;
        return spectral
            ? new DoseRateReading(now, display, (backgroundUSvPerH * backgroundCpsPerUSvPerH) + (sourceUSvPerH * sourceCpsPerUSvPerH), DetectorStatus.Ok, _counts, _dose, _variance)
            : new DoseRateReading(now, display, null, DetectorStatus.Ok, _counts);
    }

    /// <summary>Measure a background with the real sampler, ticking every <paramref name="tick"/>.</summary>
    public BackgroundSampler MeasureBackground(BackgroundProfileOptions options, InstrumentInfo instrument, TimeSpan tick)
    {
        var sampler = new BackgroundSampler(options, instrument, _t);
        for (var i = 0; i < 1_000_000 && !sampler.Done; i++) sampler.Tick(_t + tick, AdvanceTo(_t + tick));
        return sampler;
    }

    public PointResult MeasurePoint(MeasurementProfileOptions profile, InstrumentInfo instrument, BackgroundLevel background, string mode, TimeSpan tick)
    {
        var sampler = new PointSampler(profile, instrument, background, mode, _t);
        for (var i = 0; i < 1_000_000 && !sampler.Done; i++) sampler.Tick(_t + tick, AdvanceTo(_t + tick));
        Assert.True(sampler.Done, "the point never ended");
        return sampler.Result("p", "left", 1, 1, new MeasurementPose { X = 0, Y = 0, Theta = 0, HeightM = 1 }, null, _t);
    }
}

public class DoseEstimateTests
{
    // A 2"x2" NaI: 1400 cps per µSv/h at 662 keV, about 700 for Co-60, about 10000 at 59.5 keV, 590 at K-40's 1461 keV.
    private const double NaICs = 1400, NaICo = 700, NaIAm = 10000, NaIK = 590;
    // An energy-compensated GM tube: 1.7 at 662 keV, 1.5 at 59.5 keV (its lowest).
    private const double GmCs = 1.7, GmLow = 1.5;

    private static InstrumentInfo Instrument(double calibration, double? lowest = null) => new()
    {
        Model = "test",
        SerialNumber = "P-1",
        K1 = 1,
        K2 = 1,
        K3 = 0,
        CosmicResponseUSvPerH = 0,
        CalibrationCertificate = "CAL-1",
        CalibrationValidUntil = SyntheticProbe.Start.AddYears(1),
        CountsPerSecondPerUSvPerH = calibration,
        LowestCountsPerSecondPerUSvPerH = lowest,
    };

    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    [Theory]
    [InlineData("sequential")]
    [InlineData("standard")]
    public void A_Co60_rise_of_0_48_on_a_NaI_probe_is_EXCEEDS_and_reads_its_dose(string mode)
    {
        // Found: sequential mode divided Co-60 counts by the 662 keV figure and read half the dose: ANOMALY.
        var instrument = Instrument(NaICs);
        var background = new SyntheticProbe(0.07, NaICs, 0, 1, spectral: true, random: null).MeasureBackground(new BackgroundProfileOptions(), instrument, Tick);
        Assert.True(background.Accepted, background.Refusal);
        var level = BackgroundLevel.From(background.Result(new MeasurementPose { X = 0, Y = 0, Theta = 0, HeightM = 1 }, 1, SyntheticProbe.Start));
        var point = new SyntheticProbe(0.07, NaICs, 0.48, NaICo, spectral: true, random: null).MeasurePoint(new MeasurementProfileOptions(), instrument, level, mode, Tick);
        Assert.True(point.Decision == PointDecisions.Exceeds, $"{point.Decision}: {point.DecisionBasis}");
        Assert.InRange(point.DoseRateUSvPerH, 0.55 * 0.97, 0.55 * 1.03);
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("standard")]
    public void An_Am241_rise_of_0_15_on_a_NaI_probe_is_not_EXCEEDS(string mode)
    {
        // Found: Am-241 counts at 10000 per µSv/h divided by 1400 read seven times the dose.
        var instrument = Instrument(NaICs);
        var level = new BackgroundLevel(0.07, 0.001);
        var point = new SyntheticProbe(0.07, NaICs, 0.15, NaIAm, spectral: true, random: null).MeasurePoint(new MeasurementProfileOptions(), instrument, level, mode, Tick);
        Assert.True(point.Decision != PointDecisions.Exceeds, $"{point.Decision}: {point.DecisionBasis}");
        Assert.InRange(point.DoseRateUSvPerH, 0.22 * 0.97, 0.22 * 1.03);
    }

    [Fact]
    public void A_K40_rise_of_0_35_on_a_NaI_probe_in_sequential_mode_is_EXCEEDS()
    {
        var instrument = Instrument(NaICs);
        var level = new BackgroundLevel(0.07, 0.001);
        var point = new SyntheticProbe(0.07, NaICs, 0.35, NaIK, spectral: true, random: new Random(3)).MeasurePoint(new MeasurementProfileOptions(), instrument, level, "sequential", Tick);
        Assert.True(point.Decision == PointDecisions.Exceeds, $"{point.Decision}: {point.DecisionBasis}");
    }

    [Fact]
    public void Counts_without_a_spectrum_are_converted_so_that_no_energy_under_reads()
    {
        // A GM tube at 59.5 keV counts 1.5 per µSv/h against 1.7 at its 662 keV calibration: divided by
        // 1.7 a +0.30 rise reads +0.26; divided by the lowest response it never reads below +0.30.
        var instrument = Instrument(GmCs, lowest: GmLow);
        var level = new BackgroundLevel(0.07, 0.001) { CountRatePerS = 0.07 * GmCs };
        var point = new SyntheticProbe(0.07, GmCs, 0.30, GmLow, spectral: false, random: null).MeasurePoint(new MeasurementProfileOptions(), instrument, level, "standard", Tick);
        Assert.True(point.NetUSvPerH >= 0.30 * 0.99, $"net {point.NetUSvPerH}: {point.DecisionBasis}");
        var conversion = DoseConversion.For(instrument, new DoseRateReading(SyntheticProbe.Start, 0, 0, DetectorStatus.Ok, 0));
        Assert.Equal(DoseBasis.ConservativeCounts, conversion.Basis);
        Assert.Contains("never under-reads", conversion.Statement);
    }

    [Fact]
    public void A_counter_whose_record_has_no_lowest_response_says_the_conversion_is_not_shown_conservative()
    {
        var conversion = DoseConversion.For(Instrument(GmCs), new DoseRateReading(SyntheticProbe.Start, 0, 0, DetectorStatus.Ok, 0));
        Assert.Equal(DoseBasis.CalibrationCounts, conversion.Basis);
        Assert.Contains("NOT shown conservative", conversion.Statement);
        Assert.Equal(DoseBasis.Display, DoseConversion.For(Instrument(GmCs), new DoseRateReading(SyntheticProbe.Start, 0, null, DetectorStatus.Ok)).Basis);
    }

    [Fact]
    public void A_probe_without_a_counter_is_measured_in_standard_mode_even_when_sequential_is_asked()
    {
        var level = new BackgroundLevel(0.07, 0.001);
        var sampler = new PointSampler(new MeasurementProfileOptions(), Instrument(NaICs), level, "sequential", SyntheticProbe.Start);
        sampler.Tick(SyntheticProbe.Start, new DoseRateReading(SyntheticProbe.Start, 0.07, null, DetectorStatus.Ok));
        Assert.Equal("standard", sampler.Mode);
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("standard")]
    public void A_probe_that_stops_counting_without_saying_so_makes_the_point_invalid_not_clear(string mode)
    {
        var instrument = Instrument(NaICs);
        var level = new BackgroundLevel(0.07, 0.002) { CountRatePerS = 0.07 * NaICs };
        var silent = new SyntheticProbe(0, NaICs, 0, 1, spectral: true, random: null);
        var point = silent.MeasurePoint(new MeasurementProfileOptions(), instrument, level, mode, Tick);
        Assert.True(point.Decision == PointDecisions.Invalid, $"{point.Decision}: {point.DecisionBasis}");
        Assert.Contains("is the detector counting", point.DecisionBasis);
    }

    [Fact]
    public void A_GM_point_that_counts_nothing_for_a_short_while_is_not_called_faulty()
    {
        // 0.12 counts/s at background: no count in 40 s happens to a working tube once in 150
        // points (the bench found clean GM points called INVALID by a Gaussian 3-sigma rule).
        var instrument = Instrument(GmCs, lowest: 1.3);
        var level = new BackgroundLevel(0.0766, 0.005) { CountRatePerS = 0.0766 * GmCs };
        var sampler = new PointSampler(new MeasurementProfileOptions(), instrument, level, "sequential", SyntheticProbe.Start);
        var t = SyntheticProbe.Start;
        for (var i = 0; i < 10_000 && !sampler.Done; i++, t += TimeSpan.FromSeconds(0.5)) sampler.Tick(t, new DoseRateReading(t, 0, 0, DetectorStatus.Ok, 0));
        var point = sampler.Result("p", "left", 1, 1, new MeasurementPose { X = 0, Y = 0, Theta = 0, HeightM = 1 }, null, t);
        Assert.True(point.Decision == PointDecisions.Clear, $"{point.Decision} after {point.DwellS} s: {point.DecisionBasis}");
    }

    /// <summary>Decisions of <paramref name="trials"/> seeded GM points at a rise, with Poisson counts.</summary>
    private static (int Exceeds, double MeanDwell) GmTrials(string mode, double rise, int trials, int seed)
    {
        var instrument = Instrument(GmCs, lowest: GmLow);
        var random = new Random(seed);
        var exceeds = 0;
        var dwell = 0.0;
        var profile = new MeasurementProfileOptions();
        for (var i = 0; i < trials; i++)
        {
            // The background as the procedure measures it (its error included), then the point, then the re-measurement.
            // As the procedure does: an unsteady background is measured again, up to MaxAttempts.
            BackgroundSampler bg = null!;
            for (var attempt = 0; attempt < profile.Background.MaxAttempts && bg is not { Accepted: true }; attempt++)
            {
                bg = new SyntheticProbe(0.07, GmCs, 0, 1, spectral: false, random).MeasureBackground(profile.Background, instrument, TimeSpan.FromSeconds(1));
            }
            Assert.True(bg.Accepted, bg.Refusal);
            var level = BackgroundLevel.From(bg.Result(new MeasurementPose { X = 0, Y = 0, Theta = 0, HeightM = 1 }, 1, SyntheticProbe.Start));
            var probe = new SyntheticProbe(0.07, GmCs, rise, GmCs, spectral: false, random);
            var first = probe.MeasurePoint(profile, instrument, level, mode, TimeSpan.FromSeconds(1));
            dwell += first.DwellS;
            if (first.Decision != PointDecisions.Exceeds) continue;
            var again = probe.MeasurePoint(profile, instrument, level, mode, TimeSpan.FromSeconds(1));
            if (again.Decision == PointDecisions.Exceeds) exceeds++;
        }
        return (exceeds, dwell / trials);
    }

    [Theory]
    [InlineData("sequential")]
    [InlineData("standard")]
    public void A_GM_probe_calls_a_rise_of_0_35_EXCEEDS_and_one_of_0_15_not(string mode)
    {
        // Issue 10's targets: +0.35 EXCEEDS in at least 99 % of containers, +0.15 in at most 1 %.
        // 300 seeded trials each: 99 % would allow 3 misses; allow 6 for Monte Carlo noise.
        var (high, highDwell) = GmTrials(mode, 0.35, 300, seed: 11);
        Assert.True(high >= 294, $"{mode}: +0.35 called EXCEEDS in {high} of 300 (mean dwell {highDwell:0} s)");
        var (low, _) = GmTrials(mode, 0.15, 300, seed: 12);
        Assert.True(low <= 6, $"{mode}: +0.15 called EXCEEDS in {low} of 300");
    }

    [Fact]
    public void Sequential_mode_decides_a_clean_GM_point_at_least_three_times_sooner_than_standard()
    {
        var (_, sequential) = GmTrials("sequential", 0, 100, seed: 21);
        var (_, standard) = GmTrials("standard", 0, 100, seed: 22);
        Assert.True(standard >= 3 * sequential, $"sequential {sequential:0} s against standard {standard:0} s");
    }

    [Fact]
    public void The_dose_of_a_raised_sequential_point_is_not_biased_by_the_early_stop()
    {
        // Found: hot spots reported at 0.53 to 0.77 µSv/h where the field is about 0.40. The mean of many
        // sequential points at a rise inside the band must agree with the truth within its own error.
        var instrument = Instrument(GmCs, lowest: GmCs);
        var level = new BackgroundLevel(0.07, 0.001) { CountRatePerS = 0.07 * GmCs };
        var random = new Random(5);
        var doses = new List<double>();
        for (var i = 0; i < 200; i++)
        {
            var p = new SyntheticProbe(0.07, GmCs, 0.33, GmCs, spectral: false, random).MeasurePoint(new MeasurementProfileOptions(), instrument, level, "sequential", TimeSpan.FromSeconds(1));
            if (p.Decision == PointDecisions.Exceeds) doses.Add(p.DoseRateUSvPerH);
        }
        Assert.True(doses.Count > 50, $"only {doses.Count} of 200 decided high");
        var mean = doses.Average();
        var sd = Math.Sqrt(doses.Sum(d => (d - mean) * (d - mean)) / (doses.Count - 1));
        Assert.True(Math.Abs(mean - 0.40) < 3 * sd / Math.Sqrt(doses.Count) + 0.01, $"mean dose of points called high {mean:0.###} ± {sd / Math.Sqrt(doses.Count):0.###} against a true 0.40");
    }
}

public class BackgroundAcceptanceTests
{
    private static InstrumentInfo Gm() => new()
    {
        Model = "GM", SerialNumber = "G-1", K1 = 1, K2 = 1, K3 = 0, CosmicResponseUSvPerH = 0, CalibrationCertificate = "C",
        CalibrationValidUntil = SyntheticProbe.Start.AddYears(1), CountsPerSecondPerUSvPerH = 1.7, LowestCountsPerSecondPerUSvPerH = 1.5,
    };

    [Fact]
    public void A_GM_probe_accepts_a_clean_steady_site_on_almost_every_seed()
    {
        // Found: (max − min) / mean <= 30 % refused most clean sites for a GM tube (7 of seeds 1 to 10).
        var refused = 0;
        for (var seed = 1; seed <= 200; seed++)
        {
            var s = new SyntheticProbe(0.07, 1.7, 0, 1, spectral: false, new Random(seed)).MeasureBackground(new BackgroundProfileOptions(), Gm(), TimeSpan.FromSeconds(1));
            if (!s.Accepted) refused++;
        }
        // StabilityAlpha 0.01 per attempt: about 2 of 200, and three attempts make INVALID one in a million.
        Assert.True(refused <= 8, $"{refused} of 200 clean backgrounds refused");
    }

    [Fact]
    public void A_GM_background_is_counted_long_enough_for_its_target_error()
    {
        var s = new SyntheticProbe(0.07, 1.7, 0, 1, spectral: false, new Random(1)).MeasureBackground(new BackgroundProfileOptions(), Gm(), TimeSpan.FromSeconds(1));
        var r = s.Result(new MeasurementPose { X = 0, Y = 0, Theta = 0, HeightM = 1 }, 1, SyntheticProbe.Start);
        Assert.True(r.Readings.Count > 5, $"{r.Readings.Count} readings");
        Assert.True(r.StandardErrorUSvPerH <= 0.0105 || r.Readings.Count == 60, $"error {r.StandardErrorUSvPerH} after {r.Readings.Count} readings");
        Assert.NotNull(r.CountRatePerS);
        Assert.Contains("chi-square", r.AcceptanceBasis);
    }

    [Fact]
    public void A_background_that_jumps_while_it_is_measured_is_refused()
    {
        // A NaI probe (hundreds of counts per interval): a source driven past halfway through doubles the rate.
        var instrument = Gm() with { CountsPerSecondPerUSvPerH = 1400, LowestCountsPerSecondPerUSvPerH = null };
        var random = new Random(4);
        var quiet = new SyntheticProbe(0.07, 1400, 0, 1, spectral: true, random);
        var sampler = new BackgroundSampler(new BackgroundProfileOptions(), instrument, SyntheticProbe.Start);
        var t = SyntheticProbe.Start;
        var loud = new SyntheticProbe(0.07, 1400, 0.07, 1400, spectral: true, random);
        for (var i = 0; i < 10_000 && !sampler.Done; i++)
        {
            t += TimeSpan.FromSeconds(1);
            var reading = quiet.AdvanceTo(t);
            if (i >= 25)
            {
                // Same running totals plus the extra counts of the second source from here on.
                var extra = loud.AdvanceTo(t);
                reading = reading with { TotalCounts = reading.TotalCounts + extra.TotalCounts / 2, AccumulatedDoseMicroSievert = reading.AccumulatedDoseMicroSievert + extra.AccumulatedDoseMicroSievert / 2, AccumulatedDoseVarianceMicroSievert2 = reading.AccumulatedDoseVarianceMicroSievert2 + extra.AccumulatedDoseVarianceMicroSievert2 / 2 };
            }
            else
            {
                loud.AdvanceTo(t);
            }
            sampler.Tick(t, reading);
        }
        Assert.True(sampler.Done);
        Assert.False(sampler.Accepted, "a background that doubled half way was accepted");
        Assert.Contains("chi-square", sampler.Refusal);
    }
}

public class ChiSquareTests
{
    [Theory]
    // Upper-tail critical values from any chi-square table (e.g. NIST/SEMATECH e-Handbook 1.3.6.7.4).
    [InlineData(3.841, 1, 0.05)]
    [InlineData(6.635, 1, 0.01)]
    [InlineData(9.488, 4, 0.05)]
    [InlineData(13.277, 4, 0.01)]
    [InlineData(23.209, 10, 0.01)]
    [InlineData(42.557, 29, 0.05)]
    public void Upper_tail_matches_the_tables(double x, int dof, double p) =>
        Assert.InRange(ChiSquare.UpperTail(x, dof), p * 0.97, p * 1.03);

    [Fact]
    public void Normal_tail_from_the_same_function()
    {
        Assert.InRange(SequentialTest.NormalUpperTail(1.645), 0.0499, 0.0501);
        Assert.InRange(SequentialTest.NormalUpperTail(2.326), 0.00999, 0.01001);
        Assert.InRange(SequentialTest.NormalUpperTail(-1.645), 0.9499, 0.9501);
    }
}
