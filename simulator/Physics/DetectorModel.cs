namespace Robot.Simulator.Physics;

/// <summary>
/// How the display averages: a time constant that adapts to the count rate so that it holds about
/// <see cref="TargetCounts"/> counts (slow near background, fast at high rates), clamped to
/// [<see cref="MinTimeConstantS"/>, <see cref="MaxTimeConstantS"/>] (SNT0570.md: 2 to 30 s near
/// background), and a restart when a window of <see cref="JumpWindowS"/> disagrees with the running
/// rate by more than <see cref="JumpSigma"/> standard deviations (0 turns the restart off).
/// </summary>
public sealed record DisplayResponse(double MinTimeConstantS = 2, double MaxTimeConstantS = 30, double TargetCounts = 400, double JumpSigma = 4, double JumpWindowS = 1)
{
    /// <summary>A plain exponential display with one time constant and no restart.</summary>
    public static DisplayResponse Fixed(double timeConstantS) => new(timeConstantS, timeConstantS, 1, 0, 1);

    internal void Validate()
    {
        if (!(MinTimeConstantS > 0 && MaxTimeConstantS >= MinTimeConstantS)) throw new ArgumentOutOfRangeException(nameof(MinTimeConstantS), "time constants must be positive, min <= max");
        if (!(TargetCounts > 0) || !(JumpSigma >= 0) || !(JumpWindowS > 0)) throw new ArgumentOutOfRangeException(nameof(TargetCounts), "target counts and jump window must be positive, jump sigma not negative");
    }
}

/// <summary>
/// A detector type: its counts per second per µSv/h against photon energy, dead time, range and
/// display. Presets from SNT0570.md: 2"x2" NaI about 1400 cps per µSv/h at 662 keV and about 700 for
/// Co-60; large plastic scintillator about 2200; energy-compensated GM tube about 1.7 (FH40G class),
/// GM dead time about 100 µs.
/// </summary>
public sealed class DetectorModel
{
    private readonly LogLogTable _sensitivity;

    public DetectorModel(string model, IEnumerable<(double EnergyKeV, double CpsPerMicroSvPerHour)> sensitivity, bool spectralDose, double deadTimeS, double maxMicroSvPerHour, DisplayResponse? display = null, bool deadTimeCorrected = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        _sensitivity = new LogLogTable(sensitivity.Select(p => (p.EnergyKeV, p.CpsPerMicroSvPerHour)));
        if (!(deadTimeS >= 0 && deadTimeS < 0.01)) throw new ArgumentOutOfRangeException(nameof(deadTimeS), deadTimeS, "dead time must be in [0, 10 ms)");
        if (!(maxMicroSvPerHour > 0)) throw new ArgumentOutOfRangeException(nameof(maxMicroSvPerHour), maxMicroSvPerHour, "range must be positive");
        Display = display ?? new DisplayResponse();
        Display.Validate();
        Model = model;
        SpectralDose = spectralDose;
        DeadTimeS = deadTimeS;
        MaxMicroSvPerHour = maxMicroSvPerHour;
        DeadTimeCorrected = deadTimeCorrected;
    }

    /// <summary>The model string the probe reports.</summary>
    public string Model { get; }

    /// <summary>
    /// True when the instrument weights each count by its energy (a NaI probe's spectrum-to-dose
    /// function G(E)), so the display is right at every energy; false when it divides all counts by
    /// its 662 keV calibration (plastic, GM), so the display carries the energy response.
    /// </summary>
    public bool SpectralDose { get; }

    /// <summary>Non-paralysable dead time per count, seconds.</summary>
    public double DeadTimeS { get; }

    /// <summary>Whether the display corrects the dead-time loss (m → m / (1 - m τ)).</summary>
    public bool DeadTimeCorrected { get; }

    /// <summary>Top of the range: above it the probe reports Saturated and pins its display.</summary>
    public double MaxMicroSvPerHour { get; }

    public DisplayResponse Display { get; }

    /// <summary>Counts per second per µSv/h at the 662 keV calibration energy.</summary>
    public double CalibrationSensitivity => SensitivityAt(662);

    /// <summary>Counts per second per µSv/h at a photon energy (log-log interpolation, clamped to the table ends).</summary>
    public double SensitivityAt(double energyKeV) => _sensitivity.At(energyKeV);

    /// <summary>
    /// 2"x2" NaI(Tl): 1400 cps per µSv/h at 662 keV and about 700 for Co-60 (SNT0570.md). The shape is
    /// counts per fluence over H*(10) per fluence: S(E) ∝ ε(E)·f(E)/h*(10)(E), with ε = 1 − exp(−µ·5.08 cm)
    /// the crystal's interaction probability on axis (NaI µ/ρ from NIST XCOM, ρ 3.67 g/cm³: 1.0 up to
    /// 200 keV, 0.75 at 662 keV, 0.62 at 1.25 MeV, 0.52 at 3 MeV), h*(10) from ICRP 74 and f the
    /// housing and threshold losses below 200 keV (0.73 at 60 keV, an approximation); normalised to
    /// 1400 at 662 keV. About 10 000 at 60 keV (several thousand), falling to 330 at 3 MeV. Dead time
    /// 2 µs, range to 100 µSv/h, spectral dose display.
    /// </summary>
    public static DetectorModel NaI2x2 { get; } = new("sim-NaI-2x2",
        [(50, 8860), (59.5, 10000), (80, 10500), (100, 9800), (150, 7300), (200, 5600), (300, 3710), (400, 2570), (500, 1950),
         (662, 1400), (800, 1130), (1000, 884), (1250, 700), (1500, 595), (2000, 453), (3000, 326)],
        spectralDose: true, deadTimeS: 2e-6, maxMicroSvPerHour: 100);

    /// <summary>
    /// Large plastic scintillator (PVT, about 5 cm deep): 2200 cps per µSv/h at 662 keV (SNT0570.md).
    /// Shape as for NaI, S ∝ ε·t/h*(10): ε = 1 − exp(−µ·5 cm) with polystyrene-like µ/ρ (Compton only:
    /// 0.33 at 662 keV) and t the share of interactions that deposit more than a 20 keV threshold
    /// (Compton edge 11 keV at 60 keV, 28 keV at 100 keV: 0.04 at 60 keV, 0.3 at 100 keV, 1 above
    /// 600 keV; approximations). About 1200 at 60 keV, a peak near 150 keV, 1070 at 1.25 MeV,
    /// 380 at 3 MeV. Its light output is proportional to the energy deposited and plastic is close to
    /// tissue-equivalent, so a dose-rate meter that sums pulse heights reads dose right across
    /// energies: modelled as a spectral dose (an exact G(E)) on top of energy-dependent counts. Dead time
    /// 1 µs, range to 50 µSv/h.
    /// </summary>
    public static DetectorModel PlasticLarge { get; } = new("sim-plastic-large",
        [(50, 710), (59.5, 1170), (80, 4000), (100, 6700), (150, 8550), (200, 7800), (300, 5470), (400, 3950), (500, 3040),
         (662, 2200), (800, 1760), (1000, 1340), (1250, 1065), (1500, 865), (2000, 607), (3000, 381)],
        spectralDose: true, deadTimeS: 1e-6, maxMicroSvPerHour: 50);

    /// <summary>
    /// The lowest counts per second per µSv/h between 50 keV and 3 MeV: dividing counts by it never
    /// under-reads a source in that range (the conservative conversion of a probe without a spectrum).
    /// </summary>
    public double LowestSensitivity(double fromKeV = 50, double toKeV = 3000)
    {
        var lowest = Math.Min(SensitivityAt(fromKeV), SensitivityAt(toKeV));
        foreach (var (e, s) in _sensitivity.Points)
        {
            if (e >= fromKeV && e <= toKeV) lowest = Math.Min(lowest, s);
        }
        return lowest;
    }

    /// <summary>
    /// Energy-compensated GM tube, FH40G low-dose class: about 1.7 cps per µSv/h at 662 keV, flat within
    /// ±30 % over 50 keV to 3 MeV (SNT0570.md; the shape of a filtered tube: the filter pulls the
    /// low-energy over-response down to 1.3 at 50 keV, a shallow peak of 2.0 near 100 to 150 keV, a
    /// slow fall to 1.45 at 3 MeV; an approximation of data-sheet curves). Not spectral: the display
    /// divides every count by 1.7, so it carries this energy response. Dead time 100 µs
    /// non-paralysable and corrected in the display; range to 1 Sv/h.
    /// </summary>
    public static DetectorModel GmEnergyCompensated { get; } = new("sim-GM-FH40G",
        [(50, 1.3), (59.5, 1.5), (80, 1.8), (100, 2.0), (150, 2.0), (200, 1.9), (300, 1.8), (500, 1.75), (662, 1.7), (1000, 1.6), (1250, 1.55), (2000, 1.5), (3000, 1.45)],
        spectralDose: false, deadTimeS: 100e-6, maxMicroSvPerHour: 1e6);

    public static DetectorModel ByName(string name) => name.ToLowerInvariant() switch
    {
        "nai" or "sim-nai-2x2" => NaI2x2,
        "plastic" or "sim-plastic-large" => PlasticLarge,
        "gm" or "sim-gm-fh40g" => GmEnergyCompensated,
        _ => throw new ArgumentException($"unknown detector '{name}' (nai, plastic, gm)", nameof(name)),
    };

    /// <summary>A copy with another display response.</summary>
    public DetectorModel WithDisplay(DisplayResponse display) =>
        new(Model, _sensitivity.Points, SpectralDose, DeadTimeS, MaxMicroSvPerHour, display, DeadTimeCorrected);

    public override string ToString() => Model;
}
