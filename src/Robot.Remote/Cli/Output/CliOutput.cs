using System.Text.Json;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.Remote.Client;

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
