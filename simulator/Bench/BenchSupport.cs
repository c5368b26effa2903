using System.Globalization;
using Robot.Protocol.Extensions;
using Robot.Simulator.Physics;

namespace Robot.Simulator.Bench;

/// <summary>Helpers shared by the benches: instrument records, stable seeds, shares and their bounds.</summary>
internal static class BenchSupport
{
    /// <summary>The instrument record the scenario runner gives a detector (ScenarioRunner.Options): calibration, lowest response, display time constant; k1 = k2 = 1, k3 = 0.</summary>
    public static InstrumentInfo Instrument(DetectorModel detector) => new()
    {
        Model = detector.Model,
        SerialNumber = "bench",
        K1 = 1,
        K2 = 1,
        K3 = 0,
        CosmicResponseUSvPerH = 0,
        CalibrationCertificate = "bench",
        CalibrationValidUntil = DateTimeOffset.MaxValue,
        CountsPerSecondPerUSvPerH = detector.CalibrationSensitivity,
        LowestCountsPerSecondPerUSvPerH = detector.LowestSensitivity(),
        DisplayTimeConstantS = detector.Display.MaxTimeConstantS,
    };

    /// <summary>A seed from the run's seed and a cell's name (FNV-1a): the same cell gets the same seed whatever subset is run.</summary>
    public static int Seed(int seed, string name)
    {
        var h = 2166136261u ^ (uint)seed;
        foreach (var ch in name)
        {
            h ^= ch;
            h *= 16777619u;
        }
        h ^= (uint)seed * 0x9E3779B9u;
        return (int)(h & 0x7FFFFFFF);
    }

    /// <summary>The p quantile of sorted values (nearest rank).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>One-sided 95 % upper bound of a binomial share (Clopper-Pearson; 3/n rule's exact form at zero).</summary>
    public static double Upper95(int events, int n)
    {
        if (n <= 0) return 1;
        if (events >= n) return 1;
        if (events == 0) return 1 - Math.Pow(0.05, 1.0 / n);
        // Wilson score bound, one-sided z = 1.645: close to Clopper-Pearson for these n.
        const double z = 1.6448536;
        var p = events / (double)n;
        var denominator = 1 + z * z / n;
        var centre = p + z * z / (2 * n);
        var spread = z * Math.Sqrt(p * (1 - p) / n + z * z / (4.0 * n * n));
        return Math.Min(1, (centre + spread) / denominator);
    }

    /// <summary>One-sided 95 % lower bound of a binomial share.</summary>
    public static double Lower95(int events, int n) => n <= 0 ? 0 : 1 - Upper95(n - events, n);

    public static string Pct(double share, int decimals = 2) =>
        double.IsNaN(share) ? "n/a" : (share * 100).ToString("0." + new string('0', decimals), CultureInfo.InvariantCulture) + " %";

    public static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parse a comma-separated list, trimmed, lower case; null when empty.</summary>
    public static string[] List(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => s.ToLowerInvariant()).ToArray();

    /// <summary>A nuclide by its enum name, case and hyphens ignored (cs137, Cs-137).</summary>
    public static Nuclide? NuclideByName(string name)
    {
        var key = name.Replace("-", "", StringComparison.Ordinal);
        foreach (var n in Enum.GetValues<Nuclide>())
        {
            if (string.Equals(n.ToString(), key, StringComparison.OrdinalIgnoreCase)) return n;
        }
        return null;
    }
}
