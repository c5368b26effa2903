namespace Robot.Simulator.Physics;

/// <summary>An axis-aligned box in a container's own frame, with the slab-method ray clip.</summary>
internal readonly record struct Box(Vec3 Min, Vec3 Max)
{
    public bool Contains(Vec3 p) =>
        p.X > Min.X && p.X < Max.X && p.Y > Min.Y && p.Y < Max.Y && p.Z > Min.Z && p.Z < Max.Z;

    /// <summary>
    /// Clip the ray o + t·d, t in [tMin, tMax], to the box. True with the entry and exit parameters
    /// when the ray crosses it over a non-empty interval.
    /// </summary>
    public bool Clip(Vec3 o, Vec3 d, double tMin, double tMax, out double t0, out double t1)
    {
        t0 = tMin;
        t1 = tMax;
        return Slab(o.X, d.X, Min.X, Max.X, ref t0, ref t1)
            && Slab(o.Y, d.Y, Min.Y, Max.Y, ref t0, ref t1)
            && Slab(o.Z, d.Z, Min.Z, Max.Z, ref t0, ref t1);
    }

    /// <summary>
    /// The same clip with the reciprocal of the direction given (precomputed for fixed directions;
    /// a zero component is an infinity, which the IEEE arithmetic of the slab test handles).
    /// </summary>
    public bool ClipInverse(Vec3 o, Vec3 inverse, double tMin, out double t0, out double t1)
    {
        // Plain comparisons rather than Math.Min/Max: no NaN semantics needed, and this is the hot loop.
        var a = (Min.X - o.X) * inverse.X;
        var b = (Max.X - o.X) * inverse.X;
        t0 = a < b ? a : b;
        t1 = a < b ? b : a;
        a = (Min.Y - o.Y) * inverse.Y;
        b = (Max.Y - o.Y) * inverse.Y;
        if (a > b) (a, b) = (b, a);
        if (a > t0) t0 = a;
        if (b < t1) t1 = b;
        a = (Min.Z - o.Z) * inverse.Z;
        b = (Max.Z - o.Z) * inverse.Z;
        if (a > b) (a, b) = (b, a);
        if (a > t0) t0 = a;
        if (b < t1) t1 = b;
        if (tMin > t0) t0 = tMin;
        return t1 > t0;
    }

    /// <summary>Length of the ray interval [tMin, tMax] inside the box (0 when it misses).</summary>
    public double ChordLength(Vec3 o, Vec3 d, double tMin, double tMax) =>
        Clip(o, d, tMin, tMax, out var t0, out var t1) ? t1 - t0 : 0;

    private static bool Slab(double o, double d, double min, double max, ref double t0, ref double t1)
    {
        if (d == 0) return o > min && o < max;
        var inv = 1 / d;
        var a = (min - o) * inv;
        var b = (max - o) * inv;
        if (a > b) (a, b) = (b, a);
        if (a > t0) t0 = a;
        if (b < t1) t1 = b;
        return t1 > t0;
    }
}
