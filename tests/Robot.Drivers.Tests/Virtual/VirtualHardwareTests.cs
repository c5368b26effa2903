using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Virtual;
using UnitsNet;

namespace Robot.Drivers.Tests.Virtual;

public sealed class VirtualHardwareTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Drive_integrates_the_commanded_velocity_into_the_pose()
    {
        var hw = VirtualHardware.Create(new VirtualHardwareOptions(), _time);
        hw.Drive.SetVelocity(Speed.FromMetersPerSecond(0.5), RotationalSpeed.Zero);
        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.Equal(2.0, hw.Pose.Pose.X.Meters, 6);
        Assert.Equal(0.0, hw.Pose.Pose.Y.Meters, 6);
        hw.Drive.SetVelocity(Speed.Zero, RotationalSpeed.FromRadiansPerSecond(Math.PI / 2));
        _time.Advance(TimeSpan.FromSeconds(1));
        hw.Drive.Stop();
        Assert.True(hw.Drive.IsStopped);
        Assert.Equal(Math.PI / 2, hw.Pose.Pose.Heading.Radians, 6);
        Assert.Equal(2.0, hw.Pose.Pose.X.Meters, 6);
    }

    [Fact]
    public void Lift_moves_at_its_speed_and_stops_at_the_target_and_the_limits()
    {
        var o = new VirtualHardwareOptions { LiftMinHeightM = 0.5, LiftMaxHeightM = 2.0, LiftSpeedMps = 0.1 };
        var lift = VirtualHardware.Create(o, _time).Lift;
        Assert.True(lift.IsHomed);
        Assert.Equal(0.5, lift.Height.Meters, 6);
        lift.MoveTo(Length.FromMeters(1.0));
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.True(lift.IsMoving);
        Assert.Equal(0.7, lift.Height.Meters, 6);
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(lift.IsMoving);
        Assert.Equal(1.0, lift.Height.Meters, 6);
        lift.SetVelocity(Speed.FromMetersPerSecond(5));
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(2.0, lift.Height.Meters, 6);
        Assert.False(lift.IsMoving);
    }

    [Fact]
    public void Probe_reads_the_configured_background_and_counts_alarm_remembers_estop_is_closed()
    {
        var hw = VirtualHardware.Create(new VirtualHardwareOptions { BackgroundMicroSievertPerHour = 0.12, BackgroundCountsPerSecond = 50 }, _time);
        var first = hw.DoseProbe.Read();
        _time.Advance(TimeSpan.FromSeconds(10));
        var second = hw.DoseProbe.Read();
        Assert.Equal(0.12, second.RawMicroSievertPerHour);
        Assert.Equal(DetectorStatus.Ok, second.Status);
        Assert.Equal(500, second.TotalCounts - first.TotalCounts);
        Assert.False(hw.EmergencyStop.IsOpen);
        Assert.Null(hw.WallRange.Distance);
        Assert.Equal(90, hw.Battery.StateOfCharge.Percent);
        hw.Alarm.SetLamp(LampColor.Red);
        hw.Alarm.SetBuzzer(true);
        Assert.Equal(LampColor.Red, hw.Alarm.Lamp);
        Assert.True(hw.Alarm.BuzzerOn);
    }

    [Fact]
    public void Impossible_options_are_one_line_each_naming_the_key()
    {
        var problems = new VirtualHardwareOptions { LiftMinHeightM = 2, LiftMaxHeightM = 1, LiftSpeedMps = 0, BatteryPercent = 150 }.Validate();
        Assert.Equal(3, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("Hardware:Virtual:", p, StringComparison.Ordinal));
    }
}
