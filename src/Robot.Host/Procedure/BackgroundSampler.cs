using System.Globalization;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Measurement;
using Robot.Protocol.Extensions;

namespace Robot.Host.Procedure;

/// <summary>
/// Measures the background once the probe has settled at its spot, fed one probe reading per
/// control tick (SNT0570.md step 3). A baseline at the start, then one reading every IntervalS; at
/// least Readings of them, and more until the background's counting error is below
/// TargetStandardErrorUSvPerH (a low-sensitivity GM tube needs minutes where a NaI crystal needs
/// seconds: the length follows from what the probe counts, not from a hand-tuned figure), at most
/// MaxReadings. Then the steadiness test: for a counting probe, the chi-square dispersion of the
/// counts (or spectral dose) per interval against what Poisson statistics allow; only a probe with
/// no counter falls back to the (max − min) / mean spread of its displayed readings, a rule that
/// refuses most clean sites for a GM tube, whose display scatters about 37 % near 0.07 µSv/h.
/// </summary>
public sealed class BackgroundSampler
{
    private readonly BackgroundProfileOptions _options;
    private readonly InstrumentInfo _instrument;
    private readonly CountingWindow _window = new();
    private readonly List<RawReading> _readings = [];
    private readonly List<(double Value, double Variance)> _intervals = [];
    private DoseRateReading? _previous;
    private DateTimeOffset _next;
    private DoseConversion? _conversion;

    public BackgroundSampler(BackgroundProfileOptions options, InstrumentInfo instrument, DateTimeOffset start)
    {
        _options = options;
        _instrument = instrument;
        _next = start;
    }

    public bool Done { get; private set; }

    /// <summary>True once Done when the background was steady; otherwise <see cref="Refusal"/> says why.</summary>
    public bool Accepted { get; private set; }

    public string? Refusal { get; private set; }

    public IReadOnlyList<RawReading> Readings => _readings;

    /// <summary>Feed a reading (the caller checks the probe's status); returns the reading to journal when one was taken.</summary>
    public RawReading? Tick(DateTimeOffset now, DoseRateReading probe)
    {
        if (Done || now < _next) return null;
        _next = now.AddSeconds(_options.IntervalS);
        if (_previous is null)
        {
            // The baseline: counting starts here; nothing is displayed to record yet.
            _conversion = DoseConversion.For(_instrument, probe);
            _window.Add(probe);
            _previous = probe;
            return null;
        }
        _window.Add(probe);
        var reading = new RawReading { T = now, RawUSvPerH = Math.Round(probe.RawMicroSievertPerHour, 6), Cps = probe.CountsPerSecond is { } c ? Math.Round(c, 3) : null };
        _readings.Add(reading);
        var prev = _previous.Value;
        _intervals.Add(_conversion!.Basis switch
        {
            DoseBasis.Spectral => ((probe.AccumulatedDoseMicroSievert ?? 0) - (prev.AccumulatedDoseMicroSievert ?? 0),
                (probe.AccumulatedDoseVarianceMicroSievert2 ?? 0) - (prev.AccumulatedDoseVarianceMicroSievert2 ?? 0)),
            DoseBasis.ConservativeCounts or DoseBasis.CalibrationCounts => ((probe.TotalCounts ?? 0) - (prev.TotalCounts ?? 0), double.NaN),
            _ => (probe.RawMicroSievertPerHour, double.NaN),
        });
        _previous = probe;
        if (_readings.Count < _options.Readings) return reading;
        if (_conversion.Counting && _readings.Count < _options.MaxReadings && Estimate().RawStandardError * Scale > _options.TargetStandardErrorUSvPerH) return reading;
        Decide();
        return reading;
    }

    /// <summary>Raw µSv/h to dose µSv/h for the error target (H = k1 k2 R − k3 Hc).</summary>
    private double Scale => Math.Abs(_instrument.K1 * _instrument.K2);

    private RateEstimate Estimate() => _conversion!.Estimate(_window, null);

    /// <summary>The accepted background. Only valid when <see cref="Accepted"/>.</summary>
    public BackgroundResult Result(MeasurementPose pose, int attempts, DateTimeOffset now)
    {
        if (!Accepted) throw new InvalidOperationException("the background was not accepted");
        double raw, error;
        double? countRate = null;
        if (_conversion!.Counting)
        {
            var e = Estimate();
            (raw, error) = (e.RawUSvPerH, e.RawStandardError);
            if (_window.Counts is { } n && _window.Seconds > 0) countRate = n / _window.Seconds;
        }
        else
        {
            (raw, error) = DoseCalculator.MeanAndError(_readings.Select(r => r.RawUSvPerH).ToList());
            if (double.IsNaN(error)) error = 0;
        }
        return new BackgroundResult
        {
            Pose = pose,
            Readings = _readings.ToList(),
            MeanRawUSvPerH = Math.Round(raw, 6),
            StandardErrorUSvPerH = Math.Round(DoseCalculator.StandardError(_instrument, error), 6),
            DoseRateUSvPerH = Math.Round(DoseCalculator.DoseRate(_instrument, raw), 6),
            Attempts = attempts,
            MeasuredAt = now,
            CountRatePerS = countRate is { } r ? Math.Round(r, 4) : null,
            CountingS = Math.Round(_window.Seconds, 2),
            AcceptanceBasis = Basis,
        };
    }

    /// <summary>What the steadiness test found (for the record and the log).</summary>
    public string Basis { get; private set; } = "";

    private void Decide()
    {
        Done = true;
        if (!_conversion!.Counting)
        {
            var values = _intervals.Select(i => i.Value).ToList();
            var mean = values.Average();
            var variation = mean > 0 ? (values.Max() - values.Min()) / mean : double.PositiveInfinity;
            Basis = F($"{values.Count} displayed readings, spread (max − min) / mean {variation:P0} (limit {_options.MaxVariation:P0}; the probe has no counter for a counting-statistics test)");
            Accepted = variation <= _options.MaxVariation;
            if (!Accepted) Refusal = F($"variation {variation:P0} > {_options.MaxVariation:P0}");
            return;
        }
        var k = _intervals.Count;
        var mean2 = _intervals.Average(i => i.Value);
        // Under a steady background every interval (equal lengths) has the same expected value; its
        // variance is the mean count for a counter, the mean counting variance for a spectral dose.
        var variance = _conversion.Basis == DoseBasis.Spectral ? _intervals.Average(i => i.Variance) : mean2;
        if (!(mean2 > 0) || !(variance > 0))
        {
            Basis = F($"{k} intervals, nothing counted");
            Refusal = "the probe counted nothing over the background (silent detector?)";
            return;
        }
        var chi2 = _intervals.Sum(i => (i.Value - mean2) * (i.Value - mean2)) / variance;
        var p = ChiSquare.UpperTail(chi2, k - 1);
        var e = Estimate();
        Basis = F($"chi-square dispersion {chi2:0.##} on {k - 1} degrees of freedom, p = {p:0.####} (refused below {_options.StabilityAlpha}); {k} intervals over {_window.Seconds:0} s, {e.EffectiveCounts:0} {(_conversion.Basis == DoseBasis.Spectral ? "effective counts" : "counts")}, standard error {e.RawStandardError * Scale:0.#####} µSv/h");
        Accepted = p >= _options.StabilityAlpha;
        if (!Accepted) Refusal = F($"readings scatter beyond counting statistics (chi-square {chi2:0.#} on {k - 1} degrees of freedom, p = {p:0.#####} < {_options.StabilityAlpha})");
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
