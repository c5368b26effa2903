using Robot.Drivers.Abstractions;
using UnitsNet;

namespace Robot.Simulator.Devices;

/// <summary>Twin of the stepper lift mast: a speed limit, end stops, and an optional jam fault.</summary>
public sealed class SimLift : ILift
{
    private readonly Lock _gate = new();
    private double _height;
    private double _velocity;
    private double? _target;

    public SimLift(double minHeightM = 0.3, double maxHeightM = 2.5, double speedMps = 0.15, double startHeightM = 0.3)
    {
        MinHeight = Length.FromMeters(minHeightM);
        MaxHeight = Length.FromMeters(maxHeightM);
        SpeedMps = speedMps;
        _height = startHeightM;
    }

    public double SpeedMps { get; }
    public Length MinHeight { get; }
    public Length MaxHeight { get; }
    public bool IsHomed => true;
    /// <summary>A scheduled fault: the mast stops moving.</summary>
    public bool Jammed { get; set; }

    public Length Height { get { lock (_gate) return Length.FromMeters(_height); } }
    public bool IsMoving { get { lock (_gate) return !Jammed && (_velocity != 0 || _target is not null); } }

    public void SetVelocity(Speed velocity)
    {
        var v = velocity.MetersPerSecond;
        lock (_gate)
        {
            _target = null;
            _velocity = Math.Clamp(double.IsFinite(v) ? v : 0, -SpeedMps, SpeedMps);
        }
    }

    public void MoveTo(Length height)
    {
        lock (_gate)
        {
            _velocity = 0;
            _target = Math.Clamp(height.Meters, MinHeight.Meters, MaxHeight.Meters);
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            _velocity = 0;
            _target = null;
        }
    }

    internal void Step(double dt)
    {
        lock (_gate)
        {
            if (Jammed) return;
            if (_target is { } t)
            {
                var step = SpeedMps * dt;
                if (Math.Abs(t - _height) <= step)
                {
                    _height = t;
                    _target = null;
                }
                else
                {
                    _height += Math.Sign(t - _height) * step;
                }
            }
            else if (_velocity != 0)
            {
                _height += _velocity * dt;
                // End stops: the mast stops there by itself.
                if (_height <= MinHeight.Meters) { _height = MinHeight.Meters; _velocity = 0; }
                if (_height >= MaxHeight.Meters) { _height = MaxHeight.Meters; _velocity = 0; }
            }
        }
    }
}
