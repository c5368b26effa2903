using Iot.Device.DCMotor;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Configuration;
using Robot.Drivers.Odometry;
using UnitsNet;

namespace Robot.Drivers.DcMotorDrive;

/// <summary>
/// Two DC gear motors through H-bridges (Iot.Device.DCMotor: one PWM channel for the duty, a
/// forward and a reverse direction pin per wheel), with a closed speed loop per wheel on the
/// encoder speeds (feed-forward duty = target / max wheel speed, plus PI on the error), an
/// acceleration limit, and stall detection (high duty, wheel not turning).
/// </summary>
public sealed class DcMotorDriveTrain : IDriveTrain, IDisposable
{
    private readonly DCMotor _left, _right;
    private readonly DifferentialOdometry _odometry;
    private readonly DriveOptions _o;
    private readonly TimeProvider _time;
    private readonly Func<bool> _inhibited;
    private readonly Lock _gate = new();
    private long _lastStamp;
    private bool _hasLast;
    private Wheel _l, _r;
    private volatile bool _stopped = true;

    private struct Wheel
    {
        public double Target;      // ramped target speed, m/s
        public double Integral;    // ∫ error dt, m
        public double StallSeconds;
    }

    /// <param name="inhibited">True while motion is forbidden (the e-stop contact is open): commands are ignored.</param>
    public DcMotorDriveTrain(DCMotor left, DCMotor right, DifferentialOdometry odometry, DriveOptions options, TimeProvider time, Func<bool>? inhibited = null)
    {
        _left = left;
        _right = right;
        _odometry = odometry;
        _o = options;
        _time = time;
        _inhibited = inhibited ?? (() => false);
        Stop();
    }

    /// <summary>
    /// One wheel's H-bridge: DCMotor's three-pin mode drives its second pin high for positive
    /// speed and its first pin high for negative, with |speed| as the PWM duty; both low is coast
    /// (the bridge off, the safe level).
    /// </summary>
    public static DCMotor CreateMotor(System.Device.Pwm.PwmChannel pwm, WheelOptions wheel, System.Device.Gpio.GpioController gpio) =>
        DCMotor.Create(pwm, wheel.ReversePin, wheel.ForwardPin, gpio, shouldDispose: false);

    public Speed MeasuredLinear { get { var (l, r) = _odometry.WheelSpeeds; return Speed.FromMetersPerSecond((l + r) / 2); } }
    public RotationalSpeed MeasuredAngular { get { var (l, r) = _odometry.WheelSpeeds; return RotationalSpeed.FromRadiansPerSecond((r - l) / _o.TrackWidthM); } }
    public bool IsStopped => _stopped;

    /// <summary>Set when a wheel was driven hard but did not turn; cleared by a zero command.</summary>
    public bool IsStalled { get; private set; }

    /// <summary>The duties last applied (-1 to 1), for telemetry and tests.</summary>
    public (double Left, double Right) Duty => (_left.Speed, _right.Speed);

    public void SetVelocity(Speed linear, RotationalSpeed angular)
    {
        var v = linear.MetersPerSecond;
        var w = angular.RadiansPerSecond;
        if (_inhibited() || !double.IsFinite(v) || !double.IsFinite(w))
        {
            Stop();
            return;
        }
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var dt = _hasLast ? Math.Min(_time.GetElapsedTime(_lastStamp, now).TotalSeconds, 0.1) : 0;
            _lastStamp = now;
            _hasLast = true;

            // Body to wheels; scale both down together so the curvature survives saturation.
            var half = w * _o.TrackWidthM / 2;
            double tl = v - half, tr = v + half;
            var peak = Math.Max(Math.Abs(tl), Math.Abs(tr));
            if (peak > _o.MaxWheelSpeedMps) { tl *= _o.MaxWheelSpeedMps / peak; tr *= _o.MaxWheelSpeedMps / peak; }

            if (v == 0 && w == 0)
            {
                IsStalled = false;
                _l = default;
                _r = default;
                ApplyDuty(0, 0);
                return;
            }
            if (IsStalled) return; // stays stopped until a zero command acknowledges the stall

            var (ml, mr) = _odometry.SampleWheelSpeeds();
            var dl = Control(ref _l, tl, ml, dt);
            var dr = Control(ref _r, tr, mr, dt);
            if (_l.StallSeconds >= _o.StallSeconds || _r.StallSeconds >= _o.StallSeconds)
            {
                IsStalled = true;
                _l = default;
                _r = default;
                ApplyDuty(0, 0);
                return;
            }
            ApplyDuty(dl, dr);
        }
    }

    private double Control(ref Wheel wheel, double target, double measured, double dt)
    {
        var maxStep = _o.MaxAccelerationMps2 > 0 ? _o.MaxAccelerationMps2 * dt : double.PositiveInfinity;
        wheel.Target += Math.Clamp(target - wheel.Target, -maxStep, maxStep);
        var error = wheel.Target - measured;
        var feedForward = wheel.Target / _o.MaxWheelSpeedMps;
        var integral = wheel.Integral + error * dt;
        var duty = feedForward + _o.SpeedKp * error + _o.SpeedKi * integral;
        // Anti-windup: keep the integral only while the output is not saturated.
        if (Math.Abs(duty) <= 1) wheel.Integral = integral;
        duty = Math.Clamp(duty, -1, 1);

        if (Math.Abs(duty) >= _o.StallDuty && Math.Abs(measured) < 0.01 && dt > 0) wheel.StallSeconds += dt;
        else wheel.StallSeconds = 0;
        return duty;
    }

    private void ApplyDuty(double left, double right)
    {
        _left.Speed = _o.Left.Inverted ? -left : left;
        _right.Speed = _o.Right.Inverted ? -right : right;
        _stopped = left == 0 && right == 0;
    }

    /// <summary>Both bridges off (direction pins low, duty 0) at once. Never throws.</summary>
    public void Stop()
    {
        _stopped = true;
        lock (_gate)
        {
            _l = default;
            _r = default;
            _hasLast = false;
            try { _left.Speed = 0; } catch (Exception) { /* keep going: the other wheel must stop too */ }
            try { _right.Speed = 0; } catch (Exception) { }
        }
    }

    public void Dispose()
    {
        Stop();
        _left.Dispose();
        _right.Dispose();
    }
}
