using Robot.Drivers.Abstractions;
using UnitsNet;

namespace Robot.Simulator.Devices;

/// <summary>A 24 V pack that drains with time and with motion (a crude but monotone model).</summary>
public sealed class SimBattery(double startPercent = 95) : IBattery
{
    private readonly Lock _gate = new();
    private double _soc = startPercent;
    private double _current = 1.5;

    /// <summary>Idle draw, percent per hour.</summary>
    public double IdlePercentPerHour { get; init; } = 3;
    /// <summary>Extra draw while moving, percent per metre driven.</summary>
    public double PercentPerMetre { get; init; } = 0.01;

    public ElectricPotential Voltage { get { lock (_gate) return ElectricPotential.FromVolts(22.0 + 4.0 * _soc / 100.0); } }
    public ElectricCurrent Current { get { lock (_gate) return ElectricCurrent.FromAmperes(_current); } }
    public Ratio StateOfCharge { get { lock (_gate) return Ratio.FromPercent(_soc); } }
    public bool IsCharging => false;

    /// <summary>Force the charge (a scheduled battery-sag fault).</summary>
    public void SetPercent(double percent)
    {
        lock (_gate) _soc = Math.Clamp(percent, 0, 100);
    }

    internal void Step(double dt, double distanceM)
    {
        lock (_gate)
        {
            _soc = Math.Max(0, _soc - IdlePercentPerHour * dt / 3600.0 - PercentPerMetre * distanceM);
            _current = 1.5 + (dt > 0 ? 20.0 * distanceM / dt : 0);
        }
    }
}
