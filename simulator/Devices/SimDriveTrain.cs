using Robot.Drivers.Abstractions;
using UnitsNet;

namespace Robot.Simulator.Devices;

/// <summary>
/// Twin of a differential drive: commanded body velocities are followed within acceleration
/// limits; Stop() cuts the outputs, and the robot then brakes at its braking deceleration.
/// </summary>
public sealed class SimDriveTrain : IDriveTrain
{
    private readonly Lock _gate = new();
    private double _cmdLinear, _cmdAngular;
    private double _linear, _angular;
    private bool _outputsOff = true;

    public double MaxLinearMps { get; init; } = 1.2;
    public double MaxAngularRadps { get; init; } = 2.0;
    public double LinearAccelMps2 { get; init; } = 0.8;
    public double AngularAccelRadps2 { get; init; } = 3.0;
    public double BrakeDecelMps2 { get; init; } = 2.0;

    /// <summary>A scheduled fault: the motors draw current but do not turn.</summary>
    public bool Stalled { get; set; }

    /// <summary>Called on every SetVelocity/Stop with (linear, angular, stop): for latency benchmarks and tests.</summary>
    public Action<double, double, bool>? OnCommand { get; set; }

    public long CommandCount { get; private set; }

    public void SetVelocity(Speed linear, RotationalSpeed angular)
    {
        var l = linear.MetersPerSecond;
        var a = angular.RadiansPerSecond;
        lock (_gate)
        {
            _cmdLinear = Math.Clamp(double.IsFinite(l) ? l : 0, -MaxLinearMps, MaxLinearMps);
            _cmdAngular = Math.Clamp(double.IsFinite(a) ? a : 0, -MaxAngularRadps, MaxAngularRadps);
            // Any velocity command, zero included, energises the outputs (a controlled hold).
            _outputsOff = false;
            CommandCount++;
        }
        OnCommand?.Invoke(l, a, false);
    }

    public void Stop()
    {
        lock (_gate)
        {
            _cmdLinear = 0;
            _cmdAngular = 0;
            _outputsOff = true;
            CommandCount++;
        }
        OnCommand?.Invoke(0, 0, true);
    }

    public Speed MeasuredLinear { get { lock (_gate) return Speed.FromMetersPerSecond(_linear); } }
    public RotationalSpeed MeasuredAngular { get { lock (_gate) return RotationalSpeed.FromRadiansPerSecond(_angular); } }
    public bool IsStopped { get { lock (_gate) return _outputsOff; } }

    /// <summary>Commanded velocities (what the outputs are asked to do right now).</summary>
    public (double Linear, double Angular, bool OutputsOff) Command { get { lock (_gate) return (_cmdLinear, _cmdAngular, _outputsOff); } }

    /// <summary>Advance the wheel dynamics by dt; returns the body velocities to integrate.</summary>
    internal (double Linear, double Angular) Step(double dt)
    {
        lock (_gate)
        {
            if (Stalled)
            {
                _linear = 0;
                _angular = 0;
                return (0, 0);
            }
            var accel = _outputsOff ? BrakeDecelMps2 : LinearAccelMps2;
            var angAccel = _outputsOff ? AngularAccelRadps2 * 2 : AngularAccelRadps2;
            _linear = Approach(_linear, _cmdLinear, accel * dt);
            _angular = Approach(_angular, _cmdAngular, angAccel * dt);
            return (_linear, _angular);
        }
    }

    private static double Approach(double value, double target, double maxStep) =>
        Math.Abs(target - value) <= maxStep ? target : value + Math.Sign(target - value) * maxStep;
}
