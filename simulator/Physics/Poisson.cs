namespace Robot.Simulator.Physics;

/// <summary>Poisson counts for the detector twins.</summary>
public static class Poisson
{
    /// <summary>
    /// One Poisson draw: Knuth's product method below a mean of 30, above it a normal N(mean, mean)
    /// rounded and floored at 0 (mean and variance right; skewness 1/√mean is under 0.2 there).
    /// </summary>
    public static long Sample(Random random, double mean)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(mean > 0)) return 0;
        if (mean < 30)
        {
            var limit = Math.Exp(-mean);
            var product = random.NextDouble();
            long k = 0;
            while (product > limit)
            {
                k++;
                product *= random.NextDouble();
            }
            return k;
        }
        // Box-Muller.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        var z = Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        return Math.Max(0, (long)Math.Round(mean + z * Math.Sqrt(mean)));
    }
}
