namespace Robot.Simulator.Physics;

/// <summary>
/// The natural background of the yard (SNT0570.md: 0.05 to 0.25 µSv/h at Chinese ports, Ningbo about
/// 0.07; slow drift of 10 to 20 % as rain washes out radon progeny; a loaded container lowers the
/// reading beside it by 5 to 30 %). Variation and drift default to off so the default yard is flat.
/// </summary>
public sealed class BackgroundOptions
{
    /// <summary>Mean background at an open spot, µSv/h.</summary>
    public double LevelMicroSvPerHour { get; set; } = 0.07;

    /// <summary>
    /// Share of the background that comes from the ground (the rest is cosmic and is not shielded by
    /// containers). 0.6: sea-level cosmic H*(10) is about 0.03 µSv/h of a 0.07 total.
    /// </summary>
    public double GroundFraction { get; set; } = 0.6;

    /// <summary>Largest relative deviation of the ground component across the yard (for example 0.1 for ±10 %). 0 = flat.</summary>
    public double SpatialVariation { get; set; }

    /// <summary>Typical length of the spatial variation, metres (wavelengths 1 to 3 times this).</summary>
    public double SpatialScaleM { get; set; } = 30;

    /// <summary>Largest relative deviation of the drift (0.05 to 0.1 gives the 10 to 20 % peak to peak of SNT0570.md). 0 = steady.</summary>
    public double DriftAmplitude { get; set; }

    /// <summary>Period of the main drift term, hours (a second term runs 2.37 times slower).</summary>
    public double DriftPeriodHours { get; set; } = 4;

    /// <summary>A port-like background: ±8 % spatial variation and ±7 % drift over hours.</summary>
    public static BackgroundOptions Realistic(double levelMicroSvPerHour) => new()
    {
        LevelMicroSvPerHour = levelMicroSvPerHour,
        SpatialVariation = 0.08,
        DriftAmplitude = 0.07,
    };

    internal void Validate()
    {
        if (!(LevelMicroSvPerHour >= 0 && LevelMicroSvPerHour < 1000)) throw new ArgumentOutOfRangeException(nameof(LevelMicroSvPerHour), LevelMicroSvPerHour, "background must be in [0, 1000) µSv/h");
        if (!(GroundFraction >= 0 && GroundFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(GroundFraction), GroundFraction, "must be in [0, 1]");
        if (!(SpatialVariation >= 0 && SpatialVariation < 1)) throw new ArgumentOutOfRangeException(nameof(SpatialVariation), SpatialVariation, "must be in [0, 1)");
        if (!(SpatialScaleM > 0)) throw new ArgumentOutOfRangeException(nameof(SpatialScaleM), SpatialScaleM, "must be positive");
        if (!(DriftAmplitude >= 0 && DriftAmplitude < 1)) throw new ArgumentOutOfRangeException(nameof(DriftAmplitude), DriftAmplitude, "must be in [0, 1)");
        if (!(DriftPeriodHours > 0)) throw new ArgumentOutOfRangeException(nameof(DriftPeriodHours), DriftPeriodHours, "must be positive");
    }
}

/// <summary>
/// The background as a function of place and time, deterministic from the seed: a sum of four
/// plane waves with random directions and phases for the spatial part (weights sum to one, so the
/// deviation never exceeds <see cref="BackgroundOptions.SpatialVariation"/>), two incommensurate
/// sines for the drift.
/// </summary>
public sealed class BackgroundModel
{
    private const int Waves = 4;
    private readonly BackgroundOptions _o;
    private readonly double[] _kx = new double[Waves], _ky = new double[Waves], _phase = new double[Waves], _weight = new double[Waves];
    private readonly double _omega1, _omega2, _phi1, _phi2;

    public BackgroundModel(BackgroundOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _o = options;
        var random = new Random(unchecked(seed * 7919 + 17));
        var sum = 0.0;
        for (var i = 0; i < Waves; i++)
        {
            var direction = random.NextDouble() * 2 * Math.PI;
            var wavelength = options.SpatialScaleM * (1 + 2 * random.NextDouble());
            var k = 2 * Math.PI / wavelength;
            _kx[i] = k * Math.Cos(direction);
            _ky[i] = k * Math.Sin(direction);
            _phase[i] = random.NextDouble() * 2 * Math.PI;
            _weight[i] = 0.5 + random.NextDouble();
            sum += _weight[i];
        }
        for (var i = 0; i < Waves; i++) _weight[i] /= sum;
        var period = options.DriftPeriodHours * 3600 * (0.8 + 0.4 * random.NextDouble());
        _omega1 = 2 * Math.PI / period;
        _omega2 = _omega1 / 2.37;
        _phi1 = random.NextDouble() * 2 * Math.PI;
        _phi2 = random.NextDouble() * 2 * Math.PI;
    }

    public BackgroundOptions Options => _o;

    /// <summary>Relative drift factor at t seconds after the yard's epoch.</summary>
    public double Drift(double tSeconds) => _o.DriftAmplitude == 0 ? 1
        : 1 + _o.DriftAmplitude * (0.7 * Math.Sin(_omega1 * tSeconds + _phi1) + 0.3 * Math.Sin(_omega2 * tSeconds + _phi2));

    /// <summary>Relative spatial factor of the ground component at (x, y).</summary>
    public double Spatial(double x, double y)
    {
        if (_o.SpatialVariation == 0) return 1;
        var s = 0.0;
        for (var i = 0; i < Waves; i++) s += _weight[i] * Math.Cos(_kx[i] * x + _ky[i] * y + _phase[i]);
        return 1 + _o.SpatialVariation * s;
    }

    /// <summary>
    /// Background H*(10) in µSv/h at a point and time; <paramref name="groundVisible"/> is the share of
    /// the ground component not shadowed by containers (1 in the open).
    /// </summary>
    public double At(Vec3 p, double tSeconds, double groundVisible) =>
        _o.LevelMicroSvPerHour * Drift(tSeconds) * (1 - _o.GroundFraction + _o.GroundFraction * Spatial(p.X, p.Y) * groundVisible);
}
