using System.Device.Gpio;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Common;
using Robot.Drivers.Configuration;

namespace Robot.Drivers.SurfaceContamination;

/// <summary>
/// An alpha/beta surface-contamination probe with one pulse output per channel. Surface activity
/// per ISO 7503-1: A_s = (R_gross - R_background) / (ε_i · W), with ε_i the instrument efficiency
/// (counts per decay) and W the probe's sensitive area, in Bq/cm². Net rates below background
/// report zero activity, never a negative one.
/// </summary>
public sealed class SurfaceContaminationProbe : ISurfaceContaminationProbe, IDisposable
{
    private readonly WindowedPulseRate _alpha, _beta;
    private readonly SurfaceContaminationOptions _o;
    private readonly TimeProvider _time;

    public SurfaceContaminationProbe(GpioController gpio, SurfaceContaminationOptions options, TimeProvider time)
    {
        _o = options;
        _time = time;
        var window = TimeSpan.FromSeconds(options.WindowSeconds);
        _alpha = new WindowedPulseRate(gpio, options.AlphaPin, PinEventTypes.Rising, time, window);
        _beta = new WindowedPulseRate(gpio, options.BetaPin, PinEventTypes.Rising, time, window);
    }

    public string Model => _o.Model;

    public static double SurfaceActivity(double grossCps, double backgroundCps, double efficiency, double areaCm2) =>
        Math.Max(0, grossCps - backgroundCps) / (efficiency * areaCm2);

    public SurfaceContaminationReading Read()
    {
        var now = _time.GetUtcNow();
        if (_alpha.CountsPerSecond is not { } a || _beta.CountsPerSecond is not { } b)
            return new SurfaceContaminationReading(now, 0, 0, 0, 0, DetectorStatus.WarmingUp);
        return new SurfaceContaminationReading(now, a, b,
            SurfaceActivity(a, _o.AlphaBackgroundCps, _o.AlphaEfficiency, _o.ProbeAreaCm2),
            SurfaceActivity(b, _o.BetaBackgroundCps, _o.BetaEfficiency, _o.ProbeAreaCm2),
            DetectorStatus.Ok);
    }

    public void Dispose()
    {
        _alpha.Dispose();
        _beta.Dispose();
    }
}
