namespace Robot.Simulator.Physics;

/// <summary>What a detector sees: the true H*(10) rate at a point, split by dose group.</summary>
public interface IDoseField
{
    /// <summary>Writes the true dose rate (µSv/h) of each dose group at <paramref name="point"/> (index 0 background, then one per photon line, <see cref="NuclideData"/>).</summary>
    void Evaluate(Vec3 point, Span<double> microSvPerHourByGroup);

    /// <summary>The same at a time the caller already knows (the simulator's step reads the clock once).</summary>
    void Evaluate(Vec3 point, Span<double> microSvPerHourByGroup, DateTimeOffset at) => Evaluate(point, microSvPerHourByGroup);
}

/// <summary>The true dose rate at a point, by origin (µSv/h).</summary>
public readonly record struct YardDose(double Background, double PointSources, double Bulk)
{
    public double Total => Background + PointSources + Bulk;
}

/// <summary>
/// The simulated yard's radiation: background, containers, point sources and bulk natural activity.
/// Thread-safe: a scenario may change it while the world steps on its timer.
///
/// Point sources (SNT0570.md), per photon line: H = Γ·share·A/r² · B(E, Σµx)·exp(-Σµx) · exp(-µ_air·r)
/// with r the true source-to-detector-centre distance (floored at 5 cm, the size of a 2" crystal), Σµx
/// the mean free paths through every container's steel and cargo on the straight line (ray/box
/// clipping), B the ANSI/ANS-6.4.3 G-P build-up of the material with the most mean free paths on the
/// ray at the total (<see cref="BuildUp.Transmission"/>), and air without build-up (about 1 %/m at
/// 662 keV). Computed exactly every step (one set of ray clips per source, then each line).
/// Bulk natural activity and the ground shadow of containers come from <see cref="VolumeIntegrals"/>;
/// the detector reads them exactly where it stands still and, while it moves, from a lazily filled
/// 10 cm grid with trilinear interpolation (288 rays per grid node, each node once); exact queries
/// (<see cref="DoseAt(Vec3)"/>) always compute them directly.
/// </summary>
public sealed class RadiationYard : IDoseField
{
    /// <summary>Closest distance the point kernel is evaluated at, metres.</summary>
    public const double MinimumDistanceM = 0.05;
    private const double GridM = 0.1;
    private const int MaxCachedNodes = 200_000;

    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _epoch;
    private readonly List<ContainerPhysics> _containers = [];
    private readonly List<PointSource> _sources = [];
    private readonly Dictionary<(int, int, int), SlowTerms> _grid = [];
    private readonly SlowTerms _interpolated = new();
    private SourceKernel[] _kernels = [];
    private (Vec3 Point, SlowTerms Terms, bool Exact)? _last;

    public RadiationYard(BackgroundOptions background, int seed, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(background);
        _time = time;
        _epoch = time.GetUtcNow();
        Background = new BackgroundModel(background, seed);
    }

    public BackgroundModel Background { get; }

    /// <summary>Time zero of the background drift.</summary>
    public DateTimeOffset Epoch => _epoch;

    public IReadOnlyList<Container> Containers { get { lock (_gate) return _containers.Select(c => c.Container).ToArray(); } }

    public IReadOnlyList<PointSource> Sources { get { lock (_gate) return _sources.ToArray(); } }

    /// <summary>Place a container. Refused when it overlaps one already placed.</summary>
    public Container AddContainer(Container container)
    {
        ArgumentNullException.ThrowIfNull(container);
        lock (_gate)
        {
            foreach (var other in _containers)
            {
                if (Overlap(other.Container, container)) throw new ArgumentException($"container {container.Id} overlaps {other.Container.Id}", nameof(container));
                if (other.Container.Id == container.Id) throw new ArgumentException($"a container with id '{container.Id}' is already in the yard", nameof(container));
            }
            _containers.Add(new ContainerPhysics(container));
            Changed();
        }
        return container;
    }

    /// <summary>Place a container of an ISO 668 type at a pose (footprint centre, heading of the long axis).</summary>
    public Container AddContainer(ContainerType type, double centreX, double centreY, double headingRad, Cargo? cargo = null, string? id = null) =>
        AddContainer(new Container(type, centreX, centreY, headingRad, cargo, id: id));

    public bool RemoveContainer(Container container)
    {
        lock (_gate)
        {
            var removed = _containers.RemoveAll(c => ReferenceEquals(c.Container, container)) > 0;
            if (removed) Changed();
            return removed;
        }
    }

    public PointSource AddSource(PointSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        source.Validate();
        lock (_gate)
        {
            _sources.Add(source);
            Changed();
        }
        return source;
    }

    /// <summary>A source inside a container, at a point of the container's own frame (see <see cref="Container"/>).</summary>
    public PointSource AddSource(Container container, Nuclide nuclide, double activityMBq, Vec3 local, string? label = null) =>
        AddSource(PointSource.Inside(container, nuclide, activityMBq, local, label));

    public bool RemoveSource(PointSource source)
    {
        lock (_gate)
        {
            var removed = _sources.Remove(source);
            if (removed) Changed();
            return removed;
        }
    }

    /// <summary>The true dose rate at a point now, by origin, computed exactly (no grid).</summary>
    public YardDose DoseAt(Vec3 point) => DoseAt(point, _time.GetUtcNow());

    public YardDose DoseAt(Vec3 point, DateTimeOffset at)
    {
        Span<double> groups = stackalloc double[NuclideData.GroupCount];
        lock (_gate)
        {
            var slow = VolumeIntegrals.Evaluate(point, _containers);
            var background = Background.At(point, (at - _epoch).TotalSeconds, slow.GroundVisible);
            groups.Clear();
            AddPointSources(point, groups);
            var points = 0.0;
            foreach (var g in groups) points += g;
            return new YardDose(background, points, slow.BulkTotal);
        }
    }

    /// <summary>The true total H*(10) rate at a point now, µSv/h.</summary>
    public double TrueDoseRate(Vec3 point) => DoseAt(point).Total;

    /// <inheritdoc />
    public void Evaluate(Vec3 point, Span<double> microSvPerHourByGroup) => Evaluate(point, microSvPerHourByGroup, _time.GetUtcNow());

    /// <inheritdoc />
    public void Evaluate(Vec3 point, Span<double> microSvPerHourByGroup, DateTimeOffset at)
    {
        microSvPerHourByGroup.Clear();
        var t = (at - _epoch).TotalSeconds;
        lock (_gate)
        {
            var slow = _containers.Count == 0 ? SlowTerms.Open : Slow(point);
            microSvPerHourByGroup[NuclideData.BackgroundGroup] = Background.At(point, t, slow.GroundVisible);
            slow.AddTo(microSvPerHourByGroup);
            AddPointSources(point, microSvPerHourByGroup);
        }
    }

    /// <summary>
    /// Distance along a horizontal or any ray from <paramref name="origin"/> to the nearest container
    /// face, metres; null when no face is within <paramref name="maxRangeM"/>; 0 from inside a container.
    /// </summary>
    public double? RangeToContainer(Vec3 origin, Vec3 direction, double maxRangeM)
    {
        var d = direction.Normalized();
        double? best = null;
        lock (_gate)
        {
            foreach (var cp in _containers)
            {
                var c = cp.Container;
                var o = c.ToLocal(origin);
                if (c.Outer.Contains(o)) return 0;
                if (c.Outer.Clip(o, c.DirectionToLocal(d), 0, maxRangeM, out var t0, out _) && (best is null || t0 < best)) best = t0;
            }
        }
        return best;
    }

    private void AddPointSources(Vec3 p, Span<double> groups)
    {
        const int Kinds = BuildUp.Kinds;
        // 24 lines (the Ra-226 series) x 3 kinds at most.
        Span<double> buffer = stackalloc double[96];
        foreach (var k in _kernels)
        {
            var delta = p - k.Position;
            var r = Math.Max(delta.Length, MinimumDistanceM);
            var d = delta * (1 / r);
            var lines = k.Groups.Length;
            // Mean free paths per line and material kind (iron, water, concrete): the paths are clipped
            // once per container, then weighted by each line's coefficients.
            var mfp = lines * Kinds <= buffer.Length ? buffer[..(lines * Kinds)] : new double[lines * Kinds];
            mfp.Clear();
            for (var c = 0; c < _containers.Count; c++)
            {
                var cp = _containers[c];
                cp.Paths(k.LocalPositions[c], cp.Container.DirectionToLocal(d), r, out var steel, out var cargo);
                if (steel <= 0 && cargo <= 0) continue;
                for (var l = 0; l < lines; l++)
                {
                    var g = k.Groups[l];
                    mfp[l * Kinds] += cp.WallMu[g] * steel;
                    mfp[l * Kinds + cp.CargoKind] += cp.CargoMu[g] * cargo;
                }
            }
            var inverseSquare = k.GammaTimesActivity / (r * r);
            for (var l = 0; l < lines; l++)
            {
                var g = k.Groups[l];
                var transmission = BuildUp.Transmission(mfp.Slice(l * Kinds, Kinds), LineBuildUp.For(g));
                groups[g] += inverseSquare * k.Shares[l] * transmission * Math.Exp(-k.AirMu[l] * r);
            }
        }
    }

    /// <summary>How often the detector path computed the angular integrals: at standstill, and for grid nodes (for benchmarks).</summary>
    internal long ExactEvaluations { get; private set; }

    internal long GridEvaluations { get; private set; }

    private SlowTerms Slow(Vec3 p)
    {
        // The probe stands still for most of an inspection (settle and dwell): there the terms are
        // computed exactly once; while it moves the grid answers.
        if (_last is { } last && (p - last.Point).Length < 1e-3)
        {
            if (last.Exact) return last.Terms;
            var exact = VolumeIntegrals.Evaluate(p, _containers);
            ExactEvaluations++;
            _last = (p, exact, true);
            return exact;
        }
        var terms = Interpolated(p);
        _last = (p, terms, false);
        return terms;
    }

    private SlowTerms Interpolated(Vec3 p)
    {
        var fx = p.X / GridM;
        var fy = p.Y / GridM;
        var fz = p.Z / GridM;
        var ix = (int)Math.Floor(fx);
        var iy = (int)Math.Floor(fy);
        var iz = (int)Math.Floor(fz);
        fx -= ix;
        fy -= iy;
        fz -= iz;
        var result = _interpolated;
        var bulk = result.Bulk;
        Array.Clear(bulk);
        var ground = 0.0;
        for (var n = 0; n < 8; n++)
        {
            var key = (ix + (n & 1), iy + ((n >> 1) & 1), iz + ((n >> 2) & 1));
            if (!_grid.TryGetValue(key, out var value))
            {
                if (_grid.Count >= MaxCachedNodes) _grid.Clear();
                // A node inside a container would mix the inside of the load into the answer: it takes
                // the value just outside the nearest face instead (the field is continuous there).
                GridEvaluations++;
                value = VolumeIntegrals.Evaluate(MovedOutside(new Vec3(key.Item1 * GridM, key.Item2 * GridM, key.Item3 * GridM)), _containers, fine: false);
                _grid[key] = value;
            }
            // Trilinear weight of this corner.
            var w = ((n & 1) != 0 ? fx : 1 - fx) * (((n >> 1) & 1) != 0 ? fy : 1 - fy) * (((n >> 2) & 1) != 0 ? fz : 1 - fz);
            ground += w * value.GroundVisible;
            var vb = value.Bulk;
            for (var j = 0; j < bulk.Length; j++) bulk[j] += w * vb[j];
        }
        result.GroundVisible = ground;
        return result;
    }

    private Vec3 MovedOutside(Vec3 p)
    {
        const double Margin = 1e-3;
        foreach (var cp in _containers)
        {
            var c = cp.Container;
            var l = c.ToLocal(p);
            var box = c.Outer;
            if (!(l.X > box.Min.X - Margin && l.X < box.Max.X + Margin && l.Y > box.Min.Y - Margin && l.Y < box.Max.Y + Margin && l.Z < box.Max.Z + Margin)) continue;
            // Out through the nearest side or the roof (never through the ground).
            var moves = new[]
            {
                (box.Max.X - l.X, new Vec3(box.Max.X + Margin, l.Y, l.Z)),
                (l.X - box.Min.X, new Vec3(box.Min.X - Margin, l.Y, l.Z)),
                (box.Max.Y - l.Y, new Vec3(l.X, box.Max.Y + Margin, l.Z)),
                (l.Y - box.Min.Y, new Vec3(l.X, box.Min.Y - Margin, l.Z)),
                (box.Max.Z - l.Z, new Vec3(l.X, l.Y, box.Max.Z + Margin)),
            };
            var best = moves.MinBy(m => m.Item1);
            return c.ToYard(best.Item2);
        }
        return p;
    }

    private void Changed()
    {
        _grid.Clear();
        _last = null;
        _kernels = _sources.Select(s => new SourceKernel(s, _containers)).ToArray();
    }

    private static bool Overlap(Container a, Container b)
    {
        // Separating-axis test of the two footprints (rectangles).
        foreach (var heading in new[] { a.HeadingRad, b.HeadingRad })
        {
            foreach (var axis in new[] { new Vec3(Math.Cos(heading), Math.Sin(heading), 0), new Vec3(-Math.Sin(heading), Math.Cos(heading), 0) })
            {
                var (amin, amax) = Project(a, axis);
                var (bmin, bmax) = Project(b, axis);
                if (amax <= bmin || bmax <= amin) return false;
            }
        }
        return true;
    }

    private static (double Min, double Max) Project(Container c, Vec3 axis)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var (sx, sy) in new[] { (1, 1), (1, -1), (-1, 1), (-1, -1) })
        {
            var v = c.ToYard(new Vec3(sx * c.LengthM / 2, sy * c.WidthM / 2, 0)).Dot(axis);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return (min, max);
    }

    /// <summary>A source's constants per line, and its position in every container's frame, worked out once.</summary>
    private sealed class SourceKernel
    {
        public SourceKernel(PointSource source, List<ContainerPhysics> containers)
        {
            var data = NuclideData.Of(source.Nuclide);
            var first = NuclideData.FirstGroup(source.Nuclide);
            Position = source.Position;
            Groups = data.Lines.Select((_, i) => first + i).ToArray();
            Shares = data.Lines.Select(l => l.DoseShare).ToArray();
            AirMu = data.Lines.Select(l => Material.Air.LinearPerMetre(l.EnergyKeV, Material.Air.NominalDensityGPerCm3)).ToArray();
            GammaTimesActivity = data.GammaMicroSvM2PerMBqH * source.ActivityMBq;
            LocalPositions = containers.Select(c => c.Container.ToLocal(source.Position)).ToArray();
        }

        public Vec3 Position { get; }
        public int[] Groups { get; }
        public double[] Shares { get; }
        public double[] AirMu { get; }
        public double GammaTimesActivity { get; }
        public Vec3[] LocalPositions { get; }
    }
}
