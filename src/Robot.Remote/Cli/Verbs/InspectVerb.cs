using System.CommandLine;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Remote.Inspection;

namespace Robot.Remote.Cli.Verbs;

/// <summary>
/// `inspect SERIAL --container N --type T --x X --y Y`: checks the container number locally, sends
/// the inspection order where the robot stands, then follows it until the robot reports the verdict.
/// FINISHED (PASS, ANOMALY, EXCEEDS) exits 0: the verdict is information, not a failure of the remote.
/// </summary>
internal static class InspectVerb
{
    public static readonly string[] PointModes = ["standard", "sequential"];

    public static Command Create(VerbRunner runner)
    {
        var serial = VerbRunner.SerialArgument();
        var container = new Option<string>("--container")
        {
            Description = "ISO 6346 container number, e.g. CSQU3054383 (the check digit is verified before sending)",
            HelpName = "NUMBER",
            Required = true,
        };
        container.Validators.Add(r =>
        {
            if (Iso6346.Problem(r.GetValueOrDefault<string>()) is { } problem) r.AddError($"{container.Name}: {problem}");
        });
        var type = new Option<string>("--type")
        {
            Description = $"Container type: {string.Join(", ", ContainerTypes.All)}",
            Required = true,
        };
        type.Validators.Add(r => ArgumentChecks.OneOf(r, type, ContainerTypes.All));
        var x = Coordinate("--x", "X of the container's centre in the yard, metres");
        var y = Coordinate("--y", "Y of the container's centre in the yard, metres");
        var theta = new Option<double>("--theta")
        {
            Description = "Heading of the container's long axis in the yard, radians within ±π (default 0)",
            HelpName = "RAD",
        };
        theta.Validators.Add(r => ArgumentChecks.Range(r, theta, -Math.PI, true, Math.PI, true, "rad"));
        var mode = new Option<string?>("--mode")
        {
            Description = "Point mode: standard (fixed dwell) or sequential (SPRT); default: the robot's profile",
        };
        mode.Validators.Add(r => ArgumentChecks.OneOf(r, mode, PointModes));
        var freshBackground = new Option<bool>("--fresh-background")
        {
            Description = "Measure a fresh background before the survey",
        };
        var noWait = new Option<bool>("--no-wait")
        {
            Description = "Send the order and exit without following the inspection",
        };

        var command = new Command("inspect",
            "Inspect a container where the robot stands: sends the inspection order, prints progress and the verdict " +
            "(exit 0 for PASS, ANOMALY and EXCEEDS; 3 when the robot refuses or the inspection fails; 4 when nothing is heard for --timeout)");
        command.Arguments.Add(serial);
        command.Options.Add(container);
        command.Options.Add(type);
        command.Options.Add(x);
        command.Options.Add(y);
        command.Options.Add(theta);
        command.Options.Add(mode);
        command.Options.Add(freshBackground);
        command.Options.Add(noWait);

        command.SetAction((parse, ct) => runner.RunAsync(parse, ct, async (client, output, token) =>
        {
            var serialNumber = parse.GetValue(serial)!;
            var request = new InspectionRequest
            {
                ContainerNumber = parse.GetValue(container)!,
                ContainerType = parse.GetValue(type)!,
                X = parse.GetValue(x),
                Y = parse.GetValue(y),
                Theta = parse.GetValue(theta),
                PointMode = parse.GetValue(mode),
                MeasureBackground = parse.GetValue(freshBackground),
            };
            SentInspection? sent = null;
            await foreach (var update in client.InspectAsync(serialNumber, request, follow: !parse.GetValue(noWait), token).ConfigureAwait(false))
            {
                if (update is InspectionSent s) sent = s.Inspection;
                output.Inspection(sent!, update);
                switch (update)
                {
                    case InspectionEnded { Finished: true }:
                        return ExitCodes.Ok;
                    case InspectionEnded failed:
                        runner.Context.Fail($"robot {serialNumber}: inspection of {sent!.ContainerNumber} failed: {failed.Result}");
                        return ExitCodes.Refused;
                    case InspectionRefused refused:
                        runner.Context.Fail($"robot {serialNumber} refused order {sent!.OrderId}: {refused.Error.ErrorType}: {refused.Error.ErrorDescription}");
                        return ExitCodes.Refused;
                }
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Option<double> Coordinate(string name, string description)
    {
        var option = new Option<double>(name) { Description = description, HelpName = "METRES", Required = true };
        option.Validators.Add(r => ArgumentChecks.Range(r, option, -MessageValidator.MaxCoordinate, true, MessageValidator.MaxCoordinate, true, "m"));
        return option;
    }
}
