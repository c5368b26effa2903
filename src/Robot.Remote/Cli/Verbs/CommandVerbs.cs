using System.CommandLine;
using Robot.Protocol.Extensions;

namespace Robot.Remote.Cli.Verbs;

/// <summary>`lift`, `estop`, `reset-estop`, `silence-alarm`: one command each, refused commands exit with <see cref="ExitCodes.Refused"/>.</summary>
internal static class CommandVerbs
{
    public const double MaxLiftHeightM = 20;

    public static Command Lift(VerbRunner runner)
    {
        var serial = VerbRunner.SerialArgument();
        var to = new Option<double>("--to")
        {
            Description = $"Target probe height in metres, 0 to {MaxLiftHeightM}",
            HelpName = "METRES",
            Required = true,
        };
        to.Validators.Add(r => ArgumentChecks.Range(r, to, 0, true, MaxLiftHeightM, true, "m"));
        var command = new Command("lift", "Move the probe lift to a height");
        command.Arguments.Add(serial);
        command.Options.Add(to);
        command.SetAction((parse, ct) => runner.RunAsync(parse, ct, (client, output, token) =>
            VerbRunner.CommandAsync(client, output, parse.GetValue(serial)!, CommandNames.LiftTo, parse.GetValue(to), token)));
        return command;
    }

    public static Command EmergencyStop(VerbRunner runner) =>
        Simple(runner, "estop", "Emergency stop: latch the robot's stop (only reset-estop releases it)", CommandNames.EmergencyStop);

    public static Command ResetEmergencyStop(VerbRunner runner) =>
        Simple(runner, "reset-estop", "Release the emergency-stop latch (nothing moves until a new command)", CommandNames.ResetEmergencyStop);

    public static Command SilenceAlarm(VerbRunner runner) =>
        Simple(runner, "silence-alarm", "Silence the robot's alarm (sounded on an EXCEEDS verdict)", CommandNames.SilenceAlarm);

    private static Command Simple(VerbRunner runner, string name, string description, string commandName)
    {
        var serial = VerbRunner.SerialArgument();
        var command = new Command(name, description);
        command.Arguments.Add(serial);
        command.SetAction((parse, ct) => runner.RunAsync(parse, ct, (client, output, token) =>
            VerbRunner.CommandAsync(client, output, parse.GetValue(serial)!, commandName, null, token)));
        return command;
    }
}
