using System.Globalization;
using System.Text;
using Robot.Protocol.Extensions;

namespace Robot.Remote.Inspection;

/// <summary>
/// A report as CSV (RFC 4180, invariant culture, "." decimals, UTC ISO 8601 times): the background
/// first (kind "background"), then one row per measured point in the robot's order, with where it
/// was measured, the dose, the background, the net dose, the threshold and the decision flags.
/// </summary>
public static class ReportCsv
{
    public static readonly IReadOnlyList<string> Columns =
    [
        "reportId", "containerNumber", "reportVerdict", "pointId", "kind", "face", "alongM", "heightM",
        "x", "y", "theta", "wallDistanceM", "readings", "meanRawUSvPerH", "standardErrorUSvPerH",
        "doseRateUSvPerH", "backgroundUSvPerH", "netUSvPerH", "thresholdUSvPerH", "decision",
        "overThreshold", "mode", "decisionBasis", "dwellS", "firstReadingAt",
    ];

    public static string Write(InspectionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var csv = new StringBuilder();
        Row(csv, Columns);
        var background = report.Background?.DoseRateUSvPerH;
        if (report.Background is { } b)
        {
            Row(csv,
            [
                report.ReportId, report.Container.Number, report.Verdict, "background", "background", "", "", N(b.Pose.HeightM),
                N(b.Pose.X), N(b.Pose.Y), N(b.Pose.Theta), N(b.Pose.WallDistanceM), N(b.Readings.Count), N(b.MeanRawUSvPerH), N(b.StandardErrorUSvPerH),
                N(b.DoseRateUSvPerH), N(b.DoseRateUSvPerH), "", N(report.ThresholdUSvPerH), "", "", "", $"{b.Attempts} attempt(s)", "",
                T(b.Readings.FirstOrDefault()?.T),
            ]);
        }
        foreach (var p in report.Points)
        {
            var over = report.ThresholdUSvPerH is { } threshold ? (p.DoseRateUSvPerH > threshold ? "true" : "false") : "";
            Row(csv,
            [
                report.ReportId, report.Container.Number, report.Verdict, p.PointId, p.Kind ?? "survey", p.Face, N(p.AlongM), N(p.HeightM),
                N(p.Pose.X), N(p.Pose.Y), N(p.Pose.Theta), N(p.Pose.WallDistanceM), N(p.Readings.Count), N(p.MeanRawUSvPerH), N(p.StandardErrorUSvPerH),
                N(p.DoseRateUSvPerH), N(background), N(p.NetUSvPerH), N(report.ThresholdUSvPerH), p.Decision,
                over, p.Mode, p.DecisionBasis, N(p.DwellS), T(p.Readings.FirstOrDefault()?.T),
            ]);
        }
        return csv.ToString();
    }

    private static string N(double? value) => value is { } v ? v.ToString("R", CultureInfo.InvariantCulture) : "";
    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
    private static string T(DateTimeOffset? value) => value is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) : "";

    // A spreadsheet runs a cell that starts with = + - @ (or a tab/CR) as a formula: text from the
    // robot gets a leading apostrophe so opening the export can never execute it. Numbers are left
    // alone ("-0.02" is a number, not a formula).
    private static string FormulaSafe(string field) =>
        field.Length > 0 && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
            && !double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? "'" + field : field;

    private static void Row(StringBuilder csv, IReadOnlyList<string> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0) csv.Append(',');
            var f = FormulaSafe(fields[i]);
            if (f.AsSpan().IndexOfAny(",\"\r\n") >= 0) csv.Append('"').Append(f.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            else csv.Append(f);
        }
        csv.Append("\r\n");
    }
}
