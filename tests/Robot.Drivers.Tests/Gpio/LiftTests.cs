using System.Device.Gpio;
using Robot.Drivers.Configuration;
using Robot.Drivers.Stepper;
using Robot.Drivers.Tests.Fakes;
using UnitsNet;

namespace Robot.Drivers.Tests.Gpio;

/// <summary>The stepper lift against a simulated mast: the fake GPIO counts steps and plays the switches.</summary>
public sealed class LiftTests : IDisposable
{
    private readonly FakeGpioDriver _pins = new();
    private readonly GpioController _gpio;
    private readonly LiftOptions _o = new() { StepsPerMetre = 1000, MinHeightM = 0.3, MaxHeightM = 2.5 };
    private readonly InstantDelay _delay = new();
    private long _mast; // true mast position in steps above the home switch
    private int _up, _down;

    public LiftTests()
    {
        _gpio = new GpioController(_pins);
        _mast = 150; // powered up somewhere above home
        _pins.OnWrite = (pin, value) =>
        {
            if (pin != _o.StepPin || value != PinValue.High) return;
            var up = _pins.Value(_o.DirPin) == PinValue.High;
            if (up) { _mast++; _up++; } else { _mast--; _down++; }
            // NC switches: active (open) reads high.
            _pins.Preset(_o.HomeSwitchPin, _mast <= 0 ? PinValue.High : PinValue.Low);
            _pins.Preset(_o.UpperLimitPin, _mast >= 2150 ? PinValue.High : PinValue.Low);
        };
        _pins.Preset(_o.HomeSwitchPin, PinValue.Low);
        _pins.Preset(_o.UpperLimitPin, PinValue.Low);
    }

    private StepDirLift HomedLift()
    {
        var lift = new StepDirLift(_gpio, _o, _delay);
        lift.Home();
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.True(lift.IsHomed);
        (_up, _down) = (0, 0);
        return lift;
    }

    [Fact]
    public void It_refuses_to_move_before_homing()
    {
        using var lift = new StepDirLift(_gpio, _o, _delay);
        lift.MoveTo(Length.FromMeters(1));
        lift.SetVelocity(Speed.FromMetersPerSecond(0.1));
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, _pins.RisingEdges(_o.StepPin));
        Assert.False(lift.IsHomed);
        Assert.Contains("not homed", lift.LastRefusal);
    }

    [Fact]
    public void Homing_steps_down_and_stops_at_the_switch()
    {
        using var lift = HomedLift();
        Assert.Equal(0, _mast);                     // stopped exactly on the switch
        Assert.Equal(150, _pins.RisingEdges(_o.StepPin));
        Assert.Equal(0, lift.PositionSteps);
        Assert.Equal(0.3, lift.Height.Meters, 6);
        Assert.Equal(PinValue.High, _pins.Value(_o.EnablePin)); // idle: bridges off
    }

    [Fact]
    public void A_move_emits_the_right_number_of_steps_in_the_right_direction()
    {
        using var lift = HomedLift();
        lift.MoveTo(Length.FromMeters(1.0));        // 0.7 m above home at 1000 steps/m
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal((700, 0), (_up, _down));
        Assert.Equal(700, _mast);
        Assert.Equal(1.0, lift.Height.Meters, 6);

        lift.MoveTo(Length.FromMeters(0.75));
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal((700, 250), (_up, _down));
        Assert.Equal(0.75, lift.Height.Meters, 6);
        // Step period at 0.15 m/s and 1000 steps/m is 6.667 ms: the waits between pulses say so.
        Assert.Contains(_delay.Waits, w => Math.Abs(w.TotalMilliseconds - (1000 / 150.0 - 0.002)) < 0.001);
    }

    [Fact]
    public void The_upper_limit_switch_is_never_passed()
    {
        _o.MaxHeightM = 3.0; // soft limit above the switch: the switch must stop it
        using var lift = HomedLift();
        lift.SetVelocity(Speed.FromMetersPerSecond(0.1));
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal(2150, _mast);
        lift.MoveTo(Length.FromMeters(3.0));
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal(2150, _mast);
        Assert.Contains("upper limit", lift.LastRefusal);
    }

    [Fact]
    public void The_configured_maximum_height_is_never_passed_even_without_the_switch()
    {
        _o.MaxHeightM = 1.3;
        using var lift = HomedLift();
        lift.MoveTo(Length.FromMeters(5));
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal(1000, _mast);
        lift.SetVelocity(Speed.FromMetersPerSecond(0.1));
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal(1000, _mast);
        Assert.Equal(1.3, lift.Height.Meters, 6);
    }

    public void Dispose() => _gpio.Dispose();
}
