namespace Robot.Simulator.Physics;

/// <summary>
/// A shielding material: its mass attenuation coefficient µ/ρ (cm²/g, narrow beam, coherent
/// included) against photon energy, interpolated log-log. Tables from NIST XCOM; the iron values at
/// 59.5, 662 and 1250 keV are pinned to SNT0570.md (µ = 9.5, 0.576 and 0.421 /cm at ρ = 7.874 g/cm³).
/// </summary>
public sealed class Material
{
    private static readonly double[] Energies = [50, 59.5, 80, 100, 150, 200, 300, 400, 500, 600, 662, 800, 1000, 1250, 1500, 2000, 3000];
    private readonly LogLogTable _muRho;

    private Material(string name, double nominalDensity, int kind, double[] muRho)
    {
        Kind = kind;
        if (muRho.Length != Energies.Length) throw new ArgumentException("one value per table energy", nameof(muRho));
        Name = name;
        NominalDensityGPerCm3 = nominalDensity;
        _muRho = new LogLogTable(Energies.Zip(muRho));
    }

    public string Name { get; }
    public double NominalDensityGPerCm3 { get; }

    /// <summary>Which ANSI/ANS-6.4.3 build-up table the material takes (<see cref="BuildUp"/>): 0 iron, 1 water (also air), 2 concrete.</summary>
    public int Kind { get; }

    /// <summary>Iron / steel (container walls; scrap metal at its effective bulk density).</summary>
    public static Material Iron { get; } = new("iron", 7.874, 0,
        [1.958, 9.5 / 7.874, 0.5952, 0.3717, 0.1964, 0.1460, 0.1099, 0.0940, 0.08414, 0.07704, 0.576 / 7.874, 0.06699, 0.05995, 0.421 / 7.874, 0.04883, 0.04265, 0.03621]);

    /// <summary>Dry air at sea level: about 0.93 %/m at 662 keV ("about 1 % per metre", SNT0570.md).</summary>
    public static Material Air { get; } = new("air", 1.205e-3, 1,
        [0.2080, 0.1875, 0.1662, 0.1541, 0.1356, 0.1233, 0.1067, 0.09549, 0.08712, 0.08055, 0.07750, 0.07074, 0.06358, 0.05687, 0.05175, 0.04447, 0.03581]);

    /// <summary>Water: the stand-in for organic cargo (paper, plastics, textiles, food).</summary>
    public static Material Water { get; } = new("water", 1.0, 1,
        [0.2269, 0.2059, 0.1837, 0.1707, 0.1505, 0.1370, 0.1186, 0.1061, 0.09687, 0.08956, 0.08574, 0.07865, 0.07072, 0.06323, 0.05754, 0.04942, 0.03969]);

    /// <summary>Ordinary concrete: the stand-in for minerals, ore, soil, glass and ceramics.</summary>
    public static Material Concrete { get; } = new("concrete", 2.3, 2,
        [0.3466, 0.2666, 0.2016, 0.1742, 0.1452, 0.1274, 0.1078, 0.09639, 0.08795, 0.08123, 0.07772, 0.07129, 0.06413, 0.05733, 0.05222, 0.04487, 0.03621]);

    public static Material ByName(string name) => name.ToLowerInvariant() switch
    {
        "iron" or "steel" => Iron,
        "air" => Air,
        "water" or "organic" => Water,
        "concrete" or "mineral" or "soil" => Concrete,
        _ => throw new ArgumentException($"unknown material '{name}' (iron, air, water, concrete)", nameof(name)),
    };

    /// <summary>µ/ρ in cm²/g at the given energy (log-log interpolation, clamped to the table ends).</summary>
    public double MassAttenuation(double energyKeV) => _muRho.At(energyKeV);

    /// <summary>Linear attenuation coefficient in 1/m at a density in g/cm³.</summary>
    public double LinearPerMetre(double energyKeV, double densityGPerCm3) => MassAttenuation(energyKeV) * densityGPerCm3 * 100;

    public override string ToString() => Name;
}
