using Robot.Drivers.Abstractions;
using Robot.Simulator.Devices;
using UnitsNet;

namespace Robot.Simulator.Yard;

public sealed class SimWorldOptions
{
    public int Seed { get; set; } = 1;
    public double StartX { get; set; }
    public double StartY { get; set; }
    public double StartHeadingRad { get; set; }
    /// <summary>Local background dose rate, µSv/h (Ningbo is about 0.07, SNT0570.md).</summary>
    public double BackgroundMicroSvPerHour { get; set; } = 0.07;
    public double BatteryPercent { get; set; } = 95;
    /// <summary>Physics step; the world steps on the TimeProvider's timer.</summary>
    public TimeSpan Step { get; set; } = TimeSpan.FromMilliseconds(20);
}

/// <summary>
/// The simulated yard and the robot's body in it: every driver twin, stepped together on one
/// timer of the given TimeProvider (the real clock in the demo, a virtual clock in tests and
/// headless runs). The host above it is the real robot code, unchanged (SITL).
/// </summary>
public sealed class SimWorld : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SimWorldOptions _options;
    private readonly ITimer _timer;
    private double _x, _y, _heading;
    private double _odometer;

    public SimWorld(SimWorldOptions options, TimeProvider time)
    {
        _options = options;
        _x = options.StartX;
        _y = options.StartY;
        _heading = options.StartHeadingRad;
        Drive = new SimDriveTrain();
        Lift = new SimLift();
        EmergencyStop = new SimEmergencyStop();
        Battery = new SimBattery(options.BatteryPercent);
        Alarm = new SimAlarm();
        Probe = new SimDoseProbe(() => options.BackgroundMicroSvPerHour, time, options.Seed);
        Hardware = new RobotHardware(Drive, Lift, EmergencyStop, Probe, new SimPoseSource(() => Pose), Battery,
            new SimWallRangeFinder(() => null), Alarm);
        _timer = time.CreateTimer(_ => Step(options.Step.TotalSeconds), null, options.Step, options.Step);
    }

    public SimDriveTrain Drive { get; }
    public SimLift Lift { get; }
    public SimEmergencyStop EmergencyStop { get; }
    public SimBattery Battery { get; }
    public SimAlarm Alarm { get; }
    public SimDoseProbe Probe { get; }
    public RobotHardware Hardware { get; }

    public Pose Pose
    {
        get
        {
            lock (_gate) return new Pose(Length.FromMeters(_x), Length.FromMeters(_y), Angle.FromRadians(_heading));
        }
    }

    /// <summary>Total distance driven (m).</summary>
    public double Odometer { get { lock (_gate) return _odometer; } }

    public void Step(double dt)
    {
        var (v, w) = Drive.Step(dt);
        double distance;
        lock (_gate)
        {
            // Midpoint integration of the unicycle model.
            var mid = _heading + w * dt / 2;
            _x += v * Math.Cos(mid) * dt;
            _y += v * Math.Sin(mid) * dt;
            _heading = Math.IEEERemainder(_heading + w * dt, 2 * Math.PI);
            distance = Math.Abs(v) * dt;
            _odometer += distance;
        }
        Lift.Step(dt);
        Battery.Step(dt, distance);
        Probe.Step(dt);
    }

    public void Dispose() => _timer.Dispose();
}
