using System.Globalization;
using Robot.Protocol.Extensions;

namespace Robot.Host.Records;

/// <summary>What the journal holds of one inspection that was started and never filed.</summary>
internal sealed record JournaledInspection(
    string InspectionId,
    string SerialNumber,
    ContainerInfo Container,
    string OperatorId,
    InstrumentInfo Instrument,
    ProfileInfo Profile,
    DateTimeOffset StartedAt,
    int PlannedPoints,
    IReadOnlyList<JournaledReading> Readings,
    IReadOnlyList<BackgroundResult> Backgrounds,
    IReadOnlyList<PointResult> Points);

internal sealed record JournaledReading(string PointId, RawReading Reading, MeasurementPose Pose);

/// <summary>
/// Builds the INVALID report of an interrupted inspection so that nothing journaled is lost: the
/// last background result and every point result as the procedure recorded them, and every reading
/// that no recorded result holds (an unfinished background or point) gathered per point as an
/// "interrupted" result, with its mean and dose computed the plain way (H = k1 k2 R - k3 Hc).
/// The verdict is always INVALID: an interrupted survey can never pass.
/// </summary>
internal static class InterruptedReport
{
    public const string BackgroundPointId = "background";
    public const string InterruptedKind = "interrupted";

    public static InspectionReport Build(JournaledInspection j, string reportId, string reason, DateTimeOffset now)
    {
        var background = j.Backgrounds.Count > 0 ? j.Backgrounds[^1] : null;
        var held = new HashSet<(string, RawReading)>();
        // Only what the report will hold counts as held: readings of earlier (unstable) background
        // attempts are not in the last result, so they come back below as loose readings.
        foreach (var r in background?.Readings ?? []) held.Add((BackgroundPointId, r));
        foreach (var p in j.Points)
        {
            foreach (var r in p.Readings) held.Add((p.PointId, r));
        }
        var loose = j.Readings.Where(r => !held.Contains((r.PointId, r.Reading))).ToList();

        var points = new List<PointResult>(j.Points);
        var looseBackground = loose.Where(r => r.PointId == BackgroundPointId).ToList();
        if (background is null && looseBackground.Count > 0)
        {
            background = PartialBackground(looseBackground, j.Instrument);
            looseBackground.Clear();
        }
        var backgroundDose = background?.DoseRateUSvPerH;
        if (looseBackground.Count > 0) points.Add(PartialPoint(BackgroundPointId, "background", looseBackground, j, backgroundDose));
        foreach (var group in loose.Where(r => r.PointId != BackgroundPointId).GroupBy(r => r.PointId))
        {
            points.Add(PartialPoint(group.Key, Face(j.Points, group.Key), group.ToList(), j, backgroundDose));
        }

        var lastActivity = j.Readings.Count > 0 ? j.Readings.Max(r => r.Reading.T) : j.StartedAt;
        var why = string.Create(CultureInfo.InvariantCulture,
            $"interrupted: {reason}. The inspection was never finished (last journaled activity {RecordTime.Format(lastActivity)}); " +
            $"kept {j.Readings.Count} readings, {j.Points.Count} finished points{(j.Backgrounds.Count > 0 ? " and the background" : "")}; the survey is incomplete, so no verdict but INVALID is possible.");
        return new InspectionReport
        {
            ReportId = reportId,
            Sequence = 0,
            InspectionId = j.InspectionId,
            SerialNumber = j.SerialNumber,
            Container = j.Container,
            OperatorId = j.OperatorId,
            StartedAt = j.StartedAt,
            FinishedAt = now,
            Instrument = j.Instrument,
            Profile = j.Profile,
            Background = background,
            ThresholdUSvPerH = backgroundDose is { } d ? d + j.Profile.LimitUSvPerH : null,
            Points = points,
            PlannedPoints = j.PlannedPoints,
            Verdict = Verdicts.Invalid,
            VerdictReason = why,
            HotSpots = [],
            PreviousReportHash = JournalSchema.GenesisHash,
        };
    }

    private static BackgroundResult PartialBackground(IReadOnlyList<JournaledReading> readings, InstrumentInfo instrument)
    {
        var (mean, se) = MeanAndStandardError(readings);
        return new BackgroundResult
        {
            Pose = readings[^1].Pose,
            Readings = readings.Select(r => r.Reading).ToList(),
            MeanRawUSvPerH = mean,
            StandardErrorUSvPerH = se,
            DoseRateUSvPerH = Dose(mean, instrument),
            Attempts = 1,
            MeasuredAt = readings[^1].Reading.T,
        };
    }

    private static PointResult PartialPoint(string pointId, string face, IReadOnlyList<JournaledReading> readings, JournaledInspection j, double? backgroundDose)
    {
        var (mean, se) = MeanAndStandardError(readings);
        var dose = Dose(mean, j.Instrument);
        var last = readings[^1].Pose;
        return new PointResult
        {
            PointId = pointId,
            Face = face,
            AlongM = 0,
            HeightM = last.HeightM,
            Pose = last,
            Readings = readings.Select(r => r.Reading).ToList(),
            MeanRawUSvPerH = mean,
            StandardErrorUSvPerH = se,
            DoseRateUSvPerH = dose,
            NetUSvPerH = dose - (backgroundDose ?? 0),
            Decision = PointDecisions.Invalid,
            Mode = j.Profile.PointMode,
            DecisionBasis = string.Create(CultureInfo.InvariantCulture,
                $"interrupted before a decision: {readings.Count} readings journaled, no result recorded{(backgroundDose is null ? "; no background, net is the dose" : "")}; position along the face unknown"),
            DwellS = (readings[^1].Reading.T - readings[0].Reading.T).TotalSeconds,
            Kind = InterruptedKind,
        };
    }

    /// <summary>The face of a point the procedure already recorded under the same id (a re-measurement), else "unknown".</summary>
    private static string Face(IReadOnlyList<PointResult> points, string pointId) =>
        points.LastOrDefault(p => p.PointId == pointId)?.Face ?? "unknown";

    private static double Dose(double meanRaw, InstrumentInfo i) => i.K1 * i.K2 * meanRaw - i.K3 * i.CosmicResponseUSvPerH;

    private static (double Mean, double StandardError) MeanAndStandardError(IReadOnlyList<JournaledReading> readings)
    {
        var n = readings.Count;
        var mean = readings.Average(r => r.Reading.RawUSvPerH);
        if (n < 2) return (mean, 0);
        var variance = readings.Sum(r => Math.Pow(r.Reading.RawUSvPerH - mean, 2)) / (n - 1);
        return (mean, Math.Sqrt(variance / n));
    }
}
