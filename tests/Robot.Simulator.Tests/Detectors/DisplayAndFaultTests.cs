using Robot.Drivers.Abstractions;
using Robot.Simulator.Devices;
using Robot.Simulator.Physics;
using Robot.Simulator.Tests.Support;

namespace Robot.Simulator.Tests.Detectors;

public class DisplayAndFaultTests
{
    [Fact]
    public void A_fixed_display_reaches_63_percent_of_a_step_after_one_time_constant()
    {
        var detector = DetectorModel.NaI2x2.WithDisplay(DisplayResponse.Fixed(10));
        var (probe, field, time) = Probes.Create(detector, background: 0.07);
        field.Set(1.07);
        Probes.Run(probe, time, 10);
        // 0.07 + (1 - 1/e) x 1.0 = 0.702; display noise at 1500 cps over τ = 10 s is 0.6 %.
        Assert.InRange(probe.Read().RawMicroSievertPerHour, 0.702 - 0.02, 0.702 + 0.02);
        Probes.Run(probe, time, 40);
        Assert.InRange(probe.Read().RawMicroSievertPerHour, 1.07 * 0.97, 1.07 * 1.03);
    }

    [Theory]
    [InlineData("nai", 0.07, 400 / 98.0)]
    [InlineData("nai", 10.0, 2.0)]
    [InlineData("gm", 0.07, 30.0)]
    [InlineData("gm", 1000.0, 2.0)]
    public void The_adaptive_time_constant_is_2_to_30_s_and_holds_about_400_counts(string detector, double dose, double expectedTau)
    {
        var model = DetectorModel.ByName(detector);
        var (probe, _, _) = Probes.Create(model, background: dose);
        var live = 1 / (1 + dose * model.CalibrationSensitivity * model.DeadTimeS);
        var tau = Math.Clamp(400 / (dose * model.CalibrationSensitivity * live), 2, 30);
        Assert.Equal(expectedTau, tau, 0.05);
        Assert.Equal(tau, probe.DisplayTimeConstantS, 1e-9);
    }

    [Fact]
    public void The_adaptive_display_restarts_on_a_clear_jump()
    {
        var (probe, field, time) = Probes.Create(DetectorModel.NaI2x2, background: 0.07);
        Probes.Run(probe, time, 30);
        field.Set(0.07, Nuclide.Cs137, 1.0);
        Probes.Run(probe, time, 1.2);
        // Without the restart a 4 s average would show about 0.33 after 1.2 s.
        Assert.InRange(probe.Read().RawMicroSievertPerHour, 1.07 * 0.9, 1.07 * 1.1);
    }

    [Fact]
    public void Stuck_freezes_the_display_silent_gives_no_counts_saturated_pins_the_top()
    {
        var (probe, field, time) = Probes.Create(DetectorModel.NaI2x2, background: 0.07);
        Probes.Run(probe, time, 10);

        probe.InjectFault(DetectorFault.Stuck, selfReported: false);
        var frozen = probe.Read();
        field.Set(0.07, Nuclide.Cs137, 5);
        Probes.Run(probe, time, 10);
        Assert.Equal(frozen.RawMicroSievertPerHour, probe.Read().RawMicroSievertPerHour);
        Assert.Equal(frozen.CountsPerSecond, probe.Read().CountsPerSecond);
        Assert.Equal(DetectorStatus.Ok, probe.Read().Status);
        Assert.Equal(DetectorFault.Stuck, probe.ActiveFault);

        probe.ClearFaults();
        probe.InjectFault(DetectorFault.Silent);
        Probes.Run(probe, time, 60);
        Assert.Equal(0, probe.Read().CountsPerSecond);
        Assert.True(probe.Read().RawMicroSievertPerHour < 0.01);
        Assert.Equal(DetectorStatus.Silent, probe.Read().Status);

        probe.ClearFaults();
        probe.InjectFault(DetectorFault.Saturated);
        Probes.Run(probe, time, 1);
        Assert.Equal(DetectorStatus.Saturated, probe.Read().Status);
        Assert.Equal(DetectorModel.NaI2x2.MaxMicroSvPerHour, probe.Read().RawMicroSievertPerHour);

        probe.ClearFaults();
        probe.ForcedStatus = DetectorStatus.WarmingUp;
        Assert.Equal(DetectorStatus.WarmingUp, probe.Read().Status);
    }

    [Fact]
    public void A_scheduled_fault_holds_only_in_its_window()
    {
        var (probe, _, time) = Probes.Create(DetectorModel.GmEnergyCompensated, background: 0.07);
        var from = time.GetUtcNow().AddSeconds(30);
        probe.ScheduleFault(new ScheduledDetectorFault(DetectorFault.Stuck, from, from.AddSeconds(60)));
        Probes.Run(probe, time, 29);
        Assert.Equal(DetectorStatus.Ok, probe.Read().Status);
        Probes.Run(probe, time, 2);
        Assert.Equal(DetectorStatus.Fault, probe.Read().Status);
        Probes.Run(probe, time, 60);
        Assert.Equal(DetectorStatus.Ok, probe.Read().Status);
        Assert.Throws<ArgumentException>(() => probe.ScheduleFault(new ScheduledDetectorFault(DetectorFault.Silent, from, from)));
    }

    [Fact]
    public void Over_the_range_the_probe_reports_saturation()
    {
        var (probe, _, time) = Probes.Create(DetectorModel.NaI2x2, background: 250);
        Probes.Run(probe, time, 1);
        var reading = probe.Read();
        Assert.Equal(DetectorStatus.Saturated, reading.Status);
        Assert.Equal(100, reading.RawMicroSievertPerHour);
    }
}
