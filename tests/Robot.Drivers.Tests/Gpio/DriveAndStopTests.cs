using System.Device.Gpio;
using Iot.Device.Pwm;
using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.Configuration;
using Robot.Drivers.DcMotorDrive;
using Robot.Drivers.EmergencyStop;
using Robot.Drivers.Odometry;
using Robot.Drivers.Stepper;
using Robot.Drivers.Tests.Fakes;
using UnitsNet;

namespace Robot.Drivers.Tests.Gpio;

/// <summary>Wheel commands at the pins and PCA9685 registers; the e-stop edge at the outputs.</summary>
public sealed class DriveAndStopTests : IDisposable
{
    private readonly FakeGpioDriver _pins = new();
    private readonly GpioController _gpio;
    private readonly SimPca9685 _pca = new();
    private readonly FakeTimeProvider _time = new();
    private readonly DriveOptions _o = new() { MaxAccelerationMps2 = 0, SpeedKp = 0, SpeedKi = 0, TrackWidthM = 0.5, MaxWheelSpeedMps = 1.0 };
    private readonly QuadratureEncoder _encL, _encR;
    private readonly DifferentialOdometry _odometry;
    private readonly DcMotorDriveTrain _drive;
    private EmergencyStopInput? _estop;

    public DriveAndStopTests()
    {
        _gpio = new GpioController(_pins);
        var pca = new Pca9685(_pca, pwmFrequency: 1000);
        _encL = new QuadratureEncoder(_gpio, _o.Left.EncoderAPin, _o.Left.EncoderBPin);
        _encR = new QuadratureEncoder(_gpio, _o.Right.EncoderAPin, _o.Right.EncoderBPin);
        _odometry = new DifferentialOdometry(() => _encL.Count, () => _encR.Count, _o.EncoderCountsPerMetre, _o.TrackWidthM, _time);
        _drive = new DcMotorDriveTrain(
            DcMotorDriveTrain.CreateMotor(pca.CreatePwmChannel(_o.Left.PwmChannel), _o.Left, _gpio),
            DcMotorDriveTrain.CreateMotor(pca.CreatePwmChannel(_o.Right.PwmChannel), _o.Right, _gpio),
            _odometry, _o, _time, () => _estop?.IsOpen == true);
    }

    [Fact]
    public void Forward_command_sets_forward_pins_and_the_duty_in_the_pca9685_registers()
    {
        _drive.SetVelocity(Speed.FromMetersPerSecond(0.5), RotationalSpeed.Zero);

        Assert.Equal(PinValue.High, _pins.Value(_o.Left.ForwardPin));
        Assert.Equal(PinValue.Low, _pins.Value(_o.Left.ReversePin));
        Assert.Equal(PinValue.High, _pins.Value(_o.Right.ForwardPin));
        Assert.Equal(PinValue.Low, _pins.Value(_o.Right.ReversePin));
        // 0.5 m/s of 1 m/s: LEDn_OFF = 2048 of 4096 counts.
        Assert.Equal(2048, _pca[0x08] | _pca[0x09] << 8);
        Assert.Equal(0.5, _pca.Duty(_o.Left.PwmChannel), 3);
        Assert.Equal(0.5, _pca.Duty(_o.Right.PwmChannel), 3);
        Assert.False(_drive.IsStopped);
        // The chip runs at the requested PWM frequency: PRE_SCALE = round(25e6 / 4096 / 1000) - 1 = 5.
        Assert.Equal(5, _pca[SimPca9685.PreScale]);
        Assert.Equal(0, _pca.PrescaleWritesWhileAwake);
    }

    [Fact]
    public void Turning_on_the_spot_reverses_the_inner_wheel_with_the_right_duties()
    {
        // 1 rad/s on a 0.5 m track: wheels at -/+0.25 m/s.
        _drive.SetVelocity(Speed.Zero, RotationalSpeed.FromRadiansPerSecond(1));

        Assert.Equal(PinValue.Low, _pins.Value(_o.Left.ForwardPin));
        Assert.Equal(PinValue.High, _pins.Value(_o.Left.ReversePin));
        Assert.Equal(PinValue.High, _pins.Value(_o.Right.ForwardPin));
        Assert.Equal(PinValue.Low, _pins.Value(_o.Right.ReversePin));
        Assert.Equal(0.25, _pca.Duty(_o.Left.PwmChannel), 3);
        Assert.Equal(0.25, _pca.Duty(_o.Right.PwmChannel), 3);
    }

    [Fact]
    public void Speeds_beyond_the_wheel_limit_are_scaled_together()
    {
        _drive.SetVelocity(Speed.FromMetersPerSecond(2), RotationalSpeed.FromRadiansPerSecond(2));
        // Wheels 1.5 and 2.5 m/s scaled by 1/2.5: 0.6 and 1.0.
        Assert.Equal(0.6, _pca.Duty(_o.Left.PwmChannel), 3);
        Assert.Equal(1.0, _pca.Duty(_o.Right.PwmChannel), 3);
    }

    [Fact]
    public void Stop_turns_both_bridges_off()
    {
        _drive.SetVelocity(Speed.FromMetersPerSecond(-0.3), RotationalSpeed.Zero);
        Assert.Equal(PinValue.High, _pins.Value(_o.Left.ReversePin));

        _drive.Stop();

        foreach (var pin in new[] { _o.Left.ForwardPin, _o.Left.ReversePin, _o.Right.ForwardPin, _o.Right.ReversePin })
            Assert.Equal(PinValue.Low, _pins.Value(pin));
        Assert.Equal(0, _pca.Duty(_o.Left.PwmChannel));
        Assert.Equal(0, _pca.Duty(_o.Right.PwmChannel));
        Assert.True(_drive.IsStopped);
    }

    [Fact]
    public void The_speed_loop_raises_the_duty_when_the_wheels_run_slow_and_stall_detection_cuts_it()
    {
        _o.SpeedKp = 0.5;
        _o.SpeedKi = 0;
        _drive.SetVelocity(Speed.FromMetersPerSecond(0.5), RotationalSpeed.Zero);
        _time.Advance(TimeSpan.FromMilliseconds(20));
        _drive.SetVelocity(Speed.FromMetersPerSecond(0.5), RotationalSpeed.Zero);
        // The wheels did not turn: error 0.5 m/s, duty 0.5 + 0.5 * 0.5.
        Assert.Equal(0.75, _pca.Duty(_o.Left.PwmChannel), 2);

        for (var i = 0; i < 60; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(20));
            _drive.SetVelocity(Speed.FromMetersPerSecond(0.5), RotationalSpeed.Zero);
        }
        Assert.True(_drive.IsStalled);
        Assert.Equal(0, _pca.Duty(_o.Left.PwmChannel));
        Assert.True(_drive.IsStopped);
    }

    [Fact]
    public void An_emergency_stop_edge_drives_every_motor_and_step_output_to_its_safe_level_at_once()
    {
        var lo = new LiftOptions { StepsPerMetre = 1000 };
        _pins.Preset(lo.HomeSwitchPin, PinValue.High); // on the home switch: homing ends at once
        _pins.Preset(lo.UpperLimitPin, PinValue.Low);  // normally closed upper limit, not reached
        var estopPin = new EmergencyStopOptions().Pin;
        _pins.Preset(estopPin, PinValue.Low); // contact closed
        var delay = new InstantDelay();
        using var lift = new StepDirLift(_gpio, lo, delay, () => _estop?.IsOpen == true);
        var estop = _estop = new EmergencyStopInput(_gpio, estopPin, TimeSpan.FromMilliseconds(20), _time);
        estop.Changed += open => { if (open) { _drive.Stop(); lift.Stop(); } };
        lift.Home();
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        _pins.Preset(lo.HomeSwitchPin, PinValue.Low);

        // Drive forward and start the lift up; the step thread pauses between its 5th and 6th pulse.
        _drive.SetVelocity(Speed.FromMetersPerSecond(0.8), RotationalSpeed.Zero);
        delay.Hold = () => _pins.Value(lo.StepPin) == PinValue.Low && _pins.RisingEdges(lo.StepPin) == 5;
        lift.MoveTo(Length.FromMeters(1.5));
        Assert.True(delay.Holding.Wait(TimeSpan.FromSeconds(10)), $"homed {lift.IsHomed} refusal {lift.LastRefusal} edges {_pins.RisingEdges(lo.StepPin)} pos {lift.PositionSteps} waits {delay.Waits.Count}");
        Assert.Equal(0.8, _pca.Duty(_o.Left.PwmChannel), 3);
        Assert.Equal(PinValue.Low, _pins.Value(lo.EnablePin));

        _pins.SetInput(estopPin, PinValue.High); // the contact opens

        // Everything is already safe when the edge callback returns, before any tick.
        Assert.True(estop.IsOpen);
        Assert.Equal(0, _pca.Duty(_o.Left.PwmChannel));
        Assert.Equal(0, _pca.Duty(_o.Right.PwmChannel));
        foreach (var pin in new[] { _o.Left.ForwardPin, _o.Left.ReversePin, _o.Right.ForwardPin, _o.Right.ReversePin })
            Assert.Equal(PinValue.Low, _pins.Value(pin));
        Assert.Equal(PinValue.Low, _pins.Value(lo.StepPin));
        Assert.Equal(PinValue.High, _pins.Value(lo.EnablePin));
        // The step thread wakes up to a cancelled move and emits no further pulse.
        delay.Hold = null;
        delay.Release.Set();
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal(PinValue.High, _pins.Value(lo.EnablePin));
        var stepsAtStop = _pins.RisingEdges(lo.StepPin);
        Assert.Equal(5, stepsAtStop);

        // While the contact is open nothing moves again.
        _drive.SetVelocity(Speed.FromMetersPerSecond(0.8), RotationalSpeed.Zero);
        lift.MoveTo(Length.FromMeters(2));
        Assert.True(lift.WaitIdle(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, _pca.Duty(_o.Left.PwmChannel));
        Assert.Equal(stepsAtStop, _pins.RisingEdges(lo.StepPin));
        Assert.Contains("emergency stop", lift.LastRefusal);
        estop.Dispose();
    }

    public void Dispose()
    {
        _drive.Dispose();
        _encL.Dispose();
        _encR.Dispose();
        _gpio.Dispose();
    }
}
