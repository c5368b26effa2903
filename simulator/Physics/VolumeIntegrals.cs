namespace Robot.Simulator.Physics;

/// <summary>The slowly varying, geometry-only part of the field at one point.</summary>
internal readonly record struct SlowTerms(double GroundVisible, double BulkK, double BulkU, double BulkTh)
{
    public static SlowTerms Open => new(1, 0, 0, 0);

    public static SlowTerms Lerp(SlowTerms a, SlowTerms b, double f) => new(
        a.GroundVisible + f * (b.GroundVisible - a.GroundVisible),
        a.BulkK + f * (b.BulkK - a.BulkK),
        a.BulkU + f * (b.BulkU - a.BulkU),
        a.BulkTh + f * (b.BulkTh - a.BulkTh));
}

/// <summary>
/// Angular integrals around the detector over a fixed set of directions (midpoint rule, 24 bands
/// equal in cos θ times 48 in azimuth: 1152 rays of equal solid angle; the horizon is a band edge so
/// the lower hemisphere is covered exactly). Grid nodes for a moving probe use 12 x 24 rays.
///
/// Bulk natural activity in the cargo: in spherical coordinates around the detector, dV = r² dr dΩ
/// cancels the 1/r² of the point kernel, so each ray contributes the line integral of
/// (1 + µw + µx)·exp(-µw - µx) over its chord L through the cargo (µw = the wall's mean free paths
/// before the cargo, build-up B = 1 + mfp as for point sources). In closed form that is
/// exp(-µw)·[(1 + µw)(1 - e^-µL) + 1 - e^-µL (1 + µL)] / µ. Dividing by the same integral for an
/// infinitely deep chord without wall (2/µ) gives a yield Y in [0, 1] per ray, and the dose is
/// H = H_UNSCEAR · (1/2π) Σ Y dΩ. For an infinite half space every downward ray has Y = 1, so the
/// sum is exactly the UNSCEAR half-space value (SNT0570.md: D = 0.0417 K + 0.462 U + 0.604 Th nGy/h),
/// whatever the density; a finite load, its density and the wall follow from the geometry.
/// Air between the load and the detector is left out (centimetres beside a wall; the UNSCEAR
/// figure already holds 1 m of air). Other containers between the detector and a load are ignored
/// for the bulk term (their shadow on point sources is computed exactly).
///
/// Ground shadow: the ground is a half space too, so its dose is spread evenly over the lower
/// hemisphere's solid angle. A downward ray that meets a container before the ground carries the
/// container's transmission (steel and cargo at 700 keV, with build-up); the mean over the lower
/// hemisphere is the share of the ground component the detector still sees. Beside a loaded wall
/// about half of the hemisphere is blocked, which with a 60 % ground share gives the 30 % upper end
/// of SNT0570.md; it falls off with distance by itself.
/// </summary>
internal static class VolumeIntegrals
{
    /// <summary>The exact set: 24 bands x 48 azimuths.</summary>
    internal static readonly Vec3[] Fine = BuildDirections(24, 48);

    /// <summary>The set for grid nodes read while the probe moves: 12 x 24 (a few % off beside a wall, see the tests).</summary>
    internal static readonly Vec3[] Coarse = BuildDirections(12, 24);

    private static Vec3[] BuildDirections(int bands, int azimuths)
    {
        var list = new Vec3[bands * azimuths];
        var k = 0;
        for (var i = 0; i < bands; i++)
        {
            var cosTheta = -1 + (i + 0.5) * 2.0 / bands;
            var sinTheta = Math.Sqrt(1 - cosTheta * cosTheta);
            for (var j = 0; j < azimuths; j++)
            {
                var phi = (j + 0.5) * 2 * Math.PI / azimuths;
                list[k++] = new Vec3(sinTheta * Math.Cos(phi), sinTheta * Math.Sin(phi), cosTheta);
            }
        }
        return list;
    }

    public static SlowTerms Evaluate(Vec3 p, IReadOnlyList<ContainerPhysics> containers, bool fine = true)
    {
        var directions = fine ? Fine : Coarse;
        if (containers.Count == 0) return SlowTerms.Open;
        Span<Vec3> origins = containers.Count <= 32 ? stackalloc Vec3[containers.Count] : new Vec3[containers.Count];
        for (var c = 0; c < containers.Count; c++) origins[c] = containers[c].Container.ToLocal(p);

        double ground = 0, k = 0, u = 0, th = 0;
        var groupK = NuclideData.Group(Nuclide.K40);
        var groupU = NuclideData.Group(Nuclide.Ra226);
        var groupTh = NuclideData.Group(Nuclide.Th232);
        for (var r = 0; r < directions.Length; r++)
        {
            var dz = directions[r].Z;
            var down = dz < 0;
            var tGround = down ? Math.Max(p.Z, 0) / -dz : double.PositiveInfinity;
            var groundMfp = 0.0;
            for (var c = 0; c < containers.Count; c++)
            {
                var cp = containers[c];
                var box = cp.Container;
                var o = origins[c];
                var inv = fine ? cp.InverseFine[r] : cp.InverseCoarse[r];
                // One clip per box on [0, ∞); the ground-bounded chords follow by clamping.
                if (!box.Outer.ClipInverse(o, inv, 0, out var to0, out var to1)) continue;
                var inner = box.Inner.ClipInverse(o, inv, 0, out var ti0, out var ti1);
                var a0 = 0.0;
                var a1 = 0.0;
                var load = box.CargoBox is { } cargoBox && cargoBox.ClipInverse(o, inv, 0, out a0, out a1);
                if (down && to0 < tGround)
                {
                    var steel = Chord(to0, to1, tGround) - (inner ? Chord(ti0, ti1, tGround) : 0);
                    var cargo = load ? Chord(a0, a1, tGround) : 0;
                    groundMfp += cp.WallMuGround * steel + cp.CargoMuGround * cargo;
                }
                if (cp.HasBulk && load)
                {
                    var steelBefore = inner ? Math.Max(0, ti0 - to0) : 0;
                    var chord = a1 - a0;
                    k += cp.HalfSpaceK * Yield(cp.WallMu[groupK] * steelBefore, cp.CargoMu[groupK] * chord);
                    u += cp.HalfSpaceU * Yield(cp.WallMu[groupU] * steelBefore, cp.CargoMu[groupU] * chord);
                    th += cp.HalfSpaceTh * Yield(cp.WallMu[groupTh] * steelBefore, cp.CargoMu[groupTh] * chord);
                }
            }
            if (down) ground += Shielding.Transmission(groundMfp);
        }
        var norm = 4 * Math.PI / directions.Length / (2 * Math.PI);
        return new SlowTerms(ground * norm, k * norm, u * norm, th * norm);
    }

    private static double Chord(double t0, double t1, double tMax)
    {
        var end = t1 < tMax ? t1 : tMax;
        return end > t0 ? end - t0 : 0;
    }

    /// <summary>Normalised line yield of a uniformly emitting chord of m mean free paths behind a wall of w mean free paths (1 for w = 0, m → ∞).</summary>
    internal static double Yield(double w, double m)
    {
        var em = Math.Exp(-m);
        return Math.Exp(-w) * ((1 + w) * (1 - em) + 1 - em * (1 + m)) / 2;
    }
}
