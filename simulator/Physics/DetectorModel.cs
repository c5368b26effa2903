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
    /// 2"x2" NaI(Tl): 1400 cps per µSv/h at 662 keV, 700 at Co-60 (SNT0570.md); 10000 at 59.5 keV and
    /// 420 at 2 MeV are approximations (a NaI crystal stops nearly every low-energy photon while
    /// H*(10) per photon is small there). Dead time 2 µs, range to 100 µSv/h, spectral dose display.
    /// </summary>
    public static DetectorModel NaI2x2 { get; } = new("sim-NaI-2x2", [(59.5, 10000), (662, 1400), (1250, 700), (2000, 420)], spectralDose: true, deadTimeS: 2e-6, maxMicroSvPerHour: 100);

    /// <summary>
    /// Large plastic scintillator: 2200 cps per µSv/h at 662 keV (SNT0570.md); the other points
    /// (1200 at 59.5 keV, 1700 at 1.25 MeV, 1400 at 2 MeV) are approximations of a low-Z, Compton-only
    /// detector. Its count rate per µSv/h depends on energy, but its light output is proportional to
    /// the energy deposited and plastic is close to tissue-equivalent, so a dose-rate meter that sums
    /// pulse heights (rather than counting pulses) reads dose right across energies: modelled as a
    /// spectral dose (an exact G(E)) on top of energy-dependent counts. Dead time 1 µs, range to 50 µSv/h.
    /// </summary>
    public static DetectorModel PlasticLarge { get; } = new("sim-plastic-large", [(59.5, 1200), (662, 2200), (1250, 1700), (2000, 1400)], spectralDose: true, deadTimeS: 1e-6, maxMicroSvPerHour: 50);

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
    /// Energy-compensated GM tube, FH40G low-dose class: about 1.7 cps per µSv/h, flat within the
    /// compensation (1.5 at 59.5 keV is an approximation); dead time 100 µs non-paralysable and
    /// corrected in the display (SNT0570.md); range to 1 Sv/h.
    /// </summary>
    public static DetectorModel GmEnergyCompensated { get; } = new("sim-GM-FH40G", [(59.5, 1.5), (662, 1.7), (2000, 1.7)], spectralDose: false, deadTimeS: 100e-6, maxMicroSvPerHour: 1e6);

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
