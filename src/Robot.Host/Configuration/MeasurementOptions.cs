using System.ComponentModel.DataAnnotations;

namespace Robot.Host.Configuration;

/// <summary>
/// "Measurement:Profile": the named, versioned measurement profile (SNT0570.md). Every figure of
/// the procedure lives here, so a maintainer can check and change it without a rebuild.
/// Defaults are the snt0570-2007 profile: [firm] figures from the standard, [default] ones marked.
/// </summary>
public sealed class MeasurementProfileOptions
{
    [Required, RegularExpression(@"^[A-Za-z0-9_.\-]{1,64}$")]
    public string Name { get; set; } = "snt0570-2007";

    [Required, RegularExpression(@"^[A-Za-z0-9_.\-]{1,32}$")]
    public string Version { get; set; } = "1.0";

    /// <summary>standard (fixed readings) or sequential (SPRT, falling back to standard at MaxDwell).</summary>
    [Required, RegularExpression("^(standard|sequential)$", ErrorMessage = "must be standard or sequential")]
    public string PointMode { get; set; } = "standard";

    /// <summary>[firm] A point exceeding background + this (µSv/h) makes the container suspect.</summary>
    [Range(0.01, 10.0)]
    public double LimitUSvPerH { get; set; } = 0.25;

    /// <summary>[firm pattern] Readings per point, and the interval between them.</summary>
    [Range(1, 100)]
    public int ReadingsPerPoint { get; set; } = 5;

    [Range(0.5, 120.0)]
    public double ReadingIntervalS { get; set; } = 10;

    /// <summary>
    /// Wait after the probe reaches its height. A counting probe's counts follow the dose at once, so
    /// this is the mechanical settle; a probe read from its display waits at least three display time
    /// constants (Measurement:Instrument:DisplayTimeConstantS) whatever this says.
    /// </summary>
    [Range(0.0, 300.0)]
    public double SettleS { get; set; } = 10;

    /// <summary>
    /// Standard mode counts at least until the point's dose has this standard error (µSv/h) at the
    /// threshold, taking more readings than ReadingsPerPoint when the probe is slow (a GM tube): 0.03
    /// keeps a point 0.1 µSv/h either side of the threshold on its side in 99.96 % of measurements, so
    /// that a point and its re-measurement both agree in 99.9 %.
    /// </summary>
    [Range(0.001, 1.0)]
    public double PointTargetStandardErrorUSvPerH { get; set; } = 0.03;

    /// <summary>
    /// A point that counts so little that even this fraction of the background's count rate would give
    /// more with a probability of 1 − 10⁻⁶ is INVALID: a container shields at most about 30 % of the
    /// background, so such a point means a probe that stopped counting without reporting a fault.
    /// </summary>
    [Range(0.0, 1.0)]
    public double ImplausiblyLowFraction { get; set; } = 0.5;

    /// <summary>The most readings a standard point takes, whatever the target error asks.</summary>
    [Range(1, 1000)]
    public int MaxReadingsPerPoint { get; set; } = 60;

    /// <summary>[default] Probe heights at each station.</summary>
    [Required, MinCount(1)]
    public double[] HeightsM { get; set; } = [0.5, 1.3, 2.1];

    /// <summary>[default] Station spacing along each face.</summary>
    [Range(0.25, 5.0)]
    public double StationSpacingM { get; set; } = 1.0;

    /// <summary>[default] Probe-to-wall distance, measured by the range finder and recorded with every reading.</summary>
    [Range(0.02, 1.0)]
    public double WallDistanceM { get; set; } = 0.10;

    [Range(0.005, 0.5)]
    public double WallDistanceToleranceM { get; set; } = 0.05;

    /// <summary>A point is an ANOMALY when its net dose exceeds this many standard errors and AnomalyMinRise.</summary>
    [Range(1.0, 10.0)]
    public double AnomalySigma { get; set; } = 3.0;

    /// <summary>[default] The smallest rise above background worth reporting (µSv/h).</summary>
    [Range(0.001, 5.0)]
    public double AnomalyMinRiseUSvPerH { get; set; } = 0.05;

    /// <summary>[default] Re-measure a suspect point once before declaring EXCEEDS.</summary>
    public bool RemeasureSuspect { get; set; } = true;

    /// <summary>[default] Finer spacing around a confirmed point to locate the maximum, and how far either side.</summary>
    [Range(0.05, 1.0)]
    public double RefineSpacingM { get; set; } = 0.25;

    [Range(0.0, 2.0)]
    public double RefineSpanM { get; set; } = 0.5;

    /// <summary>
    /// [default] Two raised areas of one face are separate hot spots when the dose between them falls
    /// below this fraction of the lower peak's net dose (and by more than AnomalySigma standard errors);
    /// otherwise they are one area with one hot spot.
    /// </summary>
    [Range(0.1, 0.95)]
    public double HotSpotSaddleFraction { get; set; } = 0.7;

    /// <summary>
    /// [default] A tall box (high cube, 2.896 m) gets a top height when the highest of HeightsM is more
    /// than MaxTopGapM below its top: TopHeightBelowRoofM under the top, clamped to the lift's reach.
    /// </summary>
    [Range(0.1, 2.0)]
    public double MaxTopGapM { get; set; } = 0.6;

    [Range(0.0, 1.0)]
    public double TopHeightBelowRoofM { get; set; } = 0.25;

    /// <summary>[default] Where the mast reaches, the roof edge is measured with the probe this far above the roof.</summary>
    [Range(0.02, 1.0)]
    public double RoofClearanceM { get; set; } = 0.10;

    /// <summary>[default] Instrument warm-up before the first measurement.</summary>
    [TimeSpanRange("00:00:00", "02:00:00")]
    public TimeSpan WarmUp { get; set; } = TimeSpan.FromMinutes(10);

    public BackgroundProfileOptions Background { get; set; } = new();
    public SequentialProfileOptions Sequential { get; set; } = new();

    /// <summary>
    /// Every figure of the profile by its configuration key (Background:Readings, Sequential:Alpha ...),
    /// for the report's profile block: a report can be checked against the profile it was measured
    /// with, and a changed figure shows. Derived from the options themselves through the host's
    /// source-generated configuration JSON (as print-config writes them), so a figure added to the
    /// profile can never be missing here. Name, version and mode have fields of their own.
    /// </summary>
    public IReadOnlyDictionary<string, string> Figures()
    {
        var figures = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var root = System.Text.Json.JsonSerializer.SerializeToNode(this, ConfigJsonContext.Default.MeasurementProfileOptions)!.AsObject();
        Flatten(root, "");
        return figures;

        void Flatten(System.Text.Json.Nodes.JsonObject node, string prefix)
        {
            foreach (var (key, value) in node)
            {
                if (prefix.Length == 0 && key is nameof(Name) or nameof(Version) or nameof(PointMode)) continue;
                switch (value)
                {
                    case System.Text.Json.Nodes.JsonObject inner:
                        Flatten(inner, prefix + key + ":");
                        break;
                    case System.Text.Json.Nodes.JsonArray list:
                        figures[prefix + key] = string.Join(" ", list.Select(v => v?.ToJsonString() ?? "null"));
                        break;
                    case null:
                        figures[prefix + key] = "null";
                        break;
                    default:
                        // Strings without their JSON quotes (TimeSpans, names); numbers and booleans as JSON writes them.
                        figures[prefix + key] = value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
                        break;
                }
            }
        }
    }

    public IEnumerable<string> Problems()
    {
        if (HeightsM.Any(h => !(h is > 0 and <= 20))) yield return "HeightsM: every height must be within (0, 20] m";
        if (HeightsM.Distinct().Count() != HeightsM.Length) yield return "HeightsM: heights must be distinct";
        if (Background.MaxVariation is <= 0 or > 1) yield return "Background:MaxVariation: must be within (0, 1]";
        if (Background.Readings < 2) yield return "Background:Readings: at least 2 readings are needed for a stability check";
        if (Background.MaxReadings < Background.Readings) yield return "Background:MaxReadings: must be at least Background:Readings";
        if (Background.StabilityAlpha is <= 0 or >= 0.5) yield return "Background:StabilityAlpha: must be within (0, 0.5)";
        if (Background.TargetStandardErrorUSvPerH <= 0) yield return "Background:TargetStandardErrorUSvPerH: must be positive";
        if (Background.IntervalS <= 0) yield return "Background:IntervalS: must be positive";
        if (MaxReadingsPerPoint < ReadingsPerPoint) yield return "MaxReadingsPerPoint: must be at least ReadingsPerPoint";
        if (Sequential.SampleIntervalS is <= 0 or > 10) yield return "Sequential:SampleIntervalS: must be within (0, 10] s";
        if (Sequential.MinDwellS < 0) yield return "Sequential:MinDwellS: must not be negative";
        if (Sequential.ReportRelativeError is <= 0 or >= 1) yield return "Sequential:ReportRelativeError: must be within (0, 1)";
        if (Sequential.ReportWindowMaxS < Sequential.SampleIntervalS) yield return "Sequential:ReportWindowMaxS: at least one sample interval";
        if (Background.MaxAttempts < 1) yield return "Background:MaxAttempts: at least 1";
        if (Sequential.Alpha is <= 0 or >= 0.5) yield return "Sequential:Alpha: must be within (0, 0.5)";
        if (Sequential.Beta is <= 0 or >= 0.5) yield return "Sequential:Beta: must be within (0, 0.5)";
        if (Sequential.IndifferenceFraction is <= 0 or >= 1) yield return "Sequential:IndifferenceFraction: must be within (0, 1)";
        if (Sequential.MaxDwellS < 1) yield return "Sequential:MaxDwellS: at least 1 s";
    }
}

public sealed class BackgroundProfileOptions
{
    /// <summary>[firm, SN/T 1537] mean of 5 readings 10 s apart, probe 1 m above ground.</summary>
    public int Readings { get; set; } = 5;
    public double IntervalS { get; set; } = 10;
    public double HeightM { get; set; } = 1.0;
    public double SettleS { get; set; } = 10;
    /// <summary>
    /// [default] A counting probe's background is refused (and repeated) when the chi-square dispersion
    /// of its counts per interval against Poisson statistics has a p-value below this.
    /// </summary>
    public double StabilityAlpha { get; set; } = 0.01;
    /// <summary>Readings continue past Readings until the background's counting error is below this (µSv/h)...</summary>
    /// <remarks>
    /// 0.005: a tenth of the indifference band's half width (limit × d = 0.05). Every point
    /// of a survey is judged against the same background, so its error does not average out; at 0.01 a
    /// GM tube's false EXCEEDS at the band's lower edge was 0.75 % against the nominal 0.1 %
    /// (bench procedure). A NaI probe reaches it within the standard's 5 readings; a GM tube needs
    /// about 27 minutes, once per Background:MaxAge.
    /// </remarks>
    public double TargetStandardErrorUSvPerH { get; set; } = 0.005;
    /// <summary>...or this many readings have been taken.</summary>
    public int MaxReadings { get; set; } = 200;
    /// <summary>[default] Only for a probe without a counter: reject and repeat when (max − min) / mean of its displayed readings exceeds this.</summary>
    public double MaxVariation { get; set; } = 0.30;
    public int MaxAttempts { get; set; } = 3;
    /// <summary>[default] Re-measure when the background is older than this.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(8);
}

public sealed class SequentialProfileOptions
{
    /// <summary>Probability of calling a point below the indifference band EXCEEDS (each test; EXCEEDS needs two that agree).</summary>
    public double Alpha { get; set; } = 0.001;
    /// <summary>
    /// Probability of missing a point above the band, for the point as a whole: EXCEEDS needs the
    /// first test and its re-measurement to agree, so each test runs at Beta / 2 (with RemeasureSuspect).
    /// </summary>
    public double Beta { get; set; } = 0.01;
    /// <summary>The band is limit × (1 ± d) around background + limit.</summary>
    public double IndifferenceFraction { get; set; } = 0.2;
    /// <summary>
    /// Longest sequential dwell. The test is truncated earlier, as soon as the fixed test on the counts
    /// gathered would itself keep Alpha and Beta at the band edges; only a probe too slow for that
    /// within this time decides by the fixed test here, and the point's basis states its error rates.
    /// </summary>
    public double MaxDwellS { get; set; } = 900;
    /// <summary>How often the test looks at the counts.</summary>
    public double SampleIntervalS { get; set; } = 0.5;
    /// <summary>The shortest counting time of a point, so that even a quick decision reports a dose with a meaningful error (a NaI crystal counts about 50 at background in 0.5 s).</summary>
    public double MinDwellS { get; set; } = 0.5;
    /// <summary>
    /// A point the test finds raised is counted again in a fresh window after the decision, until its
    /// dose has this relative standard error (or ReportWindowMaxS): the dose a test that stopped early
    /// saw is biased towards its decision, a fresh window is not.
    /// </summary>
    public double ReportRelativeError { get; set; } = 0.05;
    public double ReportWindowMaxS { get; set; } = 60;
    /// <summary>
    /// Settle before a sequential point. The SPRT counts pulses, which follow the dose at once; only
    /// the display lags (its averaging, up to 30 s on a GM tube), so the mechanical settle is enough.
    /// </summary>
    public double SettleS { get; set; } = 0.5;
    /// <summary>Error rates of the "raised at all?" test (ANOMALY). Alpha is per point: a 48-point survey multiplies it.</summary>
    public double AnomalyAlpha { get; set; } = 0.001;
    public double AnomalyBeta { get; set; } = 0.05;
}

/// <summary>"Measurement:Instrument": the dose-rate probe's calibration record.</summary>
public sealed class InstrumentOptions
{
    [Required] public string Model { get; set; } = "NaI 2x2 survey probe";
    [Required] public string SerialNumber { get; set; } = "PROBE-0001";
    [Range(0.01, 100.0)] public double K1 { get; set; } = 1.0;
    [Range(0.01, 100.0)] public double K2 { get; set; } = 1.0;
    [Range(0.0, 10.0)] public double K3 { get; set; } = 1.0;
    [Range(0.0, 1.0)] public double CosmicResponseUSvPerH { get; set; }
    /// <summary>Counts per second per µSv/h at the calibration energy (Cs-137, 662 keV).</summary>
    [Range(0.01, 1_000_000.0)] public double CountsPerSecondPerUSvPerH { get; set; } = 1400;
    /// <summary>
    /// The probe's lowest counts per second per µSv/h anywhere between 50 keV and 3 MeV (from its type
    /// test). A probe without a spectrum turns counts into dose with this figure, which can only
    /// over-read; unset, counts are converted at the calibration energy and the report says the
    /// conversion is not shown to be conservative. Must not exceed CountsPerSecondPerUSvPerH.
    /// </summary>
    [Range(0.01, 1_000_000.0)] public double? LowestCountsPerSecondPerUSvPerH { get; set; }
    /// <summary>The longest averaging time constant of the display near background (s): a display-only reading waits several of them.</summary>
    [Range(0.0, 600.0)] public double DisplayTimeConstantS { get; set; } = 2;
    [Required] public string CalibrationCertificate { get; set; } = "CAL-0000";
    /// <summary>Periodic verification is mandatory [firm]: an expired calibration refuses inspections.</summary>
    public DateTimeOffset CalibrationValidUntil { get; set; } = new(2027, 12, 31, 0, 0, 0, TimeSpan.Zero);
}

/// <summary>"Procedure": where the procedure does its work and what it does on link loss.</summary>
public sealed class ProcedureOptions
{
    public const string Section = "Procedure";

    /// <summary>The clean background spot of this yard (at least 20 m from any container [default]).</summary>
    public double BackgroundSpotX { get; set; } = -25;
    public double BackgroundSpotY { get; set; }
    /// <summary>Where the robot parks.</summary>
    public double ParkX { get; set; }
    public double ParkY { get; set; }

    /// <summary>The probe's lateral offset from the robot centre, to the robot's left (m).</summary>
    [Range(0.0, 2.0)]
    public double ProbeLateralOffsetM { get; set; } = 0.45;

    /// <summary>How long an inspection holds after the operator's or broker link is lost before the failsafe.</summary>
    [TimeSpanRange("00:00:00", "00:30:00")]
    public TimeSpan LinkLossGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>hold (stay paused until resumed) or returnToPark (abort as INVALID, drive to park).</summary>
    [Required, RegularExpression("^(hold|returnToPark)$", ErrorMessage = "must be hold or returnToPark")]
    public string LinkLossAction { get; set; } = "hold";
}
