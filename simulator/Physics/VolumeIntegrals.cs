namespace Robot.Simulator.Physics;

/// <summary>The slowly varying, geometry-only part of the field at one point: the visible share of the ground, and the bulk dose per bulk line (<see cref="VolumeIntegrals.BulkGroups"/>).</summary>
internal sealed class SlowTerms
{
    public static readonly SlowTerms Open = new() { GroundVisible = 1 };

    public double GroundVisible { get; set; }

    /// <summary>µSv/h per bulk line, indexed like <see cref="VolumeIntegrals.BulkGroups"/>.</summary>
    public double[] Bulk { get; } = new double[VolumeIntegrals.BulkGroups.Length];

    public double BulkTotal
    {
        get
        {
            var sum = 0.0;
            foreach (var b in Bulk) sum += b;
            return sum;
        }
    }

    public void AddTo(Span<double> groups)
    {
        var g = VolumeIntegrals.BulkGroups;
        for (var j = 0; j < g.Length; j++) groups[g[j]] += Bulk[j];
    }
}

/// <summary>
/// The normalised cumulative scattered-plus-primary yield F(s)/F(∞), F(s) = ∫₀^s B(u)e^-u du, of one
/// material and photon line on a 0.02 mfp grid to 40 mfp (Simpson's rule per cell; linear in between).
/// </summary>
internal sealed class BulkYieldTable
{
    private const double Step = 0.02;
    private const double MaxMfp = 40;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(int Kind, int Group), BulkYieldTable> Cache = new();
    private readonly double[] _f;

    private BulkYieldTable(BuildUpCurve curve)
    {
        var n = (int)Math.Round(MaxMfp / Step) + 1;
        _f = new double[n];
        var g0 = 1.0;
        for (var i = 1; i < n; i++)
        {
            var u0 = (i - 1) * Step;
            var gm = curve.TransmissionExact(u0 + Step / 2);
            var g1 = curve.TransmissionExact(i * Step);
            _f[i] = _f[i - 1] + Step / 6 * (g0 + 4 * gm + g1);
            g0 = g1;
        }
        // The tail beyond 40 mfp (B held at B(40)): B(40)·e^-40, negligible but kept.
        var infinite = _f[n - 1] + curve.TransmissionExact(MaxMfp);
        for (var i = 0; i < n; i++) _f[i] /= infinite;
    }

    public static BulkYieldTable For(int kind, int group) => Cache.GetOrAdd((kind, group), key => new BulkYieldTable(LineBuildUp.For(key.Group)[key.Kind]));

    /// <summary>F(s)/F(∞).</summary>
    public double Cumulative(double s)
    {
        var x = s / Step;
        if (!(x < _f.Length - 1)) return _f[^1];
        var i = (int)x;
        return _f[i] + (x - i) * (_f[i + 1] - _f[i]);
    }

    /// <summary>Yield of a chord of <paramref name="m"/> mfp behind <paramref name="w"/> mfp (1 for w = 0, m → ∞).</summary>
    public double Yield(double w, double m) => Cumulative(w + m) - Cumulative(w);
}

/// <summary>
/// Angular integrals around the detector over a fixed set of directions (midpoint rule, 24 bands
/// equal in cos θ times 48 in azimuth: 1152 rays of equal solid angle; the horizon is a band edge so
/// the lower hemisphere is covered exactly). Grid nodes for a moving probe use 12 x 24 rays.
///
/// Bulk natural activity in the cargo, per photon line of K-40, the Ra-226 series and the Th-232
/// chain: in spherical coordinates around the detector, dV = r² dr dΩ cancels the 1/r² of the point
/// kernel, so each ray contributes (1/µ) times the integral of B(u)·e^-u over the mean free paths u
/// from w (the steel before the cargo) to w + m (m = µL, L the chord through the cargo), B the
/// ANSI/ANS-6.4.3 build-up of the cargo material (the dominant material on these rays) at the total
/// mfp. With F(s) = ∫₀^s B(u)e^-u du tabulated once per material and line (<see cref="BulkYieldTable"/>),
/// the yield of a ray is Y = [F(w + m) − F(w)] / F(∞), in [0, 1]; the dose is
/// H = H_UNSCEAR · Σ_lines share · (1/2π) Σ_rays Y dΩ. An infinite half space (w = 0, m → ∞ for every
/// downward ray) gives Y = 1, so the sum is exactly the UNSCEAR half-space value (SNT0570.md:
/// D = 0.0417 K + 0.462 U + 0.604 Th nGy/h) whatever the density: the UNSCEAR figure already contains
/// the build-up of an infinite ground, and normalising by F(∞) keeps it. A finite load, its density
/// and the wall follow from the geometry and the build-up. The UNSCEAR dose of each series is split
/// between its lines by their unshielded dose shares (<see cref="PhotonLine.DoseShare"/>).
/// Air between the load and the detector is left out (centimetres beside a wall; the UNSCEAR
/// figure already holds 1 m of air). Other containers between the detector and a load are ignored
/// for the bulk term (their shadow on point sources is computed exactly).
///
/// Ground shadow: the ground is a half space too, so its dose is spread evenly over the lower
/// hemisphere's solid angle. A downward ray that meets a container before the ground carries the
/// container's transmission (steel and cargo at 700 keV, with the G-P build-up of the dominant material); the mean over the lower
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

    /// <summary>The dose groups of bulk natural activity: the K-40 line, the Ra-226 series lines, the Th-232 chain lines.</summary>
    internal static readonly int[] BulkGroups =
    [
        .. Groups(Nuclide.K40), .. Groups(Nuclide.Ra226), .. Groups(Nuclide.Th232),
    ];

    /// <summary>Which UNSCEAR term each bulk group belongs to: 0 K-40, 1 uranium series, 2 thorium chain.</summary>
    internal static readonly int[] BulkSeries =
    [
        .. Groups(Nuclide.K40).Select(_ => 0), .. Groups(Nuclide.Ra226).Select(_ => 1), .. Groups(Nuclide.Th232).Select(_ => 2),
    ];

    private static IEnumerable<int> Groups(Nuclide n) => Enumerable.Range(NuclideData.FirstGroup(n), NuclideData.LineCount(n));

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
        var terms = new SlowTerms();
        Evaluate(p, containers, fine, terms);
        return terms;
    }

    public static void Evaluate(Vec3 p, IReadOnlyList<ContainerPhysics> containers, bool fine, SlowTerms into)
    {
        var directions = fine ? Fine : Coarse;
        var bulk = into.Bulk;
        Array.Clear(bulk);
        if (containers.Count == 0)
        {
            into.GroundVisible = 1;
            return;
        }
        Span<Vec3> origins = containers.Count <= 32 ? stackalloc Vec3[containers.Count] : new Vec3[containers.Count];
        for (var c = 0; c < containers.Count; c++) origins[c] = containers[c].Container.ToLocal(p);
        Span<double> groundMfp = stackalloc double[BuildUp.Kinds];
        var groundCurves = LineBuildUp.Ground;
        var bulkGroups = BulkGroups;

        var ground = 0.0;
        for (var r = 0; r < directions.Length; r++)
        {
            var dz = directions[r].Z;
            var down = dz < 0;
            var tGround = down ? Math.Max(p.Z, 0) / -dz : double.PositiveInfinity;
            groundMfp.Clear();
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
                    groundMfp[0] += cp.WallMuGround * steel;
                    groundMfp[cp.CargoKind] += cp.CargoMuGround * cargo;
                }
                if (cp.HasBulk && load)
                {
                    var steelBefore = inner ? Math.Max(0, ti0 - to0) : 0;
                    var chord = a1 - a0;
                    var tables = cp.BulkTables;
                    var weights = cp.BulkWeights;
                    for (var j = 0; j < bulkGroups.Length; j++)
                    {
                        var g = bulkGroups[j];
                        bulk[j] += weights[j] * tables[j].Yield(cp.WallMu[g] * steelBefore, cp.CargoMu[g] * chord);
                    }
                }
            }
            if (down) ground += BuildUp.Transmission(groundMfp, groundCurves);
        }
        var norm = 4 * Math.PI / directions.Length / (2 * Math.PI);
        into.GroundVisible = ground * norm;
        for (var j = 0; j < bulk.Length; j++) bulk[j] *= norm;
    }

    private static double Chord(double t0, double t1, double tMax)
    {
        var end = t1 < tMax ? t1 : tMax;
        return end > t0 ? end - t0 : 0;
    }
}
