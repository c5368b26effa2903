using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Configuration;
using Robot.Drivers.PulseProbe;
using Robot.Drivers.SurfaceContamination;
using Robot.Drivers.Tests.Fakes;

namespace Robot.Drivers.Tests.Gpio;

/// <summary>Generated pulse trains on a GPIO input, counted per window on the fake clock.</summary>
public sealed class PulseProbeTests : IDisposable
{
    private readonly FakeGpioDriver _pins = new();
    private readonly GpioController _gpio;
    private readonly FakeTimeProvider _time = new();

    public PulseProbeTests() => _gpio = new GpioController(_pins);

    private void Pulses(int pin, int count)
    {
        for (var i = 0; i < count; i++)
        {
            _pins.SetInput(pin, PinValue.High);
            _pins.SetInput(pin, PinValue.Low);
        }
    }

    [Theory]
    // measured cps, dead time µs, cps per µSv/h -> true cps = m / (1 - m·τ), dose = true / calibration
    [InlineData(50, 100, 10, 50.0 / (1 - 0.005), 50.0 / (1 - 0.005) / 10)]
    [InlineData(1000, 100, 10, 1000 / 0.9, 1000 / 0.9 / 10)]
    [InlineData(3000, 50, 250, 3000 / 0.85, 3000 / 0.85 / 250)]
    [InlineData(200, 0, 8, 200, 25)]
    public void Dead_time_correction_and_calibration_give_the_dose_rate(int cps, double deadTimeUs, double calibration, double trueCps, double dose)
    {
        var o = new PulseProbeOptions { Pin = 12, DeadTimeMicroseconds = deadTimeUs, CpsPerMicroSievertPerHour = calibration, WindowSeconds = 2 };
        using var probe = new PulseDoseRateProbe(_gpio, o, _time);
        Assert.Equal(DetectorStatus.WarmingUp, probe.Read().Status);

        Pulses(12, cps * 2);
        _time.Advance(TimeSpan.FromSeconds(2));
        var r = probe.Read();
        Assert.Equal(DetectorStatus.Ok, r.Status);
        Assert.Equal(trueCps, r.CountsPerSecond!.Value, 6);
        Assert.Equal(dose, r.RawMicroSievertPerHour, 6);
    }

    [Fact]
    public void Heavy_losses_are_flagged_saturated_and_silence_is_flagged_silent()
    {
        var o = new PulseProbeOptions { Pin = 12, DeadTimeMicroseconds = 100, WindowSeconds = 1, SilentAfterSeconds = 30 };
        using var probe = new PulseDoseRateProbe(_gpio, o, _time);
        Pulses(12, 6000); // m·τ = 0.6
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(DetectorStatus.Saturated, probe.Read().Status);
        Assert.Null(PulseDoseRateProbe.CorrectDeadTime(10_000, 100e-6)); // m·τ = 1: no true rate fits

        _time.Advance(TimeSpan.FromSeconds(30));
        var r = probe.Read();
        Assert.True(r.Status == DetectorStatus.Silent, $"{r}");
        Assert.Equal(0, r.RawMicroSievertPerHour);
    }

    [Fact]
    public void Surface_contamination_is_net_rate_over_efficiency_and_area()
    {
        var o = new SurfaceContaminationOptions { Enabled = true, AlphaPin = 14, BetaPin = 15, AlphaEfficiency = 0.2, BetaEfficiency = 0.25,
            ProbeAreaCm2 = 100, AlphaBackgroundCps = 0.5, BetaBackgroundCps = 5, WindowSeconds = 10 };
        using var probe = new SurfaceContaminationProbe(_gpio, o, _time);
        Pulses(14, 305);  // 30.5 cps alpha
        Pulses(15, 30);   // 3 cps beta: below its background
        _time.Advance(TimeSpan.FromSeconds(10));
        var r = probe.Read();
        Assert.Equal(30.5, r.AlphaCountsPerSecond, 9);
        Assert.Equal((30.5 - 0.5) / (0.2 * 100), r.AlphaBecquerelPerSquareCentimetre, 9); // 1.5 Bq/cm²
        Assert.Equal(0, r.BetaBecquerelPerSquareCentimetre);
    }

    public void Dispose() => _gpio.Dispose();
}
