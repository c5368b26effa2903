using Robot.Host.Procedure;
using Robot.Protocol.Extensions;

namespace Robot.Host.Records;

/// <summary>The procedure's recorder, backed by the durable SQLite journal.</summary>
public sealed class JournalRecorder(InspectionJournal journal) : IInspectionRecorder
{
    public void StartInspection(string inspectionId, ContainerInfo container, string operatorId, InstrumentInfo instrument, ProfileInfo profile, DateTimeOffset startedAt) =>
        journal.StartInspection(inspectionId, container, operatorId, instrument, profile, startedAt);

    public void SetPlannedPoints(string inspectionId, int plannedPoints) => journal.SetPlannedPoints(inspectionId, plannedPoints);

    public void AppendReading(string inspectionId, string pointId, RawReading reading, MeasurementPose pose) => journal.AppendReading(inspectionId, pointId, reading, pose);

    public void AppendBackground(string inspectionId, BackgroundResult background) => journal.AppendBackground(inspectionId, background);

    public void AppendPoint(string inspectionId, PointResult point) => journal.AppendPoint(inspectionId, point);

    public InspectionReport FileReport(InspectionReport draft) => journal.FileReport(draft);

    public IReadOnlyList<InspectionReport> RecentReports(int limit) => journal.RecentReports(limit);

    public InspectionReport? FindReport(string reportId) => journal.GetReport(reportId);
}
