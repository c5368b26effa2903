using System.CommandLine;
using System.CommandLine.Invocation;
using Robot.Remote.Cli.Verbs;

namespace Robot.Remote.Cli;

/// <summary>
/// The command-line remote: `robot-remote [--broker URL] [--json] [--timeout S] VERB ...`.
/// One entry point for Program and for tests, which run it in-process with their own writers and clock.
/// </summary>
public static class RemoteCli
{
    /// <summary>Parse and run one command line; returns the exit code (<see cref="ExitCodes"/>).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, TimeProvider time, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var context = new CliContext(stdout, stderr, time);
        var root = BuildRoot(context);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // System.CommandLine's own messages (and the range checks), one per line, without the help page.
            foreach (var error in parse.Errors) context.Fail(error.Message);
            return ExitCodes.BadArguments;
        }
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Program owns Ctrl+C/SIGTERM and passes them in as cancellationToken.
            ProcessTerminationTimeout = null,
        };
        return await parse.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    internal static RootCommand BuildRoot(CliContext context)
    {
        var globals = new GlobalOptions();
        var runner = new VerbRunner(context, globals);
        var root = new RootCommand(
            "Command-line remote for the radiation-inspection robot: speaks the robot protocol (VDA 5050 + robot/v1 extensions) over MQTT. "
            + ExitCodes.Summary);
        globals.AddTo(root);
        root.Subcommands.Add(RobotsVerb.Create(runner));
        root.Subcommands.Add(StatusVerb.Create(runner));
        root.Subcommands.Add(DriveVerb.Create(runner));
        root.Subcommands.Add(CommandVerbs.Lift(runner));
        root.Subcommands.Add(CommandVerbs.EmergencyStop(runner));
        root.Subcommands.Add(CommandVerbs.ResetEmergencyStop(runner));
        root.Subcommands.Add(WatchVerb.Create(runner));
        root.Subcommands.Add(InspectVerb.Create(runner));
        root.Subcommands.Add(ReportVerbs.List(runner));
        root.Subcommands.Add(ReportVerbs.Show(runner));
        root.Subcommands.Add(ReportVerbs.Acknowledge(runner));
        root.Subcommands.Add(CommandVerbs.SilenceAlarm(runner));
        root.Subcommands.Add(WebVerbs.Serve(context, globals));
        root.Subcommands.Add(WebVerbs.Users(context));
        return root;
    }
}
