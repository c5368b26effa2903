using Robot.Drivers.Abstractions;

namespace Robot.Simulator.Devices;

/// <summary>
/// Twin of a counting dose-rate probe. Each step draws Poisson counts for the true dose rate at the
/// probe (sensitivity in counts/s per µSv/h: 2"x2" NaI about 1400 at 662 keV, SNT0570.md), and the
/// display follows with an exponential response (the instrument's adaptive averaging).
/// </summary>
public sealed class SimDoseProbe : IDoseRateProbe
{
    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly Func<double> _trueDoseRate;
    private readonly TimeProvider _time;
    private double _display;
    private double _countWindow;
    private double _windowSeconds;
    private double _cps;
    private long _total;

    public SimDoseProbe(Func<double> trueDoseRateMicroSvPerHour, TimeProvider time, int seed, string model = "sim-NaI-2x2", double countsPerSecondPerMicroSvPerHour = 1400, double responseTimeS = 2.0)
    {
        _trueDoseRate = trueDoseRateMicroSvPerHour;
        _time = time;
        _random = new Random(seed);
        Model = model;
        Sensitivity = countsPerSecondPerMicroSvPerHour;
        ResponseTimeS = responseTimeS;
        _display = trueDoseRateMicroSvPerHour();
    }

    public string Model { get; }
    public double Sensitivity { get; }
    public double ResponseTimeS { get; }
    /// <summary>A scheduled fault, reported by the probe itself.</summary>
    public DetectorStatus ForcedStatus { get; set; } = DetectorStatus.Ok;

    public DoseRateReading Read()
    {
        lock (_gate)
        {
            return new DoseRateReading(_time.GetUtcNow(), _display, _cps, ForcedStatus, _total);
        }
    }

    internal void Step(double dt)
    {
        lock (_gate)
        {
            var counts = Poisson(_random, _trueDoseRate() * Sensitivity * dt);
            _countWindow += counts;
            _total += counts;
            _windowSeconds += dt;
            if (_windowSeconds >= 1.0)
            {
                _cps = _countWindow / _windowSeconds;
                _countWindow = 0;
                _windowSeconds = 0;
            }
            var instantaneous = counts / dt / Sensitivity;
            var alpha = 1 - Math.Exp(-dt / ResponseTimeS);
            _display += alpha * (instantaneous - _display);
        }
    }

    /// <summary>Poisson draw: Knuth's method for small means, a rounded normal above 30.</summary>
    public static long Poisson(Random random, double mean)
    {
        if (!(mean > 0)) return 0;
        if (mean < 30)
        {
            var limit = Math.Exp(-mean);
            var product = random.NextDouble();
            long k = 0;
            while (product > limit)
            {
                k++;
                product *= random.NextDouble();
            }
            return k;
        }
        // Box-Muller normal approximation N(mean, mean).
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Max(0, (long)Math.Round(mean + z * Math.Sqrt(mean)));
    }
}
