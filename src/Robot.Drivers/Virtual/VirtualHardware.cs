using Robot.Drivers.Abstractions;
using UnitsNet;

namespace Robot.Drivers.Virtual;

/// <summary>
/// The "Hardware:Virtual" section: constants of the stand-in drivers used with Hardware:Kind=virtual
/// (a dry run of the service with no I/O at all, and the package proven under emulation).
/// </summary>
public sealed class VirtualHardwareOptions
{
    /// <summary>What the probe reads, constant: the natural background (µSv/h).</summary>
    public double BackgroundMicroSievertPerHour { get; set; } = 0.08;
    /// <summary>Counter rate at the background (counts per second).</summary>
    public double BackgroundCountsPerSecond { get; set; } = 40;
    public double LiftMinHeightM { get; set; } = 0.3;
    public double LiftMaxHeightM { get; set; } = 3.0;
    public double LiftSpeedMps { get; set; } = 0.15;
    public double BatteryPercent { get; set; } = 90;
    public double BatteryVoltageV { get; set; } = 25.6;

    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        const string S = "Hardware:Virtual";
        if (!(BackgroundMicroSievertPerHour >= 0)) problems.Add($"{S}:BackgroundMicroSievertPerHour: must be zero or more");
        if (!(BackgroundCountsPerSecond >= 0)) problems.Add($"{S}:BackgroundCountsPerSecond: must be zero or more");
        if (!(LiftMinHeightM >= 0 && LiftMaxHeightM > LiftMinHeightM)) problems.Add($"{S}:LiftMaxHeightM: must be above LiftMinHeightM (>= 0)");
        if (!(LiftSpeedMps > 0)) problems.Add($"{S}:LiftSpeedMps: must be above zero");
        if (!(BatteryPercent is >= 0 and <= 100)) problems.Add($"{S}:BatteryPercent: must be 0 to 100");
        if (!(BatteryVoltageV > 0)) problems.Add($"{S}:BatteryVoltageV: must be above zero");
        return problems;
    }
}

/// <summary>Stand-ins for every driver role, with no I/O: plausible, steady, driven by the TimeProvider.</summary>
public static class VirtualHardware
{
    public static RobotHardware Create(VirtualHardwareOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var drive = new VirtualDriveTrain(time);
        return new RobotHardware(drive, new VirtualLift(options, time), new VirtualEmergencyStop(),
            new VirtualDoseProbe(options, time), drive, new VirtualBattery(options), new VirtualWallRangeFinder(), new VirtualAlarm());
    }
}

/// <summary>Follows the commanded body velocities at once and integrates them into a pose.</summary>
public sealed class VirtualDriveTrain : IDriveTrain, IPoseSource
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _last;
    private double _v, _w, _x, _y, _theta;

    public VirtualDriveTrain(TimeProvider time)
    {
        _time = time;
        _last = time.GetTimestamp();
    }

    public void SetVelocity(Speed linear, RotationalSpeed angular)
    {
        lock (_gate)
        {
            Integrate();
            _v = linear.MetersPerSecond;
            _w = angular.RadiansPerSecond;
        }
    }

    public void Stop() => SetVelocity(Speed.Zero, RotationalSpeed.Zero);

    public Speed MeasuredLinear { get { lock (_gate) return Speed.FromMetersPerSecond(_v); } }
    public RotationalSpeed MeasuredAngular { get { lock (_gate) return RotationalSpeed.FromRadiansPerSecond(_w); } }
    public bool IsStopped { get { lock (_gate) return _v == 0 && _w == 0; } }

    public Pose Pose
    {
        get
        {
            lock (_gate)
            {
                Integrate();
                return new Pose(Length.FromMeters(_x), Length.FromMeters(_y), Angle.FromRadians(_theta));
            }
        }
    }

    public bool IsInitialized => true;

    private void Integrate()
    {
        var now = _time.GetTimestamp();
        var dt = _time.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
        if (dt <= 0) return;
        if (Math.Abs(_w) < 1e-9)
        {
            _x += _v * dt * Math.Cos(_theta);
            _y += _v * dt * Math.Sin(_theta);
        }
        else
        {
            var theta2 = _theta + _w * dt;
            _x += _v / _w * (Math.Sin(theta2) - Math.Sin(_theta));
            _y -= _v / _w * (Math.Cos(theta2) - Math.Cos(_theta));
            _theta = Math.IEEERemainder(theta2, 2 * Math.PI);
        }
    }
}

/// <summary>A mast that moves at a speed between its limits; homed from the start at its lowest.</summary>
public sealed class VirtualLift : ILift
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly double _min, _max, _speed;
    private double _height, _velocity;
    private double? _target;
    private long _last;

    public VirtualLift(VirtualHardwareOptions options, TimeProvider time)
    {
        _time = time;
        _min = options.LiftMinHeightM;
        _max = options.LiftMaxHeightM;
        _speed = options.LiftSpeedMps;
        _height = _min;
        _last = time.GetTimestamp();
    }

    public Length Height { get { lock (_gate) { Advance(); return Length.FromMeters(_height); } } }
    public Length MinHeight => Length.FromMeters(_min);
    public Length MaxHeight => Length.FromMeters(_max);
    public bool IsHomed => true;
    public bool IsMoving { get { lock (_gate) { Advance(); return _velocity != 0; } } }

    public void SetVelocity(Speed velocity)
    {
        lock (_gate)
        {
            Advance();
            _target = null;
            _velocity = Math.Clamp(velocity.MetersPerSecond, -_speed, _speed);
        }
    }

    public void MoveTo(Length height)
    {
        lock (_gate)
        {
            Advance();
            _target = Math.Clamp(height.Meters, _min, _max);
            _velocity = _target > _height ? _speed : _target < _height ? -_speed : 0;
            if (_velocity == 0) _target = null;
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            Advance();
            _velocity = 0;
            _target = null;
        }
    }

    private void Advance()
    {
        var now = _time.GetTimestamp();
        var dt = _time.GetElapsedTime(_last, now).TotalSeconds;
        _last = now;
        if (dt <= 0 || _velocity == 0) return;
        var next = _height + _velocity * dt;
        var stopAt = _target ?? (_velocity > 0 ? _max : _min);
        if ((_velocity > 0 && next >= stopAt) || (_velocity < 0 && next <= stopAt))
        {
            next = Math.Clamp(stopAt, _min, _max);
            _velocity = 0;
            _target = null;
        }
        _height = Math.Clamp(next, _min, _max);
    }
}

/// <summary>The contact is closed (not pressed) and stays so.</summary>
public sealed class VirtualEmergencyStop : IEmergencyStopInput
{
    public bool IsOpen => false;

    public event Action<bool>? Changed
    {
        add { }
        remove { }
    }
}

/// <summary>Reads a constant background; its counter grows at the background rate.</summary>
public sealed class VirtualDoseProbe(VirtualHardwareOptions options, TimeProvider time) : IDoseRateProbe
{
    private readonly long _start = time.GetTimestamp();

    public string Model => "virtual";

    public DoseRateReading Read()
    {
        var elapsed = time.GetElapsedTime(_start).TotalSeconds;
        return new DoseRateReading(time.GetUtcNow(), options.BackgroundMicroSievertPerHour, options.BackgroundCountsPerSecond,
            DetectorStatus.Ok, (long)Math.Floor(elapsed * options.BackgroundCountsPerSecond));
    }
}

/// <summary>A steady battery, not charging.</summary>
public sealed class VirtualBattery(VirtualHardwareOptions options) : IBattery
{
    public ElectricPotential Voltage => ElectricPotential.FromVolts(options.BatteryVoltageV);
    public ElectricCurrent Current => ElectricCurrent.FromAmperes(1.5);
    public Ratio StateOfCharge => Ratio.FromPercent(options.BatteryPercent);
    public bool IsCharging => false;
}

/// <summary>No wall in range.</summary>
public sealed class VirtualWallRangeFinder : IWallRangeFinder
{
    public Length? Distance => null;
}

/// <summary>Remembers what it was told.</summary>
public sealed class VirtualAlarm : IAlarmIndicator
{
    private volatile int _lamp;
    private volatile bool _buzzer;

    public LampColor Lamp => (LampColor)_lamp;
    public bool BuzzerOn => _buzzer;
    public void SetLamp(LampColor color) => _lamp = (int)color;
    public void SetBuzzer(bool on) => _buzzer = on;
}
