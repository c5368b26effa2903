namespace Robot.Host.Measurement;

public enum SequentialOutcome
{
    Continue,
    AcceptHigh,
    AcceptLow,
}

/// <summary>
/// Wald's sequential probability ratio test for Poisson counts between two rates r0 &lt; r1
/// (SNT0570.md "Statistics"): after n counts in t seconds, Λ = n ln(r1/r0) − (r1 − r0) t; decide r1
/// at ln((1−β)/α), r0 at ln(β/(1−α)), otherwise keep counting.
/// </summary>
public sealed class SequentialTest
{
    private readonly double _logRatio;
    private readonly double _rateDifference;

    public SequentialTest(double r0, double r1, double alpha, double beta)
    {
        if (!(r0 > 0) || !(r1 > r0)) throw new ArgumentOutOfRangeException(nameof(r1), $"need 0 < r0 < r1, got r0={r0}, r1={r1}");
        if (!(alpha is > 0 and < 0.5) || !(beta is > 0 and < 0.5)) throw new ArgumentOutOfRangeException(nameof(alpha), "alpha and beta must be in (0, 0.5)");
        R0 = r0;
        R1 = r1;
        Alpha = alpha;
        Beta = beta;
        _logRatio = Math.Log(r1 / r0);
        _rateDifference = r1 - r0;
        UpperBound = Math.Log((1 - beta) / alpha);
        LowerBound = Math.Log(beta / (1 - alpha));
    }

    public double R0 { get; }
    public double R1 { get; }
    public double Alpha { get; }
    public double Beta { get; }
    public double UpperBound { get; }
    public double LowerBound { get; }

    public double LogLikelihoodRatio(double counts, double seconds) => counts * _logRatio - _rateDifference * seconds;

    /// <summary>Λ for n counts in t seconds between the rates r0 &lt; r1 (counts/s).</summary>
    public static double LogLikelihoodRatio(double counts, double seconds, double r0, double r1) => counts * Math.Log(r1 / r0) - (r1 - r0) * seconds;

    /// <summary>
    /// The error rates of the fixed test that decides by the sign of Λ after t seconds (high when the
    /// count exceeds t (r1 − r0) / ln(r1/r0)), from the exact Poisson tails: the chance of calling r0
    /// high (α) and r1 low (β). The sequential test may stop here without losing its promise once both
    /// are within its own α and β. (P(N ≤ k − 1 | μ) = Q(k, μ), the regularised upper incomplete gamma.)
    /// </summary>
    public static (double Alpha, double Beta) FixedTestErrors(double seconds, double r0, double r1)
    {
        if (!(seconds > 0)) return (1, 1);
        var threshold = (r1 - r0) / Math.Log(r1 / r0) * seconds;
        var k = Math.Floor(threshold) + 1; // the smallest count called high
        var alpha = 1 - ChiSquare.UpperRegularizedGamma(k, r0 * seconds);
        var beta = ChiSquare.UpperRegularizedGamma(k, r1 * seconds);
        return (alpha, beta);
    }

    /// <summary>P(Z ≥ z) for a standard normal Z.</summary>
    public static double NormalUpperTail(double z)
    {
        if (double.IsNaN(z)) return double.NaN;
        var twoSided = ChiSquare.UpperTail(z * z, 1) / 2;
        return z >= 0 ? twoSided : 1 - twoSided;
    }

    public SequentialOutcome Decide(double counts, double seconds) => Decide(LogLikelihoodRatio(counts, seconds), Alpha, Beta);

    /// <summary>Wald's decision on Λ: high at ln((1−β)/α), low at ln(β/(1−α)), otherwise keep counting.</summary>
    public static SequentialOutcome Decide(double lambda, double alpha, double beta) =>
        lambda >= Math.Log((1 - beta) / alpha) ? SequentialOutcome.AcceptHigh
        : lambda <= Math.Log(beta / (1 - alpha)) ? SequentialOutcome.AcceptLow
        : SequentialOutcome.Continue;

    /// <summary>
    /// Wald's approximation of the expected time to a decision when the true rate is <paramref name="rate"/>:
    /// E[t] ≈ E[Λ at stop] / E[dΛ/dt], with dΛ/dt = rate ln(r1/r0) − (r1 − r0). Used for the lower bound in benchmarks.
    /// </summary>
    public double ExpectedSeconds(double rate)
    {
        var drift = rate * _logRatio - _rateDifference;
        if (Math.Abs(drift) < 1e-12) return double.PositiveInfinity;
        // Probability of accepting high at this rate, by the OC approximation between the two hypotheses.
        var pHigh = rate >= R1 ? 1 - Beta : rate <= R0 ? Alpha : Alpha + (1 - Alpha - Beta) * (rate - R0) / (R1 - R0);
        var expectedLambda = pHigh * UpperBound + (1 - pHigh) * LowerBound;
        return Math.Max(0, expectedLambda / drift);
    }
}
