using System.Globalization;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Measurement;
using Robot.Protocol.Extensions;

namespace Robot.Host.Procedure;

/// <summary>
/// Measures one point, fed one probe reading per control tick. Both modes judge the same dose
/// estimate (<see cref="DoseConversion"/>: the probe's spectrum-weighted dose, or counts converted so
/// that no energy is under-read), taken from the probe's running totals over the counting window.
/// Standard mode: N readings at a fixed interval (more for a slow probe, until the dose's standard
/// error at the threshold is PointTargetStandardErrorUSvPerH), mean compared with background + limit.
/// Sequential mode: Wald's SPRT on the window's (effective) counts between the two edges of the
/// indifference band, truncated as soon as the fixed test on the counts gathered keeps the same
/// error rates (or at MaxDwellS); a point found raised is then counted again in a fresh window so
/// its reported dose is not biased by the early stop. A probe without a counter is read from its
/// display and measured in standard mode.
/// </summary>
public sealed class PointSampler
{
    private readonly MeasurementProfileOptions _profile;
    private readonly InstrumentInfo _instrument;
    private readonly BackgroundLevel? _background;
    private readonly bool _sequentialRequested;
    private readonly bool _locateOnly;
    private readonly List<RawReading> _readings = [];
    private readonly CountingWindow _window = new();
    private readonly CountingWindow _reportWindow = new();
    private DoseConversion? _conversion;
    private bool _sequential;
    private bool _reporting;
    private int _readingsWanted;
    private DateTimeOffset _nextSample;
    private DetectorStatus _worstStatus = DetectorStatus.Ok;
    private SequentialOutcome _exceedsOutcome;
    private SequentialOutcome _anomalyOutcome;
    private string _decisionNote = "";
    private double _decisionSeconds;

    /// <param name="locateOnly">
    /// A refinement point only compares its neighbours to find where a raised area peaks; it decides
    /// nothing (the hot spot's own point does), so in standard mode it takes the profile's
    /// ReadingsPerPoint without the extension a slow probe needs for a decision.
    /// </param>
    public PointSampler(MeasurementProfileOptions profile, InstrumentInfo instrument, BackgroundLevel? background, string mode, DateTimeOffset start, bool locateOnly = false)
    {
        _locateOnly = locateOnly;
        _profile = profile;
        _instrument = instrument;
        _background = background;
        _nextSample = start;
        _sequentialRequested = mode == "sequential" && background is not null;
        Mode = _sequentialRequested ? "sequential" : "standard";
    }

    /// <summary>standard or sequential; known for certain after the first reading (a probe without a counter cannot run the sequential test).</summary>
    public string Mode { get; private set; }
    public IReadOnlyList<RawReading> Readings => _readings;
    public bool Done { get; private set; }
    /// <summary>The probe reported a fault, saturation or silence during the point.</summary>
    public DetectorStatus WorstStatus => _worstStatus;
    public string Basis { get; private set; } = "";
    public DoseConversion? Conversion => _conversion;

    /// <summary>Each test's β: EXCEEDS needs a test and its re-measurement to agree, so each misses at half the profile's rate.</summary>
    private double TestBeta => _profile.RemeasureSuspect ? _profile.Sequential.Beta / 2 : _profile.Sequential.Beta;

    private double RawPerDose => 1 / Math.Abs(_instrument.K1 * _instrument.K2);

    /// <summary>Feed one reading; returns the reading to journal when one was taken.</summary>
    public RawReading? Tick(DateTimeOffset now, DoseRateReading probe)
    {
        if (Done) return null;
        if (probe.Status != DetectorStatus.Ok && _worstStatus == DetectorStatus.Ok) _worstStatus = probe.Status;
        if (now < _nextSample) return null;
        if (_conversion is null) Begin(probe);
        var reading = new RawReading { T = now, RawUSvPerH = Math.Round(probe.RawMicroSievertPerHour, 6), Cps = probe.CountsPerSecond is { } c ? Math.Round(c, 3) : null };
        _readings.Add(reading);
        _window.Add(probe);
        if (_sequential)
        {
            _nextSample = now.AddSeconds(_profile.Sequential.SampleIntervalS);
            if (_reporting) ReportStep(probe);
            else DecideStep(probe);
        }
        else
        {
            _nextSample = now.AddSeconds(_profile.ReadingIntervalS);
            if (_readings.Count >= _readingsWanted) Done = true;
        }
        return reading;
    }

    private void Begin(DoseRateReading probe)
    {
        _conversion = DoseConversion.For(_instrument, probe);
        _sequential = _sequentialRequested && _conversion.Counting;
        Mode = _sequential ? "sequential" : "standard";
        _readingsWanted = _profile.ReadingsPerPoint;
        if (!_sequential && !_locateOnly && _conversion.Counting && _background is not null)
        {
            // Count long enough for the target error at the threshold: σ² = h / (S t) in raw µSv/h.
            var sensitivity = _conversion.Basis == DoseBasis.Spectral ? _conversion.CalibrationSensitivity : _conversion.RiseSensitivity;
            var thresholdRaw = _background.RawUSvPerH + _profile.LimitUSvPerH * RawPerDose;
            var targetRaw = _profile.PointTargetStandardErrorUSvPerH * RawPerDose;
            if (sensitivity > 0 && thresholdRaw > 0)
            {
                var seconds = thresholdRaw / (sensitivity * targetRaw * targetRaw);
                _readingsWanted = Math.Clamp(1 + (int)Math.Ceiling(seconds / _profile.ReadingIntervalS), _profile.ReadingsPerPoint, _profile.MaxReadingsPerPoint);
            }
        }
    }

    private void DecideStep(DoseRateReading probe)
    {
        var t = _window.Seconds;
        if (t <= 0 || t + 1e-9 < _profile.Sequential.MinDwellS) return;
        var bg = _background!;
        var limitRaw = _profile.LimitUSvPerH * RawPerDose;
        var d = _profile.Sequential.IndifferenceFraction;
        var alpha = _profile.Sequential.Alpha;
        var beta = TestBeta;
        var (n, r0, r1) = _conversion!.PoissonEquivalent(_window, bg, bg.RawUSvPerH + limitRaw * (1 - d), bg.RawUSvPerH + limitRaw * (1 + d));
        var lambda = SequentialTest.LogLikelihoodRatio(n, t, r0, r1);
        if (_exceedsOutcome == SequentialOutcome.Continue)
        {
            _exceedsOutcome = SequentialTest.Decide(lambda, alpha, beta);
            if (_exceedsOutcome != SequentialOutcome.Continue)
            {
                _decisionNote = F($"SPRT {Word(_exceedsOutcome)} after {t:0.#} s, {n:0} {(_conversion.Basis == DoseBasis.Spectral ? "effective counts" : "counts")} (α {alpha}, β {beta} per test)");
            }
            else
            {
                // Truncation: once the fixed test at Λ = 0 keeps both error rates by itself, more counting buys nothing.
                var (fixedAlpha, fixedBeta) = SequentialTest.FixedTestErrors(t, r0, r1);
                var timeUp = t >= _profile.Sequential.MaxDwellS;
                if ((fixedAlpha <= alpha && fixedBeta <= beta) || timeUp)
                {
                    _exceedsOutcome = lambda > 0 ? SequentialOutcome.AcceptHigh : SequentialOutcome.AcceptLow;
                    _decisionNote = F($"SPRT truncated after {t:0.#} s, {n:0} counts: fixed test {Word(_exceedsOutcome)} (its error rates here α {fixedAlpha:0.#####}, β {fixedBeta:0.#####}{(timeUp ? ", at the longest dwell" : "")})");
                }
            }
        }
        // "Raised at all?" between background and background + the smallest rise worth reporting.
        if (_anomalyOutcome == SequentialOutcome.Continue)
        {
            var (na, a0, a1) = _conversion.PoissonEquivalent(_window, bg, bg.RawUSvPerH, bg.RawUSvPerH + _profile.AnomalyMinRiseUSvPerH * RawPerDose);
            var la = SequentialTest.LogLikelihoodRatio(na, t, a0, a1);
            _anomalyOutcome = SequentialTest.Decide(la, _profile.Sequential.AnomalyAlpha, _profile.Sequential.AnomalyBeta);
        }
        if (_exceedsOutcome == SequentialOutcome.Continue) return;
        _decisionSeconds = t;
        if (_exceedsOutcome == SequentialOutcome.AcceptHigh || _anomalyOutcome == SequentialOutcome.AcceptHigh || Raised(_conversion.Estimate(_window, bg)))
        {
            // A fresh window for the reported dose: the counts that made the decision are biased towards it.
            _reporting = true;
            _reportWindow.Add(probe);
            return;
        }
        Done = true;
    }

    private void ReportStep(DoseRateReading probe)
    {
        _reportWindow.Add(probe);
        var e = _conversion!.Estimate(_reportWindow, _background);
        var net = e.RawUSvPerH - _background!.RawUSvPerH;
        var relative = e.RawStandardError / Math.Max(Math.Abs(e.RawUSvPerH), 1e-12);
        // The relative error of the dose, or of the rise when the rise is what stands out.
        if (_reportWindow.Seconds + 1e-9 >= _profile.Sequential.MinDwellS && (relative <= _profile.Sequential.ReportRelativeError || e.RawStandardError <= _profile.Sequential.ReportRelativeError * Math.Abs(net)))
        {
            Done = true;
        }
        if (_reportWindow.Seconds >= _profile.Sequential.ReportWindowMaxS) Done = true;
    }

    /// <summary>The fixed "raised at all?" rule: net over max(AnomalyMinRise, AnomalySigma × combined error).</summary>
    private bool Raised(RateEstimate e)
    {
        var bg = _background!;
        var dose = DoseCalculator.DoseRate(_instrument, e.RawUSvPerH);
        var error = DoseCalculator.StandardError(_instrument, e.RawStandardError);
        var combined = Math.Sqrt(error * error + bg.StandardErrorUSvPerH * bg.StandardErrorUSvPerH);
        return dose - bg.DoseRateUSvPerH > Math.Max(_profile.AnomalyMinRiseUSvPerH, _profile.AnomalySigma * combined);
    }

    /// <summary>The point's result once Done. Suspect (over background + limit) is decided here; confirmation is the procedure's.</summary>
    public PointResult Result(string pointId, string face, double alongM, double heightM, MeasurementPose pose, string? kind, DateTimeOffset now)
    {
        double meanRaw, rawError;
        var conversion = _conversion ?? DoseConversion.For(_instrument, default);
        var dwell = _window.Seconds;
        var reportedFromFreshWindow = _sequential && _reporting && _reportWindow.Seconds > 0;
        if (conversion.Counting)
        {
            var e = conversion.Estimate(reportedFromFreshWindow ? _reportWindow : _window, _background);
            (meanRaw, rawError) = (e.RawUSvPerH, e.RawStandardError);
        }
        else
        {
            (meanRaw, rawError) = DoseCalculator.MeanAndError(_readings.Select(r => r.RawUSvPerH).ToList());
            if (double.IsNaN(rawError)) rawError = 0;
        }
        var dose = DoseCalculator.DoseRate(_instrument, meanRaw);
        var doseError = DoseCalculator.StandardError(_instrument, rawError);
        var bg = _background?.DoseRateUSvPerH ?? double.NaN;
        var net = dose - bg;
        var combined = Math.Sqrt(doseError * doseError + Math.Pow(_background?.StandardErrorUSvPerH ?? 0, 2));
        var threshold = bg + _profile.LimitUSvPerH;
        string decision;
        if (_worstStatus != DetectorStatus.Ok || _background is null || !double.IsFinite(dose) || !Done)
        {
            decision = PointDecisions.Invalid;
            Basis = _worstStatus != DetectorStatus.Ok ? $"detector reported {_worstStatus} during the point"
                : _background is null ? "no background" : !Done ? "the measurement did not finish" : "no dose could be computed";
        }
        else if (ImplausiblyFewCounts() is { } chance)
        {
            // A container shields part of the ground's radiation (5 to 30 %), never most of it, and
            // the cosmic part not at all: a point that counts far less than half the background is a
            // probe that stopped counting without saying so, not a clean wall.
            decision = PointDecisions.Invalid;
            Basis = F($"{_window.Counts} counts in {_window.Seconds:0.#} s where even {_profile.ImplausiblyLowFraction:P0} of the background ({_background!.CountRatePerS:0.###} counts/s) gives fewer with probability {chance:0.#e0}: is the detector counting?");
        }
        else if (_sequential)
        {
            var raised = _anomalyOutcome == SequentialOutcome.AcceptHigh || Raised(conversion.Estimate(_window, _background));
            decision = _exceedsOutcome == SequentialOutcome.AcceptHigh ? PointDecisions.Exceeds
                : raised ? PointDecisions.Anomaly
                : PointDecisions.Clear;
            Basis = _decisionNote + F($"; raised test {Word(_anomalyOutcome)}; ")
                + (reportedFromFreshWindow ? F($"dose over a fresh {_reportWindow.Seconds:0.#} s window after the decision: ") : F($"dose over the decision window: "))
                + F($"H {dose:0.####} ± {doseError:0.####} vs threshold {threshold:0.####} µSv/h, net {net:0.####} ± {combined:0.####}");
            dwell = _decisionSeconds + (reportedFromFreshWindow ? _reportWindow.Seconds : 0);
        }
        else
        {
            var raised = net > Math.Max(_profile.AnomalyMinRiseUSvPerH, _profile.AnomalySigma * combined);
            decision = dose > threshold ? PointDecisions.Exceeds : raised ? PointDecisions.Anomaly : PointDecisions.Clear;
            Basis = (conversion.Counting ? F($"counted {dwell:0.#} s over {_readings.Count} readings: ") : F($"mean of {_readings.Count} displayed readings: "))
                + F($"H {dose:0.####} ± {doseError:0.####} vs threshold {threshold:0.####} µSv/h, net {net:0.####} ± {combined:0.####}");
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
            DwellS = Math.Round(dwell, 2),
            Kind = kind,
        };
    }

    /// <summary>
    /// The Poisson chance of counting this little at ImplausiblyLowFraction of the background's count
    /// rate, when it is below one in a million (P(N ≤ n | μ) = Q(n + 1, μ)); null otherwise or when the
    /// probe or the background has no counter.
    /// </summary>
    private double? ImplausiblyFewCounts()
    {
        if (_background?.CountRatePerS is not { } rate || _window.Counts is not { } n || _window.Seconds <= 0) return null;
        var expected = _profile.ImplausiblyLowFraction * rate * _window.Seconds;
        var chance = ChiSquare.UpperRegularizedGamma(n + 1, expected);
        return chance < 1e-6 ? chance : null;
    }

    private static string Word(SequentialOutcome o) => o switch
    {
        SequentialOutcome.AcceptHigh => "accepted high",
        SequentialOutcome.AcceptLow => "accepted low",
        _ => "undecided",
    };

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
