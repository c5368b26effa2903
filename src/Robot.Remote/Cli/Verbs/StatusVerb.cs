using System.CommandLine;

namespace Robot.Remote.Cli.Verbs;

/// <summary>`status SERIAL`: the robot's status snapshot, by the status command (MQTT 5 request/response).</summary>
internal static class StatusVerb
{
    public static Command Create(VerbRunner runner)
    {
        var serial = VerbRunner.SerialArgument();
        var command = new Command("status", "Ask a robot for its status: mode, e-stop, pose, lift, battery, detector, errors");
        command.Arguments.Add(serial);
        command.SetAction((parse, ct) => runner.RunAsync(parse, ct, async (client, output, token) =>
        {
            var status = await client.StatusAsync(parse.GetValue(serial)!, token).ConfigureAwait(false);
            output.Status(status);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
