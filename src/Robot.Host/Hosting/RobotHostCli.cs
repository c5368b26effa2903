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
            case "run":
                stderr.WriteLine("robot-host: no hardware driver set is available in this build yet (Hardware:Kind). " +
                                 "Run the robot over simulated hardware with: dotnet run --project simulator -- demo");
                return Task.FromResult(2);
            case "verify-records":
                return Task.FromResult(Records.VerifyRecordsVerb.Run(args[1..], stdout, stderr));
            default:
                stderr.WriteLine($"robot-host: unknown verb '{verb}'. Verbs: run, version");
                return Task.FromResult(1);
        }
    }

    public static string Version =>
        typeof(RobotHostCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
