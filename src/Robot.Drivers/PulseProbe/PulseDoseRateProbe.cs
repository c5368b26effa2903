using System.Device.Gpio;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Common;
using Robot.Drivers.Configuration;

namespace Robot.Drivers.PulseProbe;

/// <summary>
/// A pulse-output dose-rate probe (GM tube or scintillator with TTL pulses) counted on GPIO edges.
/// Each window's measured rate m is corrected for dead time τ with the non-paralysable model
/// n = m / (1 - m·τ), then divided by the calibration (cps per µSv/h).
/// </summary>
public sealed class PulseDoseRateProbe : IDoseRateProbe, IDisposable
{
    private readonly WindowedPulseRate _counter;
    private readonly PulseProbeOptions _o;
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _started;

    public PulseDoseRateProbe(GpioController gpio, PulseProbeOptions options, TimeProvider time)
    {
        _o = options;
        _time = time;
        _started = time.GetUtcNow();
        _counter = new WindowedPulseRate(gpio, options.Pin, PinEventTypes.Rising, time, TimeSpan.FromSeconds(options.WindowSeconds));
    }

    public string Model => _o.Model;

    /// <summary>The dead-time corrected rate, or null when the measured rate is at or past 1/τ (no true rate fits).</summary>
    public static double? CorrectDeadTime(double measuredCps, double deadTimeSeconds)
    {
        var loss = measuredCps * deadTimeSeconds;
        return loss >= 1 ? null : measuredCps / (1 - loss);
    }

    public DoseRateReading Read()
    {
        var now = _time.GetUtcNow();
        if (_counter.CountsPerSecond is not { } measured) return new DoseRateReading(now, 0, null, DetectorStatus.WarmingUp);
        var tau = _o.DeadTimeMicroseconds * 1e-6;
        var lastPulse = _counter.LastPulse ?? _started;
        if (measured == 0 && now - lastPulse >= TimeSpan.FromSeconds(_o.SilentAfterSeconds))
            return new DoseRateReading(now, 0, 0, DetectorStatus.Silent);
        if (CorrectDeadTime(measured, tau) is not { } trueCps || measured * tau > _o.SaturationLossFraction)
            return new DoseRateReading(now, CorrectDeadTime(measured, tau) is { } c ? c / _o.CpsPerMicroSievertPerHour : 0, measured, DetectorStatus.Saturated);
        return new DoseRateReading(now, trueCps / _o.CpsPerMicroSievertPerHour, trueCps, DetectorStatus.Ok);
    }

    public void Dispose() => _counter.Dispose();
}
