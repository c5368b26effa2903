using System.CommandLine;

namespace Robot.Remote.Cli.Verbs;

/// <summary>`watch SERIAL`: one line per telemetry, state or event message, until --count or Ctrl+C.</summary>
internal static class WatchVerb
{
    public static Command Create(VerbRunner runner)
    {
        var serial = VerbRunner.SerialArgument();
        var count = new Option<int?>("--count")
        {
            Description = "Stop after this many messages (default: until Ctrl+C)",
            HelpName = "N",
        };
        count.Validators.Add(r =>
        {
            if (ArgumentChecks.TryGetValue(r, out int? n) && n < 1) r.AddError($"{count.Name} {n} is out of range: it must be 1 or more");
        });
        var command = new Command("watch", "Print a robot's telemetry, state and events as they arrive (pose, speed, lift, dose rate, battery, e-stop)");
        command.Arguments.Add(serial);
        command.Options.Add(count);
        command.SetAction((parse, ct) => runner.RunAsync(parse, ct, async (client, output, token) =>
        {
            var limit = parse.GetValue(count);
            var seen = 0;
            try
            {
                await foreach (var message in client.WatchAsync(parse.GetValue(serial)!, token).ConfigureAwait(false))
                {
                    output.Watch(message);
                    if (++seen >= limit) break;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Ctrl+C is how a watch normally ends.
            }
            return ExitCodes.Ok;
        }));
        return command;
    }
}
