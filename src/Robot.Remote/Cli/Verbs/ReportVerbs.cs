using System.CommandLine;
using Robot.Protocol.Codec;
using Robot.Remote.Client;

namespace Robot.Remote.Cli.Verbs;

/// <summary>`reports`, `report`, `ack`: the robot's inspection reports, their hash checked locally.</summary>
internal static class ReportVerbs
{
    public const int MaxLimit = 200;

    public static Command List(VerbRunner runner)
    {
        var serial = VerbRunner.SerialArgument();
        var limit = new Option<int?>("--limit")
        {
            Description = $"How many of the newest reports, 1 to {MaxLimit} (default: the robot's, 20)",
            HelpName = "N",
        };
        limit.Validators.Add(r =>
        {
            if (ArgumentChecks.TryGetValue(r, out int? n) && n is < 1 or > MaxLimit) r.AddError($"{limit.Name} {n} is out of range: it must be within [1, {MaxLimit}]");
        });
        var command = new Command("reports", "List a robot's inspection reports, newest first: sequence, id, container, verdict, finished at, hash");
        command.Arguments.Add(serial);
        command.Options.Add(limit);
        command.SetAction((parse, ct) => runner.RunAsync(parse, ct, async (client, output, token) =>
        {
            output.Reports(await client.ListReportsAsync(parse.GetValue(serial)!, parse.GetValue(limit), token).ConfigureAwait(false));
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Show(VerbRunner runner)
    {
        var serial = VerbRunner.SerialArgument();
        var reportId = ReportIdArgument();
        var file = new Option<FileInfo?>("--out")
        {
            Description = "Also write the whole report as JSON (as the protocol has it) to this file",
            HelpName = "FILE",
        };
        var command = new Command("report", "Print one inspection report (container, instrument, background, verdict, hot spots, points) and check its hash");
        command.Arguments.Add(serial);
        command.Arguments.Add(reportId);
        command.Options.Add(file);
        command.SetAction((parse, ct) => runner.RunAsync(parse, ct, async (client, output, token) =>
        {
            var report = await client.GetReportAsync(parse.GetValue(serial)!, parse.GetValue(reportId)!, token).ConfigureAwait(false);
            // Keep what the robot sent, even when its hash turns out wrong: it is the evidence.
            if (parse.GetValue(file) is { } path)
            {
                try
                {
                    await File.WriteAllTextAsync(path.FullName, ProtocolCodec.EncodeToString(report) + "\n", token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    throw new UsageException($"--out {path}: {ex.Message}");
                }
            }
            output.Report(report);
            if (parse.GetValue(file) is { } written) output.Note($"wrote report {report.ReportId} to {written.FullName}");
            RobotClient.VerifyReport(report);
            output.Note($"hash ok ({report.ReportHash})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    public static Command Acknowledge(VerbRunner runner)
    {
        var serial = VerbRunner.SerialArgument();
        var reportId = ReportIdArgument();
        var command = new Command("ack", "Fetch a report, check its hash and acknowledge it as --operator (the robot stops re-sending it)");
        command.Arguments.Add(serial);
        command.Arguments.Add(reportId);
        command.SetAction((parse, ct) => runner.RunAsync(parse, ct, async (client, output, token) =>
        {
            var serialNumber = parse.GetValue(serial)!;
            var report = await client.GetReportAsync(serialNumber, parse.GetValue(reportId)!, token).ConfigureAwait(false);
            output.Acknowledged(serialNumber, await client.AcknowledgeReportAsync(serialNumber, report, token).ConfigureAwait(false));
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Argument<string> ReportIdArgument()
    {
        var reportId = new Argument<string>("REPORT_ID") { Description = "The report's id, as `reports` lists it" };
        reportId.Validators.Add(r => ArgumentChecks.Id(r, reportId));
        return reportId;
    }
}
