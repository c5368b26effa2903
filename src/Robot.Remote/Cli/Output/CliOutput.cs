using System.Text.Json;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.Remote.Client;
using Robot.Remote.Inspection;

namespace Robot.Remote.Cli.Output;

/// <summary>
/// Writes results to stdout, as human text or (with --json) one JSON object per line. Protocol
/// messages go through the protocol codec; the remote's own lines through <see cref="RemoteJsonContext"/>.
/// </summary>
internal sealed class CliOutput(TextWriter output, bool json, TimeProvider time)
{
    public bool Json => json;

    public void Robots(IReadOnlyList<RobotListing> robots)
    {
        if (json)
        {
            foreach (var r in robots)
            {
                Line(JsonSerializer.Serialize(
                    new RobotLine(r.Manufacturer, r.SerialNumber, HumanText.ConnectionState(r.ConnectionState), r.LastSeen, r.SeriesName),
                    RemoteJsonContext.Default.RobotLine));
            }
            return;
        }
        if (robots.Count == 0)
        {
            Line("no robots seen");
            return;
        }
        foreach (var line in HumanText.RobotTable(robots, time.GetUtcNow())) Line(line);
    }

    public void Status(RobotStatus status)
    {
        if (json)
        {
            Line(ProtocolCodec.EncodeToString(status));
            return;
        }
        foreach (var line in HumanText.Status(status)) Line(line);
    }

    public void CommandAnswer(string serialNumber, CommandResponse response) =>
        Line(json ? ProtocolCodec.EncodeToString(response) : HumanText.CommandAnswer(serialNumber, response));

    public void Drive(string serialNumber, TeleopStreamRequest request, TeleopStreamResult result)
    {
        if (json)
        {
            Line(JsonSerializer.Serialize(
                new DriveLine(serialNumber, result.CommandsSent, result.StopSent, result.Interrupted, request.LinearMps,
                    request.AngularRadps, request.Duration.TotalSeconds, request.TtlMs, request.RateHz),
                RemoteJsonContext.Default.DriveLine));
            return;
        }
        Line(HumanText.Drive(serialNumber, request, result));
    }

    public void Watch(WatchMessage message)
    {
        if (!json)
        {
            Line(HumanText.Watch(message));
            return;
        }
        JsonElement? body = message.Message switch
        {
            Telemetry t => Element(ProtocolCodec.Encode(t)),
            State s => Element(ProtocolCodec.Encode(s)),
            RobotEvent e => Element(ProtocolCodec.Encode(e)),
            _ => null,
        };
        Line(JsonSerializer.Serialize(
            new WatchLine(KindName(message.Kind), message.Topic, message.ReceivedAt, body, message.Error?.ToString()),
            RemoteJsonContext.Default.WatchLine));
    }

    /// <summary>One step of an inspection; with --json one object per step (sent, progress, and the final one).</summary>
    public void Inspection(SentInspection sent, InspectionUpdate update)
    {
        if (!json)
        {
            if (ReportText.Inspection(sent, update) is { } text) Line(text);
            return;
        }
        var line = new InspectionLine("sent", sent.SerialNumber, sent.Manufacturer, sent.OrderId, sent.ActionId, sent.ContainerNumber, update.At);
        line = update switch
        {
            InspectionProgress p => line with
            {
                Kind = "progress",
                PointsDone = p.Procedure.PointsDone,
                PointsPlanned = p.Procedure.PointsPlanned,
                CurrentPoint = p.Procedure.CurrentPoint,
                LastDoseUSvPerH = p.Procedure.LastDoseUSvPerH,
                ProcedureState = p.Procedure.State,
            },
            InspectionEnded e => line with
            {
                Kind = e.Finished ? "finished" : "failed",
                Verdict = e.Verdict,
                ReportId = e.ReportId,
                Result = e.Result,
            },
            InspectionRefused r => line with
            {
                Kind = "refused",
                ErrorType = r.Error.ErrorType,
                Result = r.Error.ErrorDescription,
            },
            _ => line,
        };
        Line(JsonSerializer.Serialize(line, RemoteJsonContext.Default.InspectionLine));
    }

    public void Reports(IReadOnlyList<ReportSummary> reports)
    {
        if (json)
        {
            foreach (var r in reports) Line(ProtocolCodec.EncodeToString(r));
            return;
        }
        if (reports.Count == 0)
        {
            Line("no reports");
            return;
        }
        foreach (var line in ReportText.Table(reports)) Line(line);
    }

    public void Report(InspectionReport report)
    {
        if (json)
        {
            Line(ProtocolCodec.EncodeToString(report));
            return;
        }
        foreach (var line in ReportText.Report(report)) Line(line);
    }

    public void Acknowledged(string serialNumber, ReportAck ack) =>
        Line(json ? ProtocolCodec.EncodeToString(ack) : $"acknowledged report {ack.ReportId} of {serialNumber} as {ack.AckedBy} (hash {ack.ReportHash})");

    /// <summary>A remark for people (hash ok, file written); nothing with --json, whose lines are objects only.</summary>
    public void Note(string text)
    {
        if (!json) Line(text);
    }

    private static string KindName(MessageKind kind) => kind switch
    {
        MessageKind.Telemetry => "telemetry",
        MessageKind.State => "state",
        MessageKind.Event => "event",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static JsonElement Element(byte[] utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        return document.RootElement.Clone();
    }

    private void Line(string text)
    {
        output.WriteLine(text);
        output.Flush();
    }
}
