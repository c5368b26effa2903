namespace Robot.Simulator.Physics;

/// <summary>The gamma emitters the simulated yard knows.</summary>
public enum Nuclide
{
    Cs137,
    Co60,
    Ir192,
    /// <summary>Ra-226 in equilibrium with its short-lived daughters (Pb-214, Bi-214); the uranium series of natural material.</summary>
    Ra226,
    Am241,
    K40,
    /// <summary>The Th-232 chain in equilibrium (Ac-228, Pb-212, Tl-208).</summary>
    Th232,
}

/// <summary>
/// Dose-rate constant and the single photon energy the simulator uses for attenuation and detector
/// response. The field is kept per nuclide ("dose group") so a detector can weight each group by its
/// own energy response; group 0 is the natural background.
/// </summary>
public readonly record struct NuclideData(Nuclide Nuclide, double GammaMicroSvM2PerMBqH, double EnergyKeV)
{
    /// <summary>Number of dose groups: the background plus one per nuclide.</summary>
    public const int GroupCount = 8;

    /// <summary>Group index of the natural background (terrestrial + cosmic).</summary>
    public const int BackgroundGroup = 0;

    /// <summary>
    /// Effective energy used to attenuate the ground (terrestrial) component through a container:
    /// 700 keV, between the K-40/U/Th primary lines and the scattered continuum below 400 keV that
    /// carries about half of the ground dose. An approximation, documented here.
    /// </summary>
    public const double GroundEffectiveEnergyKeV = 700;

    public static int Group(Nuclide nuclide) => (int)nuclide + 1;

    /// <summary>
    /// Dose-rate constants H*(10) at 1 m, µSv·m²/(MBq·h), from SNT0570.md "Physics for the simulator"
    /// (Cs-137 0.093, Co-60 0.35, Ir-192 0.13, Ra-226 with daughters 0.22, Th-232 chain 0.26,
    /// K-40 0.021, Am-241 0.004). Energies: Cs-137 662 keV, Co-60 1250 keV (mean of 1173 and 1332),
    /// Am-241 59.5 keV and K-40 1461 keV are the nuclides' main lines. The others are approximations:
    /// Ir-192 380 keV (intensity-weighted mean of its 296 to 612 keV lines), Ra-226 with daughters
    /// 800 keV (Pb-214 295/352 and Bi-214 609/1120/1764 keV), Th-232 chain 1100 keV (Pb-212 239,
    /// Ac-228 911/969, Tl-208 583/2614 keV). One line per nuclide underestimates the transmission of
    /// the hardest lines (Bi-214 1764, Tl-208 2614) behind thick cargo.
    /// </summary>
    public static NuclideData Of(Nuclide nuclide) => nuclide switch
    {
        Nuclide.Cs137 => new(nuclide, 0.093, 662),
        Nuclide.Co60 => new(nuclide, 0.35, 1250),
        Nuclide.Ir192 => new(nuclide, 0.13, 380),
        Nuclide.Ra226 => new(nuclide, 0.22, 800),
        Nuclide.Am241 => new(nuclide, 0.004, 59.5),
        Nuclide.K40 => new(nuclide, 0.021, 1461),
        Nuclide.Th232 => new(nuclide, 0.26, 1100),
        _ => throw new ArgumentOutOfRangeException(nameof(nuclide), nuclide, "unknown nuclide"),
    };

    /// <summary>The attenuation energy of each dose group (the background group uses 662 keV, the usual calibration energy).</summary>
    public static double GroupEnergyKeV(int group) => group == BackgroundGroup ? 662 : Of((Nuclide)(group - 1)).EnergyKeV;
}
