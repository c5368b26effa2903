using Robot.Drivers.Abstractions;
using Robot.Simulator.Physics;

namespace Robot.Simulator.Devices;

/// <summary>Faults a scenario can give the detector.</summary>
public enum DetectorFault
{
    None,
    /// <summary>The display and count rate freeze at their last values.</summary>
    Stuck,
    /// <summary>No counts at all (a broken tube, a dead photomultiplier or cable): the display falls to zero.</summary>
    Silent,
    /// <summary>The display pins at the top of the range.</summary>
    Saturated,
}

/// <summary>
/// A fault from <see cref="From"/> until <see cref="Until"/> (open-ended when null). When
/// <see cref="SelfReported"/>, the probe says so in its status (Stuck as Fault, Silent as Silent,
/// Saturated as Saturated); otherwise the status stays Ok and only the readings show it.
/// </summary>
public sealed record ScheduledDetectorFault(DetectorFault Fault, DateTimeOffset From, DateTimeOffset? Until = null, bool SelfReported = true)
{
    public bool IsActiveAt(DateTimeOffset time) => time >= From && (Until is null || time < Until);
}

/// <summary>
/// Twin of a counting dose-rate probe in the simulated yard. Each step it takes the true dose rate
/// per dose group at the probe's position from the field, draws Poisson counts with the detector's
/// energy-dependent sensitivity and the non-paralysable dead-time loss m = n / (1 + n τ), and
/// averages them into the display (<see cref="DisplayResponse"/>). Faults can be set now or
/// scheduled on the clock.
/// </summary>
public sealed class SimDoseProbe : IDoseRateProbe
{
    private readonly Lock _gate = new();
    private readonly Random _random;
    private readonly IDoseField _field;
    private readonly Func<Vec3> _position;
    private readonly TimeProvider _time;
    private readonly double[] _sensitivity = new double[NuclideData.GroupCount];
    private readonly double[] _weight = new double[NuclideData.GroupCount];
    private readonly double[] _groups = new double[NuclideData.GroupCount];
    private readonly DisplayFilter _display;
    private readonly List<ScheduledDetectorFault> _faults = [];
    private double _countWindow, _windowSeconds, _cps;
    private double _trueDose, _trueCps;
    private double _displayShown;
    private long _total;
    // Spectrum-weighted dose since start (µSv, before calibration) and its counting variance (µSv²):
    // only a probe that weights counts by energy (DetectorModel.SpectralDose) reports them.
    private double _accumulatedDose, _accumulatedDoseVariance;

    public SimDoseProbe(DetectorModel detector, IDoseField field, Func<Vec3> position, TimeProvider time, int seed)
    {
        ArgumentNullException.ThrowIfNull(detector);
        ArgumentNullException.ThrowIfNull(field);
        ArgumentNullException.ThrowIfNull(position);
        Detector = detector;
        _field = field;
        _position = position;
        _time = time;
        _random = new Random(seed);
        for (var g = 0; g < NuclideData.GroupCount; g++)
        {
            _sensitivity[g] = g == NuclideData.BackgroundGroup ? detector.CalibrationSensitivity : detector.SensitivityAt(NuclideData.GroupEnergyKeV(g));
            _weight[g] = 1 / (detector.SpectralDose ? _sensitivity[g] : detector.CalibrationSensitivity);
        }
        _display = new DisplayFilter(detector.Display);
        ResetDisplay();
    }

    public DetectorModel Detector { get; }

    public string Model => Detector.Model;

    /// <summary>A status the probe reports whatever else happens (kept from the first twin; faults are richer).</summary>
    public DetectorStatus ForcedStatus { get; set; } = DetectorStatus.Ok;

    /// <summary>The true H*(10) rate at the probe centre at the last step, µSv/h.</summary>
    public double TrueDoseRate { get { lock (_gate) return _trueDose; } }

    /// <summary>The true count rate before dead time at the last step, counts/s.</summary>
    public double TrueCountRate { get { lock (_gate) return _trueCps; } }

    /// <summary>The display's current averaging time constant, seconds.</summary>
    public double DisplayTimeConstantS { get { lock (_gate) return _display.TimeConstantS; } }

    /// <summary>The fault in force now, if any.</summary>
    public DetectorFault ActiveFault { get { lock (_gate) return Active(_time.GetUtcNow())?.Fault ?? DetectorFault.None; } }

    /// <summary>A fault from now on, until cleared.</summary>
    public void InjectFault(DetectorFault fault, bool selfReported = true) =>
        ScheduleFault(new ScheduledDetectorFault(fault, _time.GetUtcNow(), null, selfReported));

    public void ScheduleFault(ScheduledDetectorFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        if (fault.Until is { } until && until <= fault.From) throw new ArgumentException("a fault must end after it starts", nameof(fault));
        lock (_gate) _faults.Add(fault);
    }

    public void ClearFaults()
    {
        lock (_gate) _faults.Clear();
    }

    /// <summary>Put the display where a long settle would have brought it at the current position (for scenario set-up).</summary>
    public void ResetDisplay()
    {
        lock (_gate)
        {
            Sample();
            var live = LiveFraction(_trueCps);
            var dose = 0.0;
            for (var g = 0; g < NuclideData.GroupCount; g++) dose += _groups[g] * _sensitivity[g] * live * _weight[g];
            _display.Reset(dose, _trueCps * live);
            _displayShown = Shown();
            _cps = _trueCps * live;
            _countWindow = _windowSeconds = 0;
        }
    }

    public DoseRateReading Read()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var fault = Active(now);
            var overRange = _trueDose > Detector.MaxMicroSvPerHour;
            var status = ForcedStatus;
            if (status == DetectorStatus.Ok && fault is { SelfReported: true })
            {
                status = fault.Fault switch
                {
                    DetectorFault.Stuck => DetectorStatus.Fault,
                    DetectorFault.Silent => DetectorStatus.Silent,
                    DetectorFault.Saturated => DetectorStatus.Saturated,
                    _ => DetectorStatus.Ok,
                };
            }
            if (status == DetectorStatus.Ok && overRange && fault?.Fault != DetectorFault.Stuck) status = DetectorStatus.Saturated;
            var display = fault?.Fault == DetectorFault.Saturated || (overRange && fault?.Fault != DetectorFault.Stuck)
                ? Detector.MaxMicroSvPerHour
                : _displayShown;
            return Detector.SpectralDose
                ? new DoseRateReading(now, display, _cps, status, _total, _accumulatedDose, _accumulatedDoseVariance)
                : new DoseRateReading(now, display, _cps, status, _total);
        }
    }

    internal void Step(double dt) => Step(dt, _time.GetUtcNow());

    /// <summary>One step of <paramref name="dt"/> seconds ending at <paramref name="now"/> (the world reads its clock once per step).</summary>
    internal void Step(double dt, DateTimeOffset now)
    {
        if (!(dt > 0)) return;
        lock (_gate)
        {
            Sample(now);
            var fault = _faults.Count == 0 ? DetectorFault.None : Active(now)?.Fault ?? DetectorFault.None;
            if (fault == DetectorFault.Stuck) return;
            var live = LiveFraction(_trueCps);
            long counts = 0;
            var doseSeconds = 0.0;
            if (fault != DetectorFault.Silent)
            {
                for (var g = 0; g < NuclideData.GroupCount; g++)
                {
                    if (_groups[g] <= 0) continue;
                    var c = Poisson.Sample(_random, _groups[g] * _sensitivity[g] * live * dt);
                    counts += c;
                    doseSeconds += c * _weight[g];
                    // One count stands for weight/3600 µSv (weight in µSv/h per count/s).
                    // The instrument corrects its dead-time loss as its display does.
                    var perCount = _weight[g] / 3600 / (Detector.DeadTimeCorrected ? live : 1);
                    _accumulatedDose += c * perCount;
                    _accumulatedDoseVariance += c * perCount * perCount;
                }
            }
            _display.Update(counts, doseSeconds, dt);
            _displayShown = Shown();
            _countWindow += counts;
            _total += counts;
            _windowSeconds += dt;
            if (_windowSeconds >= 1.0 - 1e-9)
            {
                _cps = _countWindow / _windowSeconds;
                _countWindow = 0;
                _windowSeconds = 0;
            }
        }
    }

    /// <summary>The display after the instrument's own dead-time correction m / (1 - m τ) of its running rate.</summary>
    private double Shown()
    {
        if (!Detector.DeadTimeCorrected || Detector.DeadTimeS == 0) return _display.Dose;
        var mt = Math.Min(_display.Rate * Detector.DeadTimeS, 0.99);
        return _display.Dose / (1 - mt);
    }

    private double LiveFraction(double trueCps) => 1 / (1 + trueCps * Detector.DeadTimeS);

    private void Sample() => Sample(_time.GetUtcNow());

    private void Sample(DateTimeOffset now)
    {
        _field.Evaluate(_position(), _groups, now);
        double dose = 0, cps = 0;
        for (var g = 0; g < NuclideData.GroupCount; g++)
        {
            dose += _groups[g];
            cps += _groups[g] * _sensitivity[g];
        }
        _trueDose = dose;
        _trueCps = cps;
    }

    private ScheduledDetectorFault? Active(DateTimeOffset now)
    {
        ScheduledDetectorFault? active = null;
        foreach (var f in _faults)
        {
            if (f.IsActiveAt(now)) active = f;
        }
        return active;
    }
}
