using System.CommandLine;
using Robot.Remote.Cli.Output;
using Robot.Remote.Client;

namespace Robot.Remote.Cli;

/// <summary>
/// Runs one verb: connects a <see cref="RobotClient"/> with the global options, runs the verb's body,
/// and turns every failure into one line on stderr and an exit code (<see cref="ExitCodes"/>).
/// </summary>
internal sealed class VerbRunner(CliContext context, GlobalOptions globals)
{
    public CliContext Context => context;

    public async Task<int> RunAsync(
        ParseResult parse,
        CancellationToken cancellationToken,
        Func<RobotClient, CliOutput, CancellationToken, Task<int>> body,
        Action<RobotClientOptions>? configure = null)
    {
        var output = new CliOutput(context.Out, parse.GetValue(globals.Json), context.Time);
        try
        {
            var options = globals.ToClientOptions(parse);
            configure?.Invoke(options);
            var client = await RobotClient.ConnectAsync(options, context.Time, cancellationToken).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                return await body(client, output, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (UsageException ex)
        {
            context.Fail(ex.Message);
            return ExitCodes.BadArguments;
        }
        catch (RobotClientException ex)
        {
            // With --json the refusal is also a result: print the robot's answer as it came.
            if (ex.Response is { } response && output.Json) output.CommandAnswer(response.Command, response);
            context.Fail(ex.Message);
            return ExitCodes.For(ex.Failure);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Fail("interrupted");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A bug, not an operator error: still one line, and an exit code of its own (not 1).
            context.Fail($"unexpected error: {ex.GetType().Name}: {ex.Message}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The SERIAL argument every robot verb takes, checked to be usable in a topic.</summary>
    public static Argument<string> SerialArgument()
    {
        var serial = new Argument<string>("SERIAL") { Description = "The robot's serial number" };
        serial.Validators.Add(r => ArgumentChecks.Id(r, serial));
        return serial;
    }

    /// <summary>Send a command, insist it is accepted, print the answer.</summary>
    public static async Task<int> CommandAsync(RobotClient client, CliOutput output, string serialNumber, string command, double? heightM, CancellationToken cancellationToken)
    {
        var response = await client.SendAcceptedCommandAsync(serialNumber, client.NewCommand(command, heightM), cancellationToken).ConfigureAwait(false);
        output.CommandAnswer(serialNumber, response);
        return ExitCodes.Ok;
    }
}
