using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Measurement;
using Robot.Protocol.Extensions;

namespace Robot.Host.Procedure;

/// <summary>The background against which points are judged.</summary>
public sealed record BackgroundLevel(double DoseRateUSvPerH, double StandardErrorUSvPerH);

/// <summary>
/// Measures one point, fed one probe reading per control tick. Standard mode: N displayed readings
/// at a fixed interval, mean compared with background + limit. Sequential mode: Wald's SPRT on the
/// probe's counts, two tests at once (over the limit? raised at all?), truncated at MaxDwell where it
/// falls back to the fixed test on the counts gathered.
/// </summary>
public sealed class PointSampler
{
    private readonly MeasurementProfileOptions _profile;
    private readonly InstrumentInfo _instrument;
    private readonly BackgroundLevel? _background;
    private readonly bool _sequential;
    private readonly DateTimeOffset _start;
    private readonly List<RawReading> _readings = [];
    private readonly SequentialTest? _exceedsTest;
    private readonly SequentialTest? _anomalyTest;
    private readonly double _sensitivity;
    private long? _firstTotal;
    // The counting window opens at the first reading (where the count baseline is taken), not when
    // the point was set up: the first control tick comes some milliseconds later, and counting
    // that gap as time with no counts made the SPRT accept "below the limit" at once.
    private DateTimeOffset? _windowStart;
    private double _counts;
    private DateTimeOffset _nextSample;
    private DetectorStatus _worstStatus = DetectorStatus.Ok;
    private SequentialOutcome _exceedsOutcome;
    private SequentialOutcome _anomalyOutcome;

    public PointSampler(MeasurementProfileOptions profile, InstrumentInfo instrument, BackgroundLevel? background, string mode, DateTimeOffset start)
    {
        _profile = profile;
        _instrument = instrument;
        _background = background;
        _start = start;
        _nextSample = start;
        _sensitivity = instrument.CountsPerSecondPerUSvPerH ?? 0;
        _sequential = mode == "sequential" && background is not null && _sensitivity > 0;
        Mode = _sequential ? "sequential" : "standard";
        if (_sequential)
        {
            var bg = background!.DoseRateUSvPerH;
            var limit = profile.LimitUSvPerH;
            var d = profile.Sequential.IndifferenceFraction;
            double Rate(double dose) => Math.Max(1e-6, DoseCalculator.RawFor(instrument, dose) * _sensitivity);
            _exceedsTest = new SequentialTest(Rate(bg + limit * (1 - d)), Rate(bg + limit * (1 + d)), profile.Sequential.Alpha, profile.Sequential.Beta);
            _anomalyTest = new SequentialTest(Rate(Math.Max(bg, 1e-4)), Rate(Math.Max(bg, 1e-4) + profile.AnomalyMinRiseUSvPerH), profile.Sequential.AnomalyAlpha, profile.Sequential.AnomalyBeta);
        }
    }

    public string Mode { get; }
    public IReadOnlyList<RawReading> Readings => _readings;
    public bool Done { get; private set; }
    /// <summary>The probe reported a fault, saturation or silence during the point.</summary>
    public DetectorStatus WorstStatus => _worstStatus;
    public string Basis { get; private set; } = "";

    /// <summary>Feed one reading; returns the reading to journal when one was taken.</summary>
    public RawReading? Tick(DateTimeOffset now, DoseRateReading probe)
    {
        if (Done) return null;
        if (probe.Status != DetectorStatus.Ok && _worstStatus == DetectorStatus.Ok) _worstStatus = probe.Status;
        if (now < _nextSample) return null;
        _windowStart ??= now;
        RawReading reading;
        if (_sequential)
        {
            // One sample per second: counts from the probe's counter (or its count rate when it has none).
            var dt = _readings.Count == 0 ? 0 : 1.0;
            double counts;
            if (probe.TotalCounts is { } total)
            {
                _firstTotal ??= total;
                counts = total - _firstTotal.Value - _counts;
            }
            else
            {
                counts = (probe.CountsPerSecond ?? 0) * dt;
            }
            _counts += counts;
            var cps = dt > 0 ? counts / dt : probe.CountsPerSecond ?? 0;
            reading = new RawReading { T = now, RawUSvPerH = Math.Round(cps / _sensitivity, 6), Cps = Math.Round(cps, 3) };
            _readings.Add(reading);
            _nextSample = now.AddSeconds(1);
            var elapsed = (now - _windowStart.Value).TotalSeconds;
            if (elapsed > 0)
            {
                if (_exceedsOutcome == SequentialOutcome.Continue) _exceedsOutcome = _exceedsTest!.Decide(_counts, elapsed);
                if (_anomalyOutcome == SequentialOutcome.Continue) _anomalyOutcome = _anomalyTest!.Decide(_counts, elapsed);
                // The over-limit test decides the dwell; the "raised at all?" test reports what it has
                // decided by then, and an undecided one falls back to the fixed test on the counts.
                var decided = _exceedsOutcome != SequentialOutcome.Continue;
                if (decided || elapsed >= _profile.Sequential.MaxDwellS) Done = true;
            }
        }
        else
        {
            if (probe.TotalCounts is { } total)
            {
                _firstTotal ??= total;
                _counts = total - _firstTotal.Value;
            }
            reading = new RawReading { T = now, RawUSvPerH = Math.Round(probe.RawMicroSievertPerHour, 6), Cps = probe.CountsPerSecond is { } c ? Math.Round(c, 3) : null };
            _readings.Add(reading);
            _nextSample = now.AddSeconds(_profile.ReadingIntervalS);
            if (_readings.Count >= _profile.ReadingsPerPoint) Done = true;
        }
        return reading;
    }

    /// <summary>The point's result once Done. Suspect (over background + limit) is decided here; confirmation is the procedure's.</summary>
    public PointResult Result(string pointId, string face, double alongM, double heightM, MeasurementPose pose, string? kind, DateTimeOffset now)
    {
        double meanRaw, rawError;
        var elapsed = Math.Max(1e-9, (now - (_windowStart ?? _start)).TotalSeconds);
        if (_sequential)
        {
            meanRaw = _counts / elapsed / _sensitivity;
            rawError = Math.Sqrt(Math.Max(_counts, 1)) / elapsed / _sensitivity;
        }
        else
        {
            (meanRaw, rawError) = DoseCalculator.MeanAndError(_readings.Select(r => r.RawUSvPerH).ToList());
            if (double.IsNaN(rawError)) rawError = 0;
            // Displayed readings a few seconds apart are correlated (the display averages), so their
            // spread understates the error at low count rates: never claim better than counting statistics.
            if (_firstTotal is not null && _sensitivity > 0 && elapsed > 0)
            {
                rawError = Math.Max(rawError, CountingError(_counts, elapsed, _sensitivity));
            }
        }
        var dose = DoseCalculator.DoseRate(_instrument, meanRaw);
        var doseError = DoseCalculator.StandardError(_instrument, rawError);
        var bg = _background?.DoseRateUSvPerH ?? double.NaN;
        var net = dose - bg;
        string decision;
        if (_worstStatus != DetectorStatus.Ok || _background is null || !double.IsFinite(dose))
        {
            decision = PointDecisions.Invalid;
            Basis = _worstStatus != DetectorStatus.Ok ? $"detector reported {_worstStatus} during the point" : "no background";
        }
        else if (_sequential && _exceedsOutcome != SequentialOutcome.Continue)
        {
            var combined = Math.Sqrt(doseError * doseError + Math.Pow(_background.StandardErrorUSvPerH, 2));
            var raisedByCounts = net > Math.Max(_profile.AnomalyMinRiseUSvPerH, _profile.AnomalySigma * combined);
            decision = _exceedsOutcome == SequentialOutcome.AcceptHigh ? PointDecisions.Exceeds
                : (_anomalyOutcome == SequentialOutcome.AcceptHigh || (_anomalyOutcome == SequentialOutcome.Continue && raisedByCounts))
                    && net >= _profile.AnomalyMinRiseUSvPerH / 2 ? PointDecisions.Anomaly
                : PointDecisions.Clear;
            Basis = $"SPRT after {elapsed:0.#} s, {_counts:0} counts: over-limit test {Word(_exceedsOutcome)}, raised test {Word(_anomalyOutcome)}";
        }
        else
        {
            var combined = Math.Sqrt(doseError * doseError + Math.Pow(_background.StandardErrorUSvPerH, 2));
            var raised = net > Math.Max(_profile.AnomalyMinRiseUSvPerH, _profile.AnomalySigma * combined);
            decision = dose > bg + _profile.LimitUSvPerH ? PointDecisions.Exceeds : raised ? PointDecisions.Anomaly : PointDecisions.Clear;
            Basis = (_sequential ? $"SPRT undecided at {_profile.Sequential.MaxDwellS:0} s, fixed test on {_counts:0} counts: " : $"mean of {_readings.Count} readings: ")
                + $"H {dose:0.####} vs threshold {bg + _profile.LimitUSvPerH:0.####} µSv/h, net {net:0.####} ± {combined:0.####}";
        }
        return new PointResult
        {
            PointId = pointId,
            Face = face,
            AlongM = alongM,
            HeightM = heightM,
            Pose = pose,
            Readings = _readings.ToList(),
            MeanRawUSvPerH = Math.Round(meanRaw, 6),
            StandardErrorUSvPerH = Math.Round(doseError, 6),
            DoseRateUSvPerH = Math.Round(dose, 6),
            NetUSvPerH = Math.Round(net, 6),
            Decision = decision,
            Mode = Mode,
            DecisionBasis = Basis,
            DwellS = Math.Round(elapsed, 2),
            Kind = kind,
        };
    }

    /// <summary>Standard error of a mean count rate, in µSv/h: √N / (t S), with at least one count.</summary>
    public static double CountingError(double counts, double seconds, double sensitivity) => Math.Sqrt(Math.Max(counts, 1)) / seconds / sensitivity;

    private static string Word(SequentialOutcome o) => o switch
    {
        SequentialOutcome.AcceptHigh => "accepted high",
        SequentialOutcome.AcceptLow => "accepted low",
        _ => "undecided",
    };
}
