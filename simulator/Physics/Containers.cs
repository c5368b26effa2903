namespace Robot.Simulator.Physics;

public enum ContainerType
{
    /// <summary>20 ft (1C).</summary>
    Iso20,
    /// <summary>40 ft (1A).</summary>
    Iso40,
    /// <summary>40 ft high cube (1AAA).</summary>
    Iso40HighCube,
}

/// <summary>ISO 668 outside dimensions, metres (SNT0570.md: 20 ft 6.058 x 2.438 x 2.591; 40 ft 12.192 x 2.438 x 2.591; 40 ft high cube 2.896 high).</summary>
public static class Iso668
{
    public static (double Length, double Width, double Height) Outside(ContainerType type) => type switch
    {
        ContainerType.Iso20 => (6.058, 2.438, 2.591),
        ContainerType.Iso40 => (12.192, 2.438, 2.591),
        ContainerType.Iso40HighCube => (12.192, 2.438, 2.896),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown container type"),
    };
}

/// <summary>
/// Natural activity of bulk cargo in Bq/kg: K-40, the U-238 series (taken as Ra-226 in equilibrium)
/// and the Th-232 chain.
/// </summary>
public readonly record struct NaturalActivity(double K40BqPerKg, double U238BqPerKg, double Th232BqPerKg)
{
    /// <summary>
    /// ICRU 57 / ICRP 74 ratio H*(10)/Ka, about 1.2 Sv/Gy for the 0.3 to 1.5 MeV photons that carry the
    /// terrestrial dose (1.21 at 0.6 MeV, 1.17 at 1 MeV). Converts the UNSCEAR air kerma to what a
    /// dose-rate meter displays.
    /// </summary>
    public const double AmbientDoseEquivalentPerAirKerma = 1.2;

    /// <summary>UNSCEAR 2000: air kerma rate 1 m above an infinite half space, nGy/h = 0.0417 K + 0.462 U + 0.604 Th (SNT0570.md).</summary>
    public double HalfSpaceAirKermaNGyPerHour => 0.0417 * K40BqPerKg + 0.462 * U238BqPerKg + 0.604 * Th232BqPerKg;

    /// <summary>The same as H*(10) in µSv/h, split into the K-40, Ra-226 and Th-232 dose groups.</summary>
    internal (double K, double U, double Th) HalfSpaceMicroSvPerHour =>
        (0.0417 * K40BqPerKg * 1e-3 * AmbientDoseEquivalentPerAirKerma,
         0.462 * U238BqPerKg * 1e-3 * AmbientDoseEquivalentPerAirKerma,
         0.604 * Th232BqPerKg * 1e-3 * AmbientDoseEquivalentPerAirKerma);

    public bool IsZero => K40BqPerKg == 0 && U238BqPerKg == 0 && Th232BqPerKg == 0;
}

/// <summary>
/// The load: a homogeneous slab of a material at an effective (bulk) density filling the container's
/// inside from the floor up to <see cref="FillFraction"/> of its inside height, full length and width.
/// Loose scrap is 1 to 2 g/cm³ of iron (SNT0570.md).
/// </summary>
public sealed record Cargo(Material Material, double DensityGPerCm3, double FillFraction = 1.0, NaturalActivity Natural = default)
{
    public static Cargo Scrap(double densityGPerCm3 = 1.5, double fillFraction = 1.0) => new(Material.Iron, densityGPerCm3, fillFraction);

    internal void Validate()
    {
        if (!(DensityGPerCm3 > 0 && DensityGPerCm3 <= 20)) throw new ArgumentOutOfRangeException(nameof(DensityGPerCm3), DensityGPerCm3, "cargo density must be in (0, 20] g/cm³");
        if (!(FillFraction > 0 && FillFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(FillFraction), FillFraction, "fill fraction must be in (0, 1]");
        if (Natural.K40BqPerKg < 0 || Natural.U238BqPerKg < 0 || Natural.Th232BqPerKg < 0) throw new ArgumentOutOfRangeException(nameof(Natural), Natural, "activities must not be negative");
    }
}

/// <summary>
/// Steel of a container's six faces as effective iron thicknesses along the face normal, metres.
/// </summary>
public sealed record ContainerWalls(double SideM, double FrontEndM, double DoorEndM, double RoofM, double FloorM)
{
    /// <summary>
    /// An ISO steel box: side walls and front end 1.6 mm corrugated sheet; the trapezoidal corrugation
    /// develops about 1.15 times the projected length, so the steel per unit area along the normal is
    /// 1.6 × 1.15 = 1.84 mm. Roof and door panels about 2 mm (SNT0570.md: 1.6 to 2 mm). Floor: 28 mm
    /// plywood (0.7 g/cm³, 1.96 g/cm²) on steel cross members (flanges and webs averaged over the
    /// footprint, about 2.5 g/cm²): 4.5 g/cm², taken as 5.7 mm of iron by mass (Compton-dominated above
    /// 200 keV, where wood and iron attenuate alike per g/cm²; it overstates the floor at 60 keV, which
    /// only matters for rays into the ground).
    /// </summary>
    public static ContainerWalls Iso { get; } = new(0.00184, 0.00184, 0.002, 0.002, 0.0057);

    /// <summary>The same thickness on every face.</summary>
    public static ContainerWalls Uniform(double thicknessM) => new(thicknessM, thicknessM, thicknessM, thicknessM, thicknessM);

    internal void Validate()
    {
        foreach (var t in new[] { SideM, FrontEndM, DoorEndM, RoofM, FloorM })
        {
            if (!(t > 0 && t < 0.1)) throw new ArgumentOutOfRangeException(nameof(SideM), t, "wall thickness must be in (0, 0.1) m (ISO boxes: 1.6 to 2 mm)");
        }
    }
}

/// <summary>
/// A container standing in the yard: ISO 668 outside box, its long axis at <see cref="HeadingRad"/>
/// (counter-clockwise from x), the footprint centred on (<see cref="CentreX"/>, <see cref="CentreY"/>),
/// standing on the ground. Steel per face from <see cref="ContainerWalls"/> (ISO default: corrugated
/// sides and front end, door end, roof, plywood floor as iron-equivalent), or one thickness for all
/// faces when <c>wallThicknessM</c> is given. Local frame: x along the long axis from the centre (+x is
/// the door end), y across to the left, z up from the ground.
/// </summary>
public sealed class Container
{
    public Container(ContainerType type, double centreX, double centreY, double headingRad, Cargo? cargo = null, double? wallThicknessM = null, string? id = null)
        : this(type, Iso668.Outside(type), centreX, centreY, headingRad, cargo, WallsFrom(wallThicknessM), id)
    {
    }

    public Container(ContainerType type, double centreX, double centreY, double headingRad, Cargo? cargo, ContainerWalls walls, string? id = null)
        : this(type, Iso668.Outside(type), centreX, centreY, headingRad, cargo, walls, id)
    {
    }

    /// <summary>A box of any size (for checks against the infinite-geometry formulas, not a real container).</summary>
    internal static Container Custom(double lengthM, double widthM, double heightM, double centreX, double centreY, Cargo? cargo, double wallThicknessM) =>
        new(ContainerType.Iso20, (lengthM, widthM, heightM), centreX, centreY, 0, cargo, ContainerWalls.Uniform(wallThicknessM), "custom");

    private static ContainerWalls WallsFrom(double? uniform)
    {
        if (uniform is not { } t) return ContainerWalls.Iso;
        if (!(t > 0 && t < 0.1)) throw new ArgumentOutOfRangeException("wallThicknessM", t, "wall thickness must be in (0, 0.1) m (ISO boxes: 1.6 to 2 mm)");
        return ContainerWalls.Uniform(t);
    }

    private Container(ContainerType type, (double Length, double Width, double Height) size, double centreX, double centreY, double headingRad, Cargo? cargo, ContainerWalls walls, string? id)
    {
        var (l, w, h) = size;
        if (!double.IsFinite(centreX) || !double.IsFinite(centreY) || !double.IsFinite(headingRad)) throw new ArgumentException("the container pose must be finite");
        ArgumentNullException.ThrowIfNull(walls);
        walls.Validate();
        cargo?.Validate();
        Type = type;
        Id = id ?? type.ToString();
        CentreX = centreX;
        CentreY = centreY;
        HeadingRad = headingRad;
        Cargo = cargo;
        Walls = walls;
        LengthM = l;
        WidthM = w;
        HeightM = h;
        _cos = Math.Cos(headingRad);
        _sin = Math.Sin(headingRad);
        Outer = new Box(new Vec3(-l / 2, -w / 2, 0), new Vec3(l / 2, w / 2, h));
        Inner = new Box(new Vec3(-l / 2 + walls.FrontEndM, -w / 2 + walls.SideM, walls.FloorM), new Vec3(l / 2 - walls.DoorEndM, w / 2 - walls.SideM, h - walls.RoofM));
        if (cargo is not null)
        {
            var top = Inner.Min.Z + (Inner.Max.Z - Inner.Min.Z) * cargo.FillFraction;
            CargoBox = new Box(Inner.Min, new Vec3(Inner.Max.X, Inner.Max.Y, top));
        }
    }

    private readonly double _cos, _sin;

    public string Id { get; }
    public ContainerType Type { get; }
    public double CentreX { get; }
    public double CentreY { get; }
    public double HeadingRad { get; }
    public double LengthM { get; }
    public double WidthM { get; }
    public double HeightM { get; }

    /// <summary>Steel of each face.</summary>
    public ContainerWalls Walls { get; }

    /// <summary>Effective steel of the side walls (the faces the robot measures along), metres.</summary>
    public double WallThicknessM => Walls.SideM;
    public Cargo? Cargo { get; }
    internal Box Outer { get; }
    internal Box Inner { get; }
    internal Box? CargoBox { get; }

    /// <summary>A point in the container's frame to the yard frame.</summary>
    public Vec3 ToYard(Vec3 local) => new(CentreX + local.X * _cos - local.Y * _sin, CentreY + local.X * _sin + local.Y * _cos, local.Z);

    /// <summary>A point in the yard frame to the container's frame.</summary>
    public Vec3 ToLocal(Vec3 yard)
    {
        var dx = yard.X - CentreX;
        var dy = yard.Y - CentreY;
        return new(dx * _cos + dy * _sin, -dx * _sin + dy * _cos, yard.Z);
    }

    /// <summary>A direction in the yard frame to the container's frame.</summary>
    internal Vec3 DirectionToLocal(Vec3 d) => new(d.X * _cos + d.Y * _sin, -d.X * _sin + d.Y * _cos, d.Z);

    /// <summary>True when the point is inside the outside box (walls included).</summary>
    public bool Contains(Vec3 yardPoint) => Outer.Contains(ToLocal(yardPoint));

    public override string ToString() => $"{Id} ({Type}) at ({CentreX:0.###}, {CentreY:0.###}) heading {HeadingRad:0.###} rad";
}
