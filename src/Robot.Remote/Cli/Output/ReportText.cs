using System.Globalization;
using Robot.Protocol.Extensions;
using Robot.Remote.Inspection;
using static Robot.Remote.Cli.Output.HumanText;

namespace Robot.Remote.Cli.Output;

/// <summary>Human-readable inspections and reports: progress lines, the report list, one whole report.</summary>
internal static class ReportText
{
    private const string Dose = "0.000";

    /// <summary>The line for one inspection step; null when there is nothing to print (a refusal goes to stderr).</summary>
    public static string? Inspection(SentInspection sent, InspectionUpdate update) => update switch
    {
        InspectionSent => $"sent order {sent.OrderId} to {sent.SerialNumber} ({sent.Manufacturer}): inspect container {sent.ContainerNumber}",
        InspectionProgress { Procedure: { PointsDone: 0 } p } => $"{p.State}" + (p.BackgroundUSvPerH is { } bg ? $" (background {N(bg, Dose)} µSv/h)" : ""),
        InspectionProgress { Procedure: var p } =>
            $"{p.PointsDone}/{p.PointsPlanned} points" +
            (p.LastDoseUSvPerH is { } dose ? $", last {N(dose, Dose)} µSv/h" : "") +
            (p.CurrentPoint is { } point ? $" at {point}" : ""),
        InspectionEnded { Finished: true, Verdict: { } verdict } e =>
            $"verdict {verdict} for {sent.ContainerNumber}{(e.ReportId is { } id ? $", report {id}" : "")}{(e.Reason is { } why ? $": {why}" : "")}",
        InspectionEnded { Finished: true } e => $"inspection of {sent.ContainerNumber} finished: {e.Result}",
        InspectionEnded e => $"inspection of {sent.ContainerNumber} FAILED: {e.Result}",
        _ => null,
    };

    public static IEnumerable<string> Table(IReadOnlyList<ReportSummary> reports)
    {
        var rows = new List<string[]> { new[] { "SEQ", "REPORT", "CONTAINER", "VERDICT", "FINISHED", "HASH" } };
        foreach (var r in reports)
        {
            rows.Add([r.Sequence.ToString(CultureInfo.InvariantCulture), r.ReportId, r.ContainerNumber, r.Verdict, Time(r.FinishedAt), Short(r.ReportHash)]);
        }
        return Aligned(rows);
    }

    public static IEnumerable<string> Report(InspectionReport r)
    {
        var c = r.Container;
        yield return $"report {r.ReportId} (#{r.Sequence}) from robot {r.SerialNumber}, inspection {r.InspectionId}";
        yield return $"  container   {c.Number} ({c.Type}) at ({N(c.X)}, {N(c.Y)}) m θ {N(c.Theta, "0.000")} rad";
        yield return $"  started     {Time(r.StartedAt)}";
        yield return $"  finished    {Time(r.FinishedAt)} ({N((r.FinishedAt - r.StartedAt).TotalMinutes, "0.0")} min)";
        yield return $"  operator    {r.OperatorId}";
        var i = r.Instrument;
        yield return $"  instrument  {i.Model} #{i.SerialNumber}, k1 {N(i.K1, "0.####")} k2 {N(i.K2, "0.####")} k3 {N(i.K3, "0.####")}, cosmic {N(i.CosmicResponseUSvPerH, Dose)} µSv/h";
        yield return $"  calibration {i.CalibrationCertificate}, valid until {Time(i.CalibrationValidUntil)}{(i.CalibrationValidUntil < r.StartedAt ? " (EXPIRED at the start)" : "")}";
        var p = r.Profile;
        yield return $"  profile     {p.Name} {p.Version}, {p.PointMode} points, limit {N(p.LimitUSvPerH, Dose)} µSv/h above background";
        yield return r.Background is { } b
            ? $"  background  {N(b.DoseRateUSvPerH, Dose)} µSv/h (mean raw {N(b.MeanRawUSvPerH, Dose)} ± {N(b.StandardErrorUSvPerH, Dose)}, {b.Readings.Count} readings, {b.Attempts} attempt(s), {Time(b.MeasuredAt)})"
            : "  background  none";
        if (r.ThresholdUSvPerH is { } threshold) yield return $"  threshold   {N(threshold, Dose)} µSv/h";
        yield return $"  verdict     {r.Verdict}: {r.VerdictReason}";
        yield return $"  points      {r.Points.Count} measured, {r.PlannedPoints} planned";
        if (r.HotSpots.Count == 0)
        {
            yield return "  hot spots   none";
        }
        foreach (var h in r.HotSpots)
        {
            yield return $"  hot spot    {h.Face} {N(h.AlongM)} m along, {N(h.HeightM)} m high at ({N(h.X)}, {N(h.Y)}): {N(h.DoseRateUSvPerH, Dose)} µSv/h, net {N(h.NetUSvPerH, Dose)}";
        }
        yield return $"  previous    {Short(r.PreviousReportHash)}";
        yield return "";
        var rows = new List<string[]> { new[] { "POINT", "FACE", "ALONG m", "HEIGHT m", "DOSE µSv/h", "NET µSv/h", "DECISION" } };
        foreach (var pt in r.Points)
        {
            rows.Add([pt.PointId, pt.Face, N(pt.AlongM), N(pt.HeightM), N(pt.DoseRateUSvPerH, Dose), N(pt.NetUSvPerH, Dose),
                pt.Kind is { } kind ? $"{pt.Decision} ({kind})" : pt.Decision]);
        }
        foreach (var line in Aligned(rows)) yield return line;
    }

    private static string Short(string hash) => hash.Length <= 12 ? hash : hash[..12];
}
