using Robot.Drivers.Abstractions;
using Robot.Simulator.Physics;
using Robot.Simulator.Tests.Support;

namespace Robot.Simulator.Tests.Detectors;

public class CountingTests
{
    /// <summary>Counts in consecutive 1 s windows (the probe's CountsPerSecond over exactly 1 s).</summary>
    private static double[] Windows(Robot.Simulator.Devices.SimDoseProbe probe, Microsoft.Extensions.Time.Testing.FakeTimeProvider time, int n)
    {
        var counts = new double[n];
        for (var i = 0; i < n; i++)
        {
            Probes.Run(probe, time, 1.0);
            counts[i] = probe.Read().CountsPerSecond!.Value;
        }
        return counts;
    }

    private static (double Mean, double Variance) Moments(double[] x)
    {
        var mean = x.Average();
        var variance = x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1);
        return (mean, variance);
    }

    [Fact]
    public void NaI_background_counts_are_Poisson_with_1400_cps_per_uSv_per_h()
    {
        var (probe, _, time) = Probes.Create(DetectorModel.NaI2x2, background: 0.07);
        var (mean, variance) = Moments(Windows(probe, time, 2000));
        // 0.07 µSv/h x 1400 = 98 cps (dead-time loss 2e-4). Over 2000 windows the mean has
        // σ = √(98/2000) = 0.22 and the sample variance σ = √((μ + 2μ²)/n) = 3.1: 4σ bounds.
        var mu = 98 / (1 + 98 * 2e-6);
        Assert.InRange(mean, mu - 0.9, mu + 0.9);
        Assert.InRange(variance, mu - 12.5, mu + 12.5);
    }

    [Fact]
    public void High_count_rates_stay_Poisson()
    {
        var (probe, field, time) = Probes.Create(DetectorModel.NaI2x2, background: 0.07);
        field.Set(0.07, Nuclide.Cs137, 5);
        // n = 5.07 x 1400 = 7098 cps, live fraction 1/(1 + 7098 x 2 µs) = 0.98600.
        var mu = 7098 / (1 + 7098 * 2e-6);
        var (mean, variance) = Moments(Windows(probe, time, 1500).Skip(5).ToArray());
        Assert.InRange(mean, mu - 4 * Math.Sqrt(mu / 1495), mu + 4 * Math.Sqrt(mu / 1495));
        var sdVar = Math.Sqrt((mu + 2 * mu * mu) / 1495);
        Assert.InRange(variance, mu - 4 * sdVar, mu + 4 * sdVar);
    }

    [Fact]
    public void NaI_counts_700_per_uSv_per_h_for_Co60_but_displays_the_dose()
    {
        var (probe, field, time) = Probes.Create(DetectorModel.NaI2x2, background: 0);
        field.Set(0, Nuclide.Co60, 2);
        probe.ResetDisplay();
        var counts = Windows(probe, time, 200);
        // 2 µSv/h x 700 = 1400 cps (SNT0570.md: about 700 for Co-60).
        Assert.InRange(counts.Average(), 1400 * 0.99, 1400 * 1.01);
        Assert.InRange(probe.Read().RawMicroSievertPerHour, 2 * 0.95, 2 * 1.05);
    }

    [Fact]
    public void Plastic_counts_fewer_per_uSv_for_Co60_but_its_pulse_height_dose_reads_right()
    {
        var (probe, field, time) = Probes.Create(DetectorModel.PlasticLarge, background: 0);
        field.Set(0, Nuclide.Co60, 2);
        probe.ResetDisplay();
        var counts = Windows(probe, time, 60);
        // A Compton-only detector: about half the counts per µSv/h of Cs-137 (2200) at 1.17/1.33 MeV.
        Assert.InRange(counts.Average() / 2, 0.4 * 2200, 0.6 * 2200);
        Assert.InRange(probe.Read().RawMicroSievertPerHour, 2 * 0.95, 2 * 1.05);
    }

    [Theory]
    [InlineData(Nuclide.Am241)]
    [InlineData(Nuclide.Ba133)]
    [InlineData(Nuclide.Ir192)]
    [InlineData(Nuclide.Cs137)]
    [InlineData(Nuclide.Co60)]
    [InlineData(Nuclide.Th232)]
    public void GM_reads_every_nuclide_within_30_percent(Nuclide nuclide)
    {
        var (probe, field, time) = Probes.Create(DetectorModel.GmEnergyCompensated, background: 0);
        field.Set(0, nuclide, 500);
        probe.ResetDisplay();
        Probes.Run(probe, time, 60);
        // SNT0570.md: an energy-compensated GM tube is flat within about 30 % over its range.
        Assert.InRange(probe.Read().RawMicroSievertPerHour, 500 * 0.7, 500 * 1.3);
    }

    [Fact]
    public void Detector_response_curves_have_the_textbook_anchors()
    {
        // SNT0570.md: NaI 1400 at 662 keV, about 700 for Co-60, several thousand at 60 keV, falling above;
        // plastic 2200 at 662 keV; GM about 1.7, flat within about 30 % over 50 keV to 3 MeV.
        var nai = DetectorModel.NaI2x2;
        Assert.Equal(1400, nai.SensitivityAt(662), 1e-6);
        Assert.InRange(nai.SensitivityAt(1250), 650, 750);
        Assert.InRange(nai.SensitivityAt(59.5), 3000, 15000);
        Assert.True(nai.SensitivityAt(300) > nai.SensitivityAt(662) && nai.SensitivityAt(662) > nai.SensitivityAt(1250) && nai.SensitivityAt(1250) > nai.SensitivityAt(3000));
        Assert.Equal(2200, DetectorModel.PlasticLarge.SensitivityAt(662), 1e-6);
        var gm = DetectorModel.GmEnergyCompensated;
        Assert.Equal(1.7, gm.SensitivityAt(662), 1e-9);
        for (var e = 50.0; e <= 3000; e *= 1.1) Assert.InRange(gm.SensitivityAt(e) / 1.7, 0.7, 1.3);
        // The conservative conversion is the lowest point of each curve in 50 keV to 3 MeV.
        Assert.Equal(326, nai.LowestSensitivity(), 1e-9);
        Assert.Equal(381, DetectorModel.PlasticLarge.LowestSensitivity(), 1e-9);
        Assert.Equal(1.3, gm.LowestSensitivity(), 1e-9);
    }

    [Fact]
    public void GM_dead_time_loses_counts_at_high_rates_and_the_display_corrects_them()
    {
        var (probe, _, time) = Probes.Create(DetectorModel.GmEnergyCompensated, background: 10_000);
        probe.ResetDisplay();
        var counts = Windows(probe, time, 100);
        // n = 10 mSv/h x 1.7 = 17 000 cps; non-paralysable τ = 100 µs: m = n / (1 + nτ) = 6296 cps.
        var m = 17_000 / (1 + 17_000 * 100e-6);
        Assert.InRange(counts.Average(), m * 0.99, m * 1.01);
        Assert.True(counts.Average() < 0.4 * 17_000);
        Assert.InRange(probe.Read().RawMicroSievertPerHour, 10_000 * 0.97, 10_000 * 1.03);
        Assert.Equal(DetectorStatus.Ok, probe.Read().Status);
    }

    [Fact]
    public void GM_at_background_counts_about_1_7_per_uSv_per_h()
    {
        var (probe, _, time) = Probes.Create(DetectorModel.GmEnergyCompensated, background: 1.0);
        var counts = Windows(probe, time, 3000);
        // 1.7 cps: σ of the mean over 3000 s is 0.024.
        Assert.InRange(counts.Average(), 1.7 - 0.1, 1.7 + 0.1);
        var (_, variance) = Moments(counts);
        Assert.InRange(variance, 1.7 * 0.85, 1.7 * 1.15);
    }

    [Fact]
    public void Same_seed_same_readings_other_seed_other_readings()
    {
        double[] Run(int seed)
        {
            var (probe, field, time) = Probes.Create(DetectorModel.NaI2x2, 0.07, seed);
            field.Set(0.07, Nuclide.Cs137, 0.3);
            return Enumerable.Range(0, 50).Select(_ => { Probes.Run(probe, time, 0.5); return probe.Read().RawMicroSievertPerHour; }).ToArray();
        }

        Assert.Equal(Run(11), Run(11));
        Assert.NotEqual(Run(11), Run(12));
    }
}
