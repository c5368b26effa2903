namespace Robot.Simulator.Physics;

/// <summary>A container with its attenuation coefficients worked out once per dose group (1/m).</summary>
internal sealed class ContainerPhysics
{
    public ContainerPhysics(Container container)
    {
        Container = container;
        WallMu = new double[NuclideData.GroupCount];
        CargoMu = new double[NuclideData.GroupCount];
        CargoKind = container.Cargo?.Material.Kind ?? 0;
        for (var g = 0; g < NuclideData.GroupCount; g++)
        {
            var e = NuclideData.GroupEnergyKeV(g);
            WallMu[g] = Material.Iron.LinearPerMetre(e, Material.Iron.NominalDensityGPerCm3);
            CargoMu[g] = container.Cargo is { } c ? c.Material.LinearPerMetre(e, c.DensityGPerCm3) : 0;
        }
        WallMuGround = Material.Iron.LinearPerMetre(NuclideData.GroundEffectiveEnergyKeV, Material.Iron.NominalDensityGPerCm3);
        CargoMuGround = container.Cargo is { } cg ? cg.Material.LinearPerMetre(NuclideData.GroundEffectiveEnergyKeV, cg.DensityGPerCm3) : 0;
        InverseFine = Array.ConvertAll(VolumeIntegrals.Fine, Inverse);
        InverseCoarse = Array.ConvertAll(VolumeIntegrals.Coarse, Inverse);
        var groups = VolumeIntegrals.BulkGroups;
        BulkWeights = new double[groups.Length];
        BulkTables = [];
        if (container.Cargo is { Natural.IsZero: false } bulk)
        {
            HasBulk = true;
            var (k, u, th) = bulk.Natural.HalfSpaceMicroSvPerHour;
            double[] series = [k, u, th];
            BulkTables = new BulkYieldTable[groups.Length];
            for (var j = 0; j < groups.Length; j++)
            {
                BulkWeights[j] = series[VolumeIntegrals.BulkSeries[j]] * NuclideData.LineOf(groups[j]).DoseShare;
                BulkTables[j] = BulkYieldTable.For(CargoKind, groups[j]);
            }
        }
    }

    public Container Container { get; }
    public double[] WallMu { get; }
    public double[] CargoMu { get; }

    /// <summary>The build-up kind of the cargo (<see cref="Material.Kind"/>; iron when empty).</summary>
    public int CargoKind { get; }
    public double WallMuGround { get; }
    public double CargoMuGround { get; }
    public bool HasBulk { get; }

    /// <summary>UNSCEAR half-space H*(10) of each bulk line (µSv/h), indexed like <see cref="VolumeIntegrals.BulkGroups"/>.</summary>
    public double[] BulkWeights { get; }

    public BulkYieldTable[] BulkTables { get; }

    /// <summary>Reciprocals of <see cref="VolumeIntegrals.Fine"/> and <see cref="VolumeIntegrals.Coarse"/> in this container's frame.</summary>
    public Vec3[] InverseFine { get; }

    public Vec3[] InverseCoarse { get; }

    private Vec3 Inverse(Vec3 yardDirection)
    {
        var l = Container.DirectionToLocal(yardDirection);
        return new Vec3(1 / l.X, 1 / l.Y, 1 / l.Z);
    }

    /// <summary>Steel and cargo path lengths (m) of the ray o + t·d (container frame), t in [0, tMax].</summary>
    public void Paths(Vec3 o, Vec3 d, double tMax, out double steel, out double cargo)
    {
        steel = 0;
        cargo = 0;
        var c = Container;
        if (!c.Outer.Clip(o, d, 0, tMax, out var t0, out var t1)) return;
        steel = (t1 - t0) - c.Inner.ChordLength(o, d, 0, tMax);
        if (c.CargoBox is { } box) cargo = box.ChordLength(o, d, 0, tMax);
    }
}
