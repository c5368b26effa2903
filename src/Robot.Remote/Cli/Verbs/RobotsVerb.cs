using System.CommandLine;

namespace Robot.Remote.Cli.Verbs;

/// <summary>`robots`: the robots on the broker, from their retained connection messages and factsheets.</summary>
internal static class RobotsVerb
{
    public static Command Create(VerbRunner runner)
    {
        var window = new Option<double>("--window")
        {
            Description = "Seconds to collect retained connection messages and factsheets",
            HelpName = "S",
            DefaultValueFactory = _ => 1,
        };
        window.Validators.Add(r => ArgumentChecks.Range(r, window, 0, false, 60, true, "s"));
        var command = new Command("robots", "List the robots on the broker: manufacturer, serial, connection state, last seen");
        command.Options.Add(window);
        command.SetAction((parse, ct) => runner.RunAsync(parse, ct, async (client, output, token) =>
        {
            var robots = await client.ListRobotsAsync(TimeSpan.FromSeconds(parse.GetValue(window)), token).ConfigureAwait(false);
            output.Robots(robots);
            return ExitCodes.Ok;
        }));
        return command;
    }
}
