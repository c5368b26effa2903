namespace Robot.Simulator.Physics;

/// <summary>
/// Odometry error on uneven ground: the pose the robot believes drifts from the true pose. A
/// systematic scale error (wheel radius, tyre load) plus random walks in distance and heading that
/// grow with the square root of the distance driven. All zero by default: the believed pose is then
/// exactly the true pose.
/// </summary>
public sealed class OdometryErrorOptions
{
    /// <summary>Systematic relative error of the distance (0.01 = the robot believes it drove 1 % further).</summary>
    public double ScaleError { get; set; }

    /// <summary>Random distance error, metres per √metre driven (0.005 is a typical wheeled robot on paving).</summary>
    public double DistanceNoisePerSqrtM { get; set; }

    /// <summary>Random heading error, radians per √metre driven (0.005 is about 0.3° after a metre).</summary>
    public double HeadingNoisePerSqrtM { get; set; }

    public bool IsZero => ScaleError == 0 && DistanceNoisePerSqrtM == 0 && HeadingNoisePerSqrtM == 0;

    internal void Validate()
    {
        if (!(Math.Abs(ScaleError) < 0.5)) throw new ArgumentOutOfRangeException(nameof(ScaleError), ScaleError, "must be within ±0.5");
        if (!(DistanceNoisePerSqrtM >= 0 && DistanceNoisePerSqrtM < 1)) throw new ArgumentOutOfRangeException(nameof(DistanceNoisePerSqrtM), DistanceNoisePerSqrtM, "must be in [0, 1)");
        if (!(HeadingNoisePerSqrtM >= 0 && HeadingNoisePerSqrtM < 1)) throw new ArgumentOutOfRangeException(nameof(HeadingNoisePerSqrtM), HeadingNoisePerSqrtM, "must be in [0, 1)");
    }
}

/// <summary>Turns the true motion of one step into what the odometry measures, deterministically from a seed.</summary>
internal sealed class OdometryModel
{
    private readonly OdometryErrorOptions _o;
    private readonly Random _random;

    public OdometryModel(OdometryErrorOptions options, int seed)
    {
        options.Validate();
        _o = options;
        _random = new Random(unchecked(seed * 31 + 101));
    }

    public bool IsExact => _o.IsZero;

    /// <summary>The measured distance and heading change of a step whose true values are given.</summary>
    public (double Distance, double Turn) Measure(double distance, double turn)
    {
        if (_o.IsZero || distance == 0) return (distance, turn);
        var root = Math.Sqrt(Math.Abs(distance));
        var measuredDistance = distance * (1 + _o.ScaleError) + _o.DistanceNoisePerSqrtM * root * Gaussian();
        var measuredTurn = turn + _o.HeadingNoisePerSqrtM * root * Gaussian();
        return (measuredDistance, measuredTurn);
    }

    private double Gaussian()
    {
        var u1 = 1.0 - _random.NextDouble();
        var u2 = _random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
