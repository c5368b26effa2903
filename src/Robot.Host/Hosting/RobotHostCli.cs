using System.Reflection;

namespace Robot.Host.Hosting;

/// <summary>The robot-host command line: version, and (for now) a clear word on hardware.</summary>
public static class RobotHostCli
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var verb = args.FirstOrDefault() ?? "run";
        switch (verb)
        {
            case "version":
            case "--version":
                stdout.WriteLine($"robot-host {Version}");
                return Task.FromResult(0);
            case "state-chart":
            {
                // Writes the procedure's state chart, generated from the machine itself.
                var document = Procedure.InspectionProcedure.ProcedureDocument();
                var write = Array.IndexOf(args, "--write");
                if (write >= 0)
                {
                    if (write + 1 >= args.Length)
                    {
                        stderr.WriteLine("robot-host: state-chart --write needs a file path");
                        return Task.FromResult(1);
                    }
                    File.WriteAllText(args[write + 1], document);
                    stdout.WriteLine($"wrote {args[write + 1]}");
                }
                else
                {
                    stdout.Write(document);
                }
                return Task.FromResult(0);
            }
            case "run":
                stderr.WriteLine("robot-host: no hardware driver set is available in this build yet (Hardware:Kind). " +
                                 "Run the robot over simulated hardware with: dotnet run --project simulator -- demo");
                return Task.FromResult(2);
            case "verify-records":
                return Task.FromResult(Records.VerifyRecordsVerb.Run(args[1..], stdout, stderr));
            default:
                stderr.WriteLine($"robot-host: unknown verb '{verb}'. Verbs: run, version, state-chart");
                return Task.FromResult(1);
        }
    }

    public static string Version =>
        typeof(RobotHostCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
