using Robot.Protocol.Extensions;

namespace Robot.Host.Measurement;

/// <summary>
/// H = k1 * k2 * R - k3 * Hc (SNT0570.md step 5, HJ 1157 form): calibration factor, check-source
/// factor, mean instrument reading, cosmic shielding factor times the instrument's cosmic response.
/// </summary>
public static class DoseCalculator
{
    public static double DoseRate(InstrumentInfo i, double meanRawUSvPerH) => i.K1 * i.K2 * meanRawUSvPerH - i.K3 * i.CosmicResponseUSvPerH;

    /// <summary>The standard error carries through the linear formula.</summary>
    public static double StandardError(InstrumentInfo i, double rawStandardError) => Math.Abs(i.K1 * i.K2) * rawStandardError;

    /// <summary>The raw reading that corresponds to a dose rate (to turn thresholds into count rates).</summary>
    public static double RawFor(InstrumentInfo i, double doseRateUSvPerH) => (doseRateUSvPerH + i.K3 * i.CosmicResponseUSvPerH) / (i.K1 * i.K2);

    /// <summary>Mean and standard error of the mean of a set of readings.</summary>
    public static (double Mean, double StandardError) MeanAndError(IReadOnlyList<double> values)
    {
        if (values.Count == 0) return (double.NaN, double.NaN);
        var mean = values.Average();
        if (values.Count == 1) return (mean, double.NaN);
        var variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, Math.Sqrt(variance / values.Count));
    }
}
