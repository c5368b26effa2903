using System.Reflection;
using Robot.Drivers.Configuration;

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
            case "selftest":
                return Task.FromResult(SelfTest(args.Skip(1), stdout, stderr));
            case "hardware":
                return Task.FromResult(PrintHardwareMap(args.Skip(1), stdout, stderr));
            default:
                stderr.WriteLine($"robot-host: unknown verb '{verb}'. Verbs: run, selftest, hardware, verify-records, state-chart, version");
                return Task.FromResult(1);
        }
    }

    /// <summary>Probe every configured device; non-zero when a required one fails. Never moves the mast.</summary>
    private static int SelfTest(IEnumerable<string> args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var options = HardwareComposition.Bind(HardwareComposition.LoadConfiguration(args));
            options.Lift.HomeOnStart = false;
            var problems = options.Validate();
            if (problems.Count > 0) throw new HardwareConfigurationException(problems.Select(p => "config error: " + p).ToList());
            System.Device.Gpio.GpioController gpio;
            try
            {
                gpio = HardwareFactory.OpenGpio(options.Gpio);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var lib = options.Gpio.Driver == "libgpiod" ? $" v{options.Gpio.LibgpiodVersion} chip {options.Gpio.Chip}" : "";
                stderr.WriteLine($"robot-host selftest: FAIL: cannot open the GPIO driver {options.Gpio.Driver}{lib} (Hardware:Gpio): {e.Message.Split('\n')[0].Trim()}{(e.InnerException is { } inner ? ": " + inner.Message.Split('\n')[0].Trim() : "")} (is there a /dev/gpiochip{options.Gpio.Chip}? see docs/hardware.md)");
                return 1;
            }
            // Missing buses and ports show as failed rows of the table, not as configuration errors.
            using var rig = HardwareComposition.Build(options, TimeProvider.System, gpio, deviceExists: _ => true);
            var rows = rig.SelfTest();
            stdout.Write(HardwareFactory.FormatSelfTest(rows));
            var failed = rows.Where(r => !r.Ok && r.Required).ToList();
            if (failed.Count == 0) return 0;
            stderr.WriteLine($"robot-host selftest: {failed.Count} required device(s) failed: {string.Join(", ", failed.Select(r => r.Device))}");
            return 1;
        }
        catch (HardwareConfigurationException e)
        {
            foreach (var line in e.Problems) stderr.WriteLine(line);
            return 2;
        }
    }

    /// <summary>Print the pin and bus map of the configured hardware.</summary>
    private static int PrintHardwareMap(IEnumerable<string> args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var options = HardwareComposition.Bind(HardwareComposition.LoadConfiguration(args));
            stdout.Write(HardwareFactory.DescribeMap(options));
            foreach (var problem in options.Validate()) stderr.WriteLine("config error: " + problem);
            return options.Validate().Count == 0 ? 0 : 2;
        }
        catch (HardwareConfigurationException e)
        {
            foreach (var line in e.Problems) stderr.WriteLine(line);
            return 2;
        }
    }

    public static string Version =>
        typeof(RobotHostCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
