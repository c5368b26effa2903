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
    /// <summary>The Th-232 chain in equilibrium (Ac-228, Pb-212, Bi-212, Tl-208).</summary>
    Th232,
    Ba133,
    I131,
}

/// <summary>
/// One gamma line of a nuclide: energy, emission probability per decay of the parent (chains in
/// equilibrium), and its share of the nuclide's dose-rate constant.
/// </summary>
public readonly record struct PhotonLine(Nuclide Nuclide, double EnergyKeV, double Yield, double DoseShare);

/// <summary>
/// A nuclide's dose-rate constant and its photon lines. The field is kept per photon line ("dose
/// group"): group 0 is the natural background, then every line of every nuclide in a fixed order
/// (<see cref="FirstGroup"/>, <see cref="LineCount"/>), so attenuation, build-up and the detector's
/// energy response act line by line.
/// </summary>
public sealed class NuclideData
{
    /// <summary>Group index of the natural background (terrestrial + cosmic).</summary>
    public const int BackgroundGroup = 0;

    /// <summary>
    /// Effective energy used to attenuate the ground (terrestrial) component through a container:
    /// 700 keV, between the K-40/U/Th primary lines and the scattered continuum below 400 keV that
    /// carries about half of the ground dose. An approximation, documented here.
    /// </summary>
    public const double GroundEffectiveEnergyKeV = 700;

    // ICRP 74 (1996) Table A.21 / ICRU 57: H*(10) per photon fluence, pSv·cm², 50 keV to 4 MeV.
    private static readonly LogLogTable HStarPerFluence = new([
        (50, 0.55), (60, 0.51), (80, 0.53), (100, 0.61), (150, 0.89), (200, 1.20), (300, 1.80), (400, 2.38), (500, 2.93),
        (600, 3.44), (800, 4.38), (1000, 5.20), (1500, 6.90), (2000, 8.60), (3000, 11.1), (4000, 13.4)]);

    private static readonly NuclideData[] All = Build();
    private static readonly PhotonLine[] LinesByGroup = [default, .. All.SelectMany(n => n.Lines)];
    private static readonly int[] First = All.Select((n, i) => 1 + All.Take(i).Sum(p => p.Lines.Count)).ToArray();

    /// <summary>Number of dose groups: the background plus one per photon line of every nuclide.</summary>
    public static int GroupCount { get; } = LinesByGroup.Length;

    private NuclideData(Nuclide nuclide, double gamma, (double EnergyKeV, double Yield)[] lines)
    {
        Nuclide = nuclide;
        GammaMicroSvM2PerMBqH = gamma;
        // Share of Γ per line in proportion to yield × H*(10)/Φ(E): the unshielded H*(10) each line gives
        // (fluence per decay ∝ yield; ICRP 74 converts fluence to H*(10)). The shares sum to 1 exactly.
        var weights = lines.Select(l => l.Yield * HStarPerFluence.At(l.EnergyKeV)).ToArray();
        var sum = weights.Sum();
        Lines = lines.Select((l, i) => new PhotonLine(nuclide, l.EnergyKeV, l.Yield, weights[i] / sum)).ToArray();
    }

    public Nuclide Nuclide { get; }

    /// <summary>H*(10) rate constant at 1 m, µSv·m²/(MBq·h).</summary>
    public double GammaMicroSvM2PerMBqH { get; }

    public IReadOnlyList<PhotonLine> Lines { get; }

    /// <summary>
    /// The constant computed from the lines alone: Σ yield·h*(10)(E)·10⁶ s⁻¹ / (4π·(100 cm)²) in µSv/h per
    /// MBq at 1 m. It reproduces the table within a few % where X-rays below 50 keV carry little dose.
    /// </summary>
    public double GammaFromLines => Lines.Sum(l => l.Yield * HStarPerFluence.At(l.EnergyKeV)) * 1e-12 * 1e6 / (4 * Math.PI * 1e4) * 3600 * 1e6;

    /// <summary>ICRP 74 H*(10) per fluence at an energy, pSv·cm² (log-log interpolation).</summary>
    public static double AmbientDosePerFluence(double energyKeV) => HStarPerFluence.At(energyKeV);

    public static NuclideData Of(Nuclide nuclide) =>
        (int)nuclide >= 0 && (int)nuclide < All.Length ? All[(int)nuclide] : throw new ArgumentOutOfRangeException(nameof(nuclide), nuclide, "unknown nuclide");

    /// <summary>Group of the nuclide's first line (its only line for Cs-137, Am-241 and K-40).</summary>
    public static int Group(Nuclide nuclide) => FirstGroup(nuclide);

    public static int FirstGroup(Nuclide nuclide) => First[(int)Of(nuclide).Nuclide];

    public static int LineCount(Nuclide nuclide) => Of(nuclide).Lines.Count;

    /// <summary>The photon line of a group (not for the background group).</summary>
    public static PhotonLine LineOf(int group) => group > 0 && group < LinesByGroup.Length ? LinesByGroup[group] : throw new ArgumentOutOfRangeException(nameof(group), group, "not a line group");

    /// <summary>The photon energy of each dose group (the background group uses 662 keV, the usual calibration energy).</summary>
    public static double GroupEnergyKeV(int group) => group == BackgroundGroup ? 662 : LineOf(group).EnergyKeV;

    /// <summary>Adds an unshielded dose rate of a nuclide to its line groups, split by the lines' dose shares.</summary>
    public static void AddUnshielded(Nuclide nuclide, double microSvPerHour, Span<double> groups)
    {
        var first = FirstGroup(nuclide);
        var lines = Of(nuclide).Lines;
        for (var i = 0; i < lines.Count; i++) groups[first + i] += microSvPerHour * lines[i].DoseShare;
    }

    /// <summary>
    /// Dose-rate constants H*(10) at 1 m, µSv·m²/(MBq·h), from SNT0570.md "Physics for the simulator":
    /// Cs-137 0.093, Co-60 0.35, Ir-192 0.13, Ra-226 with daughters 0.22, Th-232 chain 0.26, K-40 0.021,
    /// Am-241 0.0058 (H*(10) of its 59.5 keV line; 0.004 is nearer its air-kerma constant).
    /// Ba-133 0.062 and I-131 0.064: no tabulated H*(10) constant was at hand to cite, so these are
    /// computed from the lines below with ICRP 74 h*(10)(E) (<see cref="GammaFromLines"/>; the same sum
    /// gives Cs-137 0.091, Co-60 0.348, K-40 0.0207, Ir-192 0.134, Ra-226 0.220, Th-232 0.265). Published Ba-133 constants
    /// (0.07 to 0.09) also count the 31-35 keV Cs K X-rays (about 1.2 per decay), which a 1.6 mm
    /// steel wall stops completely (µ ≈ 60 /cm): they are left out, as are X-rays below 50 keV of the others.
    ///
    /// Lines and yields per decay of the parent (ENSDF / DDEP recommended data, chains in secular
    /// equilibrium; other lines under about 2 % left out):
    /// Cs-137 (Ba-137m) 661.7 keV 85.1 %. Co-60 1173.2 99.85 %, 1332.5 99.98 %.
    /// Ir-192 296.0 28.7, 308.5 29.7, 316.5 82.9, 468.1 47.8, 484.6 3.2, 588.6 4.5, 604.4 8.2, 612.5 5.3 %.
    /// Ra-226 186.2 3.6; Pb-214 242.0 7.3, 295.2 18.4, 351.9 35.6; Bi-214 609.3 45.5, 665.5 1.5, 768.4 4.9,
    /// 806.2 1.3, 934.1 3.1, 1120.3 14.9, 1155.2 1.6, 1238.1 5.8, 1281.0 1.4, 1377.7 4.0, 1401.5 1.3, 1408.0 2.4,
    /// 1509.2 2.1, 1661.3 1.1, 1729.6 2.9, 1764.5 15.3, 1847.4 2.0, 2118.6 1.2, 2204.2 4.9, 2447.9 1.6 % (the
    /// small Bi-214 lines carry 15 % of the series' dose and most of what passes thick cargo).
    /// Am-241 59.5 keV 35.9 %. K-40 1460.8 keV 10.66 %.
    /// Th-232 chain: Ac-228 209.3 3.9, 270.2 3.5, 338.3 11.3, 463.0 4.4, 794.9 4.3, 911.2 25.8, 964.8 5.0,
    /// 969.0 15.8, 1588.2 3.2; Pb-212 238.6 43.6, 300.1 3.2; Bi-212 727.3 6.7; Tl-208 (35.94 % branch)
    /// 510.8 8.1, 583.2 30.6, 860.6 4.5, 2614.5 35.9 %.
    /// Ba-133 53.2 2.1, 81.0 35.6 (with 79.6), 276.4 7.2, 302.9 18.3, 356.0 62.1, 383.8 8.9 %.
    /// I-131 80.2 2.6, 284.3 6.1, 364.5 81.5, 637.0 7.2, 722.9 1.8 %.
    /// </summary>
    private static NuclideData[] Build() =>
    [
        new(Nuclide.Cs137, 0.093, [(661.657, 0.851)]),
        new(Nuclide.Co60, 0.35, [(1173.228, 0.9985), (1332.492, 0.9998)]),
        new(Nuclide.Ir192, 0.13, [(295.956, 0.2867), (308.455, 0.2968), (316.506, 0.8286), (468.069, 0.4784), (484.575, 0.0318), (588.581, 0.0452), (604.411, 0.0820), (612.462, 0.0534)]),
        new(Nuclide.Ra226, 0.22, [(186.21, 0.0364), (241.997, 0.0727), (295.224, 0.1842), (351.932, 0.3560), (609.312, 0.4549), (665.453, 0.0153), (768.356, 0.0489),
            (806.174, 0.0126), (934.061, 0.0310), (1120.287, 0.1491), (1155.19, 0.0163), (1238.111, 0.0583), (1280.96, 0.0143), (1377.669, 0.0398), (1401.50, 0.0133),
            (1407.98, 0.0239), (1509.228, 0.0213), (1661.28, 0.0105), (1729.595, 0.0288), (1764.494, 0.1531), (1847.420, 0.0203), (2118.55, 0.0116), (2204.21, 0.0492),
            (2447.86, 0.0155)]),
        new(Nuclide.Am241, 0.0058, [(59.5409, 0.3592)]),
        new(Nuclide.K40, 0.021, [(1460.82, 0.1066)]),
        new(Nuclide.Th232, 0.26, [(209.25, 0.0389), (238.632, 0.436), (270.245, 0.0346), (300.09, 0.0318), (338.32, 0.1127), (463.004, 0.0440), (510.77, 0.0812),
            (583.187, 0.3055), (727.33, 0.0667), (794.947, 0.0425), (860.557, 0.0449), (911.204, 0.258), (964.766, 0.0499), (968.971, 0.158), (1588.19, 0.0322), (2614.511, 0.3586)]),
        new(Nuclide.Ba133, 0.062, [(53.16, 0.0214), (80.997, 0.3555), (276.40, 0.0716), (302.85, 0.1834), (356.01, 0.6205), (383.85, 0.0894)]),
        new(Nuclide.I131, 0.064, [(80.185, 0.0262), (284.305, 0.0612), (364.49, 0.815), (636.99, 0.0716), (722.91, 0.0177)]),
    ];
}
