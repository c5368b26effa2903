using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Remote.Inspection;

namespace Robot.Remote.Client;

// Inspection reports: list, fetch, acknowledge, over the same commands as everything else.
public sealed partial class RobotClient
{
    /// <summary>The newest reports first (<paramref name="limit"/> of them; the robot's default when null).</summary>
    public async Task<IReadOnlyList<ReportSummary>> ListReportsAsync(string serialNumber, int? limit = null, CancellationToken cancellationToken = default)
    {
        var response = await SendAcceptedCommandAsync(serialNumber, NewCommand(CommandNames.ListReports) with { Limit = limit }, cancellationToken).ConfigureAwait(false);
        return response.Reports ?? throw new RobotClientException(RobotClientFailure.BadAnswer,
            $"robot {serialNumber} accepted listReports but sent no report list");
    }

    /// <summary>The running inspection's points so far, oldest first (empty when none runs).</summary>
    public async Task<IReadOnlyList<MeasuredPoint>> SurveyProgressAsync(string serialNumber, CancellationToken cancellationToken = default)
    {
        var response = await SendAcceptedCommandAsync(serialNumber, NewCommand(CommandNames.SurveyProgress), cancellationToken).ConfigureAwait(false);
        return response.Survey ?? throw new RobotClientException(RobotClientFailure.BadAnswer,
            $"robot {serialNumber} accepted surveyProgress but sent no points");
    }

    /// <summary>One whole report as filed (an unknown id is refused by the robot with code notFound).</summary>
    public async Task<InspectionReport> GetReportAsync(string serialNumber, string reportId, CancellationToken cancellationToken = default)
    {
        var response = await SendAcceptedCommandAsync(serialNumber, NewCommand(CommandNames.GetReport) with { ReportId = reportId }, cancellationToken).ConfigureAwait(false);
        var report = response.Report ?? throw new RobotClientException(RobotClientFailure.BadAnswer,
            $"robot {serialNumber} accepted getReport but sent no report");
        if (report.ReportId != reportId)
        {
            throw new RobotClientException(RobotClientFailure.BadAnswer, $"robot {serialNumber} sent report {report.ReportId}, not {reportId}");
        }
        return report;
    }

    /// <summary>Throws <see cref="RobotClientFailure.HashMismatch"/> unless the report hashes to the reportHash it carries.</summary>
    public static void VerifyReport(InspectionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (ReportSeal.Problem(report) is { } problem)
        {
            throw new RobotClientException(RobotClientFailure.HashMismatch, $"HASH MISMATCH: {problem}: do not trust this report");
        }
    }

    /// <summary>
    /// Acknowledge a report whose hash checks out (verified here again): a ReportAck with the
    /// operator as ackedBy on robot/v1/{serial}/reportAcks. The robot stops re-sending it then.
    /// </summary>
    public async Task<ReportAck> AcknowledgeReportAsync(string serialNumber, InspectionReport report, CancellationToken cancellationToken = default)
    {
        VerifyReport(report);
        var ack = new ReportAck
        {
            ReportId = report.ReportId,
            ReportHash = report.ReportHash!,
            AckedBy = _options.OperatorId,
            Timestamp = _time.GetUtcNow(),
        };
        var topic = TopicScheme.Extension(serialNumber, MessageKind.ReportAck);
        if (!await _link.PublishAsync(new LinkMessage(topic, ProtocolCodec.Encode(ack), 1), cancellationToken).ConfigureAwait(false))
        {
            throw new RobotClientException(RobotClientFailure.LinkLost, $"lost the broker connection before the acknowledgement of {report.ReportId} went out");
        }
        return ack;
    }
}
