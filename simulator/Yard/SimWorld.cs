using Robot.Drivers.Abstractions;
using Robot.Simulator.Devices;
using Robot.Simulator.Physics;
using UnitsNet;

namespace Robot.Simulator.Yard;

public sealed class SimWorldOptions
{
    public int Seed { get; set; } = 1;
    public double StartX { get; set; }
    public double StartY { get; set; }
    public double StartHeadingRad { get; set; }

    /// <summary>The yard's background model; its level defaults to Ningbo's 0.07 µSv/h (SNT0570.md), flat and steady.</summary>
    public BackgroundOptions Background { get; set; } = new();

    /// <summary>Local background dose rate, µSv/h (a shortcut for <see cref="BackgroundOptions.LevelMicroSvPerHour"/>).</summary>
    public double BackgroundMicroSvPerHour
    {
        get => Background.LevelMicroSvPerHour;
        set => Background.LevelMicroSvPerHour = value;
    }

    /// <summary>The probe on the mast: 2"x2" NaI unless a scenario picks another.</summary>
    public DetectorModel Detector { get; set; } = DetectorModel.NaI2x2;

    /// <summary>Containers standing in the yard at start (more can be placed later through <see cref="SimWorld.Yard"/>).</summary>
    public IList<Container> Containers { get; } = new List<Container>();

    /// <summary>Point sources at start, in the yard frame (see <see cref="PointSource.Inside"/> for a place inside a container).</summary>
    public IList<PointSource> Sources { get; } = new List<PointSource>();

    /// <summary>Probe centre ahead of the robot's reference point, metres.</summary>
    public double ProbeForwardOffsetM { get; set; }

    /// <summary>Probe centre to the side of the robot's reference point, metres: positive to the left, negative to the right. The range finder looks to that side.</summary>
    public double ProbeLateralOffsetM { get; set; } = 0.45;

    /// <summary>Beyond this the wall range finder reports nothing, metres.</summary>
    public double RangeFinderMaxM { get; set; } = 2.0;

    /// <summary>Odometry error on uneven ground; zero (exact) by default.</summary>
    public OdometryErrorOptions Odometry { get; set; } = new();

    public double BatteryPercent { get; set; } = 95;
    /// <summary>Physics step; the world steps on the TimeProvider's timer.</summary>
    public TimeSpan Step { get; set; } = TimeSpan.FromMilliseconds(20);
}

/// <summary>
/// The simulated yard and the robot's body in it: every driver twin, stepped together on one
/// timer of the given TimeProvider (the real clock in the demo, a virtual clock in tests and
/// headless runs). The host above it is the real robot code, unchanged (SITL).
/// The robot has two poses: the true one (where the body is: the probe measures and the range
/// finder looks from there) and the believed one (odometry, what <see cref="IPoseSource"/> reports).
/// </summary>
public sealed class SimWorld : IDisposable
{
    private readonly Lock _gate = new();
    private readonly SimWorldOptions _options;
    private readonly ITimer _timer;
    private readonly OdometryModel _odometry;
    private double _x, _y, _heading;
    private double _bx, _by, _bheading;
    private double _odometer;
    private readonly TimeProvider _time;

    public SimWorld(SimWorldOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.RangeFinderMaxM > 0 && options.RangeFinderMaxM < 100)) throw new ArgumentOutOfRangeException(nameof(options), options.RangeFinderMaxM, "RangeFinderMaxM must be in (0, 100) m");
        if (!(Math.Abs(options.ProbeForwardOffsetM) < 5 && Math.Abs(options.ProbeLateralOffsetM) < 5)) throw new ArgumentOutOfRangeException(nameof(options), "probe offsets must be finite and within 5 m of the robot");
        ArgumentNullException.ThrowIfNull(options.Detector);
        _options = options;
        _time = time;
        _x = _bx = options.StartX;
        _y = _by = options.StartY;
        _heading = _bheading = options.StartHeadingRad;
        _odometry = new OdometryModel(options.Odometry, options.Seed);
        Yard = new RadiationYard(options.Background, options.Seed, time);
        foreach (var c in options.Containers) Yard.AddContainer(c);
        foreach (var s in options.Sources) Yard.AddSource(s);
        Drive = new SimDriveTrain();
        Lift = new SimLift();
        EmergencyStop = new SimEmergencyStop();
        Battery = new SimBattery(options.BatteryPercent);
        Alarm = new SimAlarm();
        Probe = new SimDoseProbe(options.Detector, Yard, () => ProbePosition, time, options.Seed);
        RangeFinder = new SimWallRangeFinder(MeasureWallDistance);
        Hardware = new RobotHardware(Drive, Lift, EmergencyStop, Probe, new SimPoseSource(() => Pose), Battery,
            RangeFinder, Alarm);
        _timer = time.CreateTimer(_ => Step(options.Step.TotalSeconds), null, options.Step, options.Step);
    }

    public SimDriveTrain Drive { get; }
    public SimLift Lift { get; }
    public SimEmergencyStop EmergencyStop { get; }
    public SimBattery Battery { get; }
    public SimAlarm Alarm { get; }
    public SimDoseProbe Probe { get; }
    public SimWallRangeFinder RangeFinder { get; }
    public RobotHardware Hardware { get; }

    /// <summary>The yard's radiation and containers: place containers and sources, query the true dose anywhere.</summary>
    public RadiationYard Yard { get; }

    /// <summary>The pose the robot believes (odometry); equal to <see cref="TruePose"/> without odometry error.</summary>
    public Pose Pose
    {
        get
        {
            lock (_gate) return new Pose(Length.FromMeters(_bx), Length.FromMeters(_by), Angle.FromRadians(_bheading));
        }
    }

    /// <summary>Where the robot really is.</summary>
    public Pose TruePose
    {
        get
        {
            lock (_gate) return new Pose(Length.FromMeters(_x), Length.FromMeters(_y), Angle.FromRadians(_heading));
        }
    }

    /// <summary>The true position of the probe centre: true pose, the probe offset, the lift height.</summary>
    public Vec3 ProbePosition
    {
        get
        {
            double x, y, h;
            lock (_gate) (x, y, h) = (_x, _y, _heading);
            var (s, c) = Math.SinCos(h);
            var f = _options.ProbeForwardOffsetM;
            var l = _options.ProbeLateralOffsetM;
            return new Vec3(x + f * c - l * s, y + f * s + l * c, Lift.Height.Meters);
        }
    }

    /// <summary>The true dose rate at the probe centre now, by origin (µSv/h).</summary>
    public YardDose TrueDoseAtProbe => Yard.DoseAt(ProbePosition);

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
            if (_odometry.IsExact)
            {
                (_bx, _by, _bheading) = (_x, _y, _heading);
            }
            else
            {
                var (ds, dth) = _odometry.Measure(v * dt, w * dt);
                var bmid = _bheading + dth / 2;
                _bx += ds * Math.Cos(bmid);
                _by += ds * Math.Sin(bmid);
                _bheading = Math.IEEERemainder(_bheading + dth, 2 * Math.PI);
            }
        }
        Lift.Step(dt);
        Battery.Step(dt, distance);
        Probe.Step(dt, _time.GetUtcNow());
    }

    /// <summary>
    /// The range finder beside the probe: a horizontal ray from the probe centre, perpendicular to the
    /// true heading, to the probe's side; the distance to the first container face within range.
    /// </summary>
    private Length? MeasureWallDistance()
    {
        double h;
        lock (_gate) h = _heading;
        var side = _options.ProbeLateralOffsetM < 0 ? -1.0 : 1.0;
        var (s, c) = Math.SinCos(h);
        var direction = new Vec3(-s * side, c * side, 0);
        var d = Yard.RangeToContainer(ProbePosition, direction, _options.RangeFinderMaxM);
        return d is { } m ? Length.FromMeters(m) : null;
    }

    public void Dispose() => _timer.Dispose();
}
