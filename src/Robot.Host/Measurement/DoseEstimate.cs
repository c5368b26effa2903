using Robot.Drivers.Abstractions;
using Robot.Protocol.Extensions;

namespace Robot.Host.Measurement;

/// <summary>How a probe's output becomes a dose rate (in the instrument's raw µSv/h, before k1, k2, k3).</summary>
public enum DoseBasis
{
    /// <summary>The probe weights every count by its energy (G(E)): right at every energy.</summary>
    Spectral,
    /// <summary>Counts divided by the probe's lowest counts per µSv/h over 50 keV to 3 MeV: never under-reads a rise.</summary>
    ConservativeCounts,
    /// <summary>Counts divided by the calibration-energy sensitivity: the instrument record gives no lowest figure.</summary>
    CalibrationCounts,
    /// <summary>No counter: the mean of displayed readings.</summary>
    Display,
}

/// <summary>
/// What the probe counted between the first reading of a window and the latest one: counts and, for a
/// spectral probe, the spectrum-weighted dose and its counting variance. Differences of the probe's
/// running totals, so they do not depend on the display's averaging or on when the ticks came.
/// </summary>
public sealed class CountingWindow
{
    private DoseRateReading? _first;
    private DoseRateReading _last;

    public bool Started => _first is not null;
    public DateTimeOffset? StartedAt => _first?.Time;
    public double Seconds => _first is { } f ? Math.Max(0, (_last.Time - f.Time).TotalSeconds) : 0;
    public long? Counts => _first is { TotalCounts: { } a } && _last.TotalCounts is { } b ? b - a : null;
    public double? DoseMicroSievert => _first is { AccumulatedDoseMicroSievert: { } a } && _last.AccumulatedDoseMicroSievert is { } b ? b - a : null;
    public double? DoseVarianceMicroSievert2 => _first is { AccumulatedDoseVarianceMicroSievert2: { } a } && _last.AccumulatedDoseVarianceMicroSievert2 is { } b ? b - a : null;

    public void Add(DoseRateReading reading)
    {
        _first ??= reading;
        _last = reading;
    }

    /// <summary>Open a fresh window at the latest reading (what came before no longer counts).</summary>
    public void Restart()
    {
        if (_first is not null) _first = _last;
    }
}

/// <summary>
/// A gross raw dose-rate estimate over a window, its standard error by counting statistics, and the
/// number of effective Poisson counts behind it (counts for a counter; D²/Σg² for a spectral dose,
/// which makes a weighted sum behave like a Poisson count of the same relative error).
/// </summary>
public readonly record struct RateEstimate(double RawUSvPerH, double RawStandardError, double EffectiveCounts, double Seconds);

/// <summary>
/// The one conversion from what a probe counted to a dose rate, used by every decision (background,
/// standard and sequential points, re-measurements). A scintillator's counts per µSv/h depend on the
/// photon energy (a 2"x2" NaI: about 700 for Co-60, 1400 for Cs-137, thousands at 60 keV), so counts
/// divided by the 662 keV figure under-read Co-60 by half and over-read Am-241 seven times
/// (SNT0570.md). A spectral probe's weighted dose is right at every energy; a counter without a
/// spectrum divides the rise over background by its lowest sensitivity, which can only over-read.
/// </summary>
public sealed class DoseConversion
{
    private DoseConversion(DoseBasis basis, double calibrationSensitivity, double riseSensitivity)
    {
        Basis = basis;
        CalibrationSensitivity = calibrationSensitivity;
        RiseSensitivity = riseSensitivity;
    }

    public DoseBasis Basis { get; }

    /// <summary>Counts per second per raw µSv/h at the calibration energy: converts the background's counts.</summary>
    public double CalibrationSensitivity { get; }

    /// <summary>Counts per second per raw µSv/h used for a rise above background (the lowest over 50 keV to 3 MeV when known).</summary>
    public double RiseSensitivity { get; }

    public bool Counting => Basis != DoseBasis.Display;

    /// <summary>The conversion for this instrument record and what its probe reports.</summary>
    public static DoseConversion For(InstrumentInfo instrument, DoseRateReading sample)
    {
        var calibration = instrument.CountsPerSecondPerUSvPerH is > 0 and var s ? s : 0;
        if (sample.AccumulatedDoseMicroSievert is not null && sample.AccumulatedDoseVarianceMicroSievert2 is not null)
        {
            return new DoseConversion(DoseBasis.Spectral, calibration, calibration);
        }
        if (sample.TotalCounts is null || calibration <= 0) return new DoseConversion(DoseBasis.Display, calibration, calibration);
        return instrument.LowestCountsPerSecondPerUSvPerH is > 0 and var lowest
            ? new DoseConversion(DoseBasis.ConservativeCounts, calibration, Math.Min(lowest, calibration))
            : new DoseConversion(DoseBasis.CalibrationCounts, calibration, calibration);
    }

    /// <summary>One line for the report: how counts became dose.</summary>
    public string Statement => Basis switch
    {
        DoseBasis.Spectral => "dose from the probe's spectrum-weighted dose (G(E)), right at every energy; decisions on its effective counts",
        DoseBasis.ConservativeCounts => $"dose rise from counts at {RiseSensitivity:0.###} cps per µSv/h, the probe's lowest response over 50 keV to 3 MeV (calibration {CalibrationSensitivity:0.###} at 662 keV): never under-reads a source in that range",
        DoseBasis.CalibrationCounts => $"dose from counts at the calibration sensitivity {CalibrationSensitivity:0.###} cps per µSv/h: NOT shown conservative for other energies (set Measurement:Instrument:LowestCountsPerSecondPerUSvPerH)",
        _ => "dose from the mean of displayed readings (the probe has no counter)",
    };

    /// <summary>
    /// The gross raw dose rate over a window. Against a background (a point), a counter's rise over the
    /// background's count rate is converted with the rise sensitivity and added to the background's raw
    /// rate; without one (the background itself), counts are converted at the calibration energy.
    /// </summary>
    public RateEstimate Estimate(CountingWindow window, BackgroundLevel? background)
    {
        var t = window.Seconds;
        if (t <= 0) return new RateEstimate(double.NaN, double.NaN, 0, 0);
        switch (Basis)
        {
            case DoseBasis.Spectral:
                {
                    var d = window.DoseMicroSievert ?? 0;
                    var v = window.DoseVarianceMicroSievert2 ?? 0;
                    var rate = d / t * 3600;
                    var se = Math.Sqrt(v) / t * 3600;
                    return new RateEstimate(rate, se, v > 0 ? d * d / v : 0, t);
                }
            case DoseBasis.ConservativeCounts or DoseBasis.CalibrationCounts:
                {
                    var n = (double)(window.Counts ?? 0);
                    // At least one count's worth of error: zero counts in a short window is not certainty.
                    var seCps = Math.Sqrt(Math.Max(n, 1)) / t;
                    if (background?.CountRatePerS is { } bgCps)
                    {
                        var rate = background.RawUSvPerH + (n / t - bgCps) / RiseSensitivity;
                        return new RateEstimate(rate, seCps / RiseSensitivity, n, t);
                    }
                    return new RateEstimate(n / t / CalibrationSensitivity, seCps / CalibrationSensitivity, n, t);
                }
            default:
                return new RateEstimate(double.NaN, double.NaN, 0, t);
        }
    }

    /// <summary>
    /// The window as a Poisson count between two hypotheses on the gross raw rate (h0 &lt; h1): the
    /// counts, and the count rates the two hypotheses predict. For a spectral dose the effective counts
    /// and the measured effective sensitivity; for a counter its counts and the rise sensitivity over
    /// the background's count rate. Wald's Λ = n ln(r1/r0) − (r1 − r0) t then applies as it is.
    /// </summary>
    public (double Counts, double R0, double R1) PoissonEquivalent(CountingWindow window, BackgroundLevel background, double h0, double h1)
    {
        var t = window.Seconds;
        if (Basis == DoseBasis.Spectral)
        {
            var e = Estimate(window, background);
            if (!(e.RawUSvPerH > 0) || e.EffectiveCounts <= 0)
            {
                // Nothing counted yet: predict with the calibration sensitivity so an empty window still weighs as evidence.
                var s0 = CalibrationSensitivity > 0 ? CalibrationSensitivity : 1;
                return (0, s0 * h0, s0 * h1);
            }
            var sensitivity = e.EffectiveCounts / (t * e.RawUSvPerH);
            return (e.EffectiveCounts, sensitivity * h0, sensitivity * h1);
        }
        var bgCps = background.CountRatePerS ?? background.RawUSvPerH * CalibrationSensitivity;
        var r0 = Math.Max(1e-9, bgCps + (h0 - background.RawUSvPerH) * RiseSensitivity);
        var r1 = Math.Max(r0 * (1 + 1e-9), bgCps + (h1 - background.RawUSvPerH) * RiseSensitivity);
        return (window.Counts ?? 0, r0, r1);
    }
}

/// <summary>The background against which points are judged: its dose and raw rate, and where the probe counts, its count rate.</summary>
public sealed record BackgroundLevel(double DoseRateUSvPerH, double StandardErrorUSvPerH)
{
    /// <summary>The instrument's raw reading of the background (before k1, k2, k3); defaults to the dose when not given.</summary>
    public double RawUSvPerH { get; init; } = DoseRateUSvPerH;

    /// <summary>The background's count rate (counts/s) where the probe counts: a counter's rise is measured against it.</summary>
    public double? CountRatePerS { get; init; }

    public static BackgroundLevel From(BackgroundResult b) => new(b.DoseRateUSvPerH, b.StandardErrorUSvPerH)
    {
        RawUSvPerH = b.MeanRawUSvPerH,
        CountRatePerS = b.CountRatePerS,
    };
}
