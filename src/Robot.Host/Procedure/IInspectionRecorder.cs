using Robot.Protocol.Extensions;

namespace Robot.Host.Procedure;

/// <summary>
/// Where the procedure journals what it measures, as it measures it, and files the report.
/// The durable implementation is the SQLite journal in Records/; tests may use the in-memory one.
/// </summary>
public interface IInspectionRecorder
{
    void StartInspection(string inspectionId, ContainerInfo container, string operatorId, InstrumentInfo instrument, ProfileInfo profile, DateTimeOffset startedAt);
    /// <summary>How many points the survey plans, so an interrupted inspection's report can say how far it got.</summary>
    void SetPlannedPoints(string inspectionId, int plannedPoints);
    void AppendReading(string inspectionId, string pointId, RawReading reading, MeasurementPose pose);
    void AppendBackground(string inspectionId, BackgroundResult background);
    void AppendPoint(string inspectionId, PointResult point);
    /// <summary>Seal the report (sequence, previous hash, hash) and keep it; returns the filed report.</summary>
    InspectionReport FileReport(InspectionReport draft);
    /// <summary>The newest filed reports, newest first.</summary>
    IReadOnlyList<InspectionReport> RecentReports(int limit);
    InspectionReport? FindReport(string reportId);
}

/// <summary>A recorder that keeps everything in memory (tests, and the demo when no store is configured).</summary>
public sealed class InMemoryRecorder : IInspectionRecorder
{
    private readonly Lock _gate = new();
    private readonly List<InspectionReport> _reports = [];

    public List<(string InspectionId, string PointId, RawReading Reading)> Readings { get; } = [];
    public List<PointResult> Points { get; } = [];

    public IReadOnlyList<InspectionReport> Reports
    {
        get { lock (_gate) return _reports.ToList(); }
    }

    public void StartInspection(string inspectionId, ContainerInfo container, string operatorId, InstrumentInfo instrument, ProfileInfo profile, DateTimeOffset startedAt)
    {
    }

    public void SetPlannedPoints(string inspectionId, int plannedPoints)
    {
    }

    public void AppendReading(string inspectionId, string pointId, RawReading reading, MeasurementPose pose)
    {
        lock (_gate) Readings.Add((inspectionId, pointId, reading));
    }

    public void AppendBackground(string inspectionId, BackgroundResult background)
    {
    }

    public void AppendPoint(string inspectionId, PointResult point)
    {
        lock (_gate) Points.Add(point);
    }

    public IReadOnlyList<InspectionReport> RecentReports(int limit)
    {
        lock (_gate) return _reports.AsEnumerable().Reverse().Take(limit).ToList();
    }

    public InspectionReport? FindReport(string reportId)
    {
        lock (_gate) return _reports.FirstOrDefault(r => r.ReportId == reportId);
    }

    public InspectionReport FileReport(InspectionReport draft)
    {
        lock (_gate)
        {
            var previous = _reports.LastOrDefault()?.ReportHash ?? new string('0', 64);
            var sealedReport = draft with { Sequence = _reports.Count + 1, PreviousReportHash = previous, ReportHash = null };
            // The same canonical hash as the durable journal's.
            sealedReport = sealedReport with { ReportHash = ReportSeal.Hash(sealedReport) };
            _reports.Add(sealedReport);
            return sealedReport;
        }
    }
}
