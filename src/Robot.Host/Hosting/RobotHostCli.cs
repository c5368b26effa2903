using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Robot.Host.Configuration;
using Robot.Host.Records;
using Robot.Protocol.Link;
using Robot.Drivers.Configuration;

namespace Robot.Host.Hosting;

/// <summary>The robot-host command line: run (the service), print-config, selftest, hardware, verify-records, records-key, broker-account, state-chart, version.</summary>
public static class RobotHostCli
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        // No verb, or options only (robot-host --config /etc/robot-host/appsettings.json): run.
        if (args.Length == 0 || (args[0].StartsWith("--", StringComparison.Ordinal) && args[0] != "--version")) args = ["run", .. args];
        var verb = args[0];
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
                return RunHostAsync(args[1..], stderr);
            case "print-config":
                return Task.FromResult(PrintConfig(args[1..], stdout, stderr));
            case "verify-records":
                return Task.FromResult(Records.VerifyRecordsVerb.Run(args[1..], stdout, stderr));
            case "records-key":
                return Task.FromResult(Records.RecordsKeyVerb.Run(args[1..], stdout, stderr));
            case "broker-account":
                return Task.FromResult(BrokerAccountVerb.Run(args[1..], stdout, stderr));
            case "selftest":
                return Task.FromResult(SelfTest(args.Skip(1), stdout, stderr));
            case "hardware":
                return Task.FromResult(PrintHardwareMap(args.Skip(1), stdout, stderr));
            default:
                stderr.WriteLine($"robot-host: unknown verb '{verb}'. Verbs: run, print-config, selftest, hardware, verify-records, records-key, broker-account, state-chart, version");
                return Task.FromResult(1);
        }
    }

    /// <summary>
    /// The service: the robot on the Generic Host until SIGTERM (or Ctrl+C); exit 0 after a clean stop.
    /// A bad configuration exits 2 with one line per problem, naming the key.
    /// </summary>
    private static async Task<int> RunHostAsync(string[] args, TextWriter stderr)
    {
        IHost? host = null;
        if (MissingConfigFile(args) is { } missing)
        {
            stderr.WriteLine(missing);
            return 2;
        }
        try
        {
            var builder = RobotHostBuilder.Create(args,
                sp => HardwareComposition.CreateHardware(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<TimeProvider>()));
            host = builder.Build();
            // Pre-flight: every option section (unknown keys, bad values) and the hardware, so a bad
            // config is one line per problem here rather than a stack trace from the host's start.
            host.Services.GetService<IStartupValidator>()?.Validate();
            host.Services.GetRequiredService<Robot.Drivers.Abstractions.RobotHardware>();
            // ...and the record store, so an unwritable Records:DatabasePath is one line, not a restart loop.
            host.Services.GetService<Robot.Host.Records.InspectionJournal>();
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (Problems(e) is { } lines)
        {
            foreach (var line in lines) stderr.WriteLine(line);
            return 2;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            stderr.WriteLine($"robot-host: fatal: {e.GetType().Name}: {e.Message.Split('\n')[0].Trim()}");
            return 1;
        }
        finally
        {
            if (host is IAsyncDisposable d) await d.DisposeAsync().ConfigureAwait(false);
            else host?.Dispose();
        }
    }

    private static string? MissingConfigFile(string[] args) =>
        HardwareComposition.ConfigFilePath(args) is { } file && !File.Exists(file)
            ? $"config error: the config file {file} does not exist (named by --config or ROBOT_CONFIG)"
            : null;

    /// <summary>The option types of the host and the config section each binds.</summary>
    private static readonly Dictionary<string, string> Sections = new()
    {
        [typeof(RobotIdentityOptions).FullName!] = RobotIdentityOptions.Section,
        [typeof(SafetyOptions).FullName!] = SafetyOptions.Section,
        [typeof(MotionOptions).FullName!] = MotionOptions.Section,
        [typeof(TelemetryOptions).FullName!] = TelemetryOptions.Section,
        [typeof(BrokerOptions).FullName!] = BrokerOptions.Section,
        [typeof(MqttLinkOptions).FullName!] = "Link",
        [typeof(MeasurementProfileOptions).FullName!] = "Measurement:Profile",
        [typeof(InstrumentOptions).FullName!] = "Measurement:Instrument",
        [typeof(ProcedureOptions).FullName!] = ProcedureOptions.Section,
        [typeof(RecordsOptions).FullName!] = RecordsOptions.Section,
    };

    /// <summary>"... properties were not found on the instance of X: 'K'" becomes "Section: unknown key(s) 'K'".</summary>
    internal static string Plain(string line)
    {
        const string marker = "were not found on the instance of ";
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return line;
        var rest = line[(at + marker.Length)..];
        var colon = rest.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0) return line;
        var type = rest[..colon];
        var section = Sections.TryGetValue(type, out var s) ? s : type;
        return $"config error: {section}: unknown key(s) {rest[(colon + 2)..]} (check the spelling; robot-host print-config shows every key)";
    }

    /// <summary>One line per configuration or hardware problem, or null when the exception is something else.</summary>
    private static IReadOnlyList<string>? Problems(Exception e) => RawProblems(e)?.Select(Plain).ToList();

    private static IReadOnlyList<string>? RawProblems(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is HardwareConfigurationException h) return h.Problems;
            if (x is Robot.Host.Records.ReportSigningKeyException k)
                return [$"signing key error: {k.Message.Split('\n')[0].Trim()} (check {RecordsOptions.Section}:SigningKeyFile, for example /etc/robot-host/records-signing-key.pem; see docs/records.md)"];
            if (x is Robot.Host.Records.RecordStoreException r)
                return [$"record store error: {r.Message.Split('\n')[0].Trim()} (check {RecordsOptions.Section}:DatabasePath: a writable file such as /var/lib/robot-host/robot-records.db)"];
            if (x is InvalidDataException && x.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase))
                return ["config error: " + x.Message.Split('\n')[0].Trim() + (x.InnerException is { } i ? " (" + i.Message.Split('\n')[0].Trim() + ")" : "")];
            if (x is AggregateException ag)
            {
                var lines = ag.InnerExceptions.Select(RawProblems).Where(l => l is not null).SelectMany(l => l!).ToList();
                if (lines.Count > 0) return lines;
            }
        }
        return RobotHostBuilder.DescribeConfigurationError(e);
    }

    /// <summary>The effective configuration (defaults, the config file, ROBOT_ variables, the command line) as JSON; secrets masked.</summary>
    private static int PrintConfig(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (MissingConfigFile(args) is { } missing)
        {
            stderr.WriteLine(missing);
            return 2;
        }
        try
        {
            var builder = RobotHostBuilder.Create(args, _ => throw new InvalidOperationException("print-config opens no hardware"));
            using var host = builder.Build();
            var sp = host.Services;
            var effective = new JsonObject
            {
                [RobotIdentityOptions.Section] = Node(sp.GetRequiredService<IOptions<RobotIdentityOptions>>().Value),
                [SafetyOptions.Section] = Node(sp.GetRequiredService<IOptions<SafetyOptions>>().Value),
                [MotionOptions.Section] = Node(sp.GetRequiredService<IOptions<MotionOptions>>().Value),
                [TelemetryOptions.Section] = Node(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value),
                [BrokerOptions.Section] = Node(sp.GetRequiredService<IOptions<BrokerOptions>>().Value),
                ["Link"] = Node(sp.GetRequiredService<IOptions<MqttLinkOptions>>().Value),
                ["Measurement"] = new JsonObject
                {
                    ["Profile"] = Node(sp.GetRequiredService<IOptions<MeasurementProfileOptions>>().Value),
                    ["Instrument"] = Node(sp.GetRequiredService<IOptions<InstrumentOptions>>().Value),
                },
                [ProcedureOptions.Section] = Node(sp.GetRequiredService<IOptions<ProcedureOptions>>().Value),
                [RecordsOptions.Section] = Node(sp.GetRequiredService<IOptions<RecordsOptions>>().Value),
                [Robot.Drivers.Configuration.HardwareOptions.Section] = Node(HardwareComposition.Bind(sp.GetRequiredService<IConfiguration>())),
            };
            if (HardwareComposition.ConfigFilePath(args) is { } file) stdout.WriteLine($"// config file: {file}");
            stdout.WriteLine(Mask(effective).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        catch (Exception e) when (Problems(e) is { } lines)
        {
            foreach (var line in lines) stderr.WriteLine(line);
            return 2;
        }
    }

    private static JsonNode? Node<T>(T value) => JsonSerializer.SerializeToNode(value, (JsonTypeInfo<T>)ConfigJsonContext.Default.GetTypeInfo(typeof(T))!);

    /// <summary>Replaces the value of every set password, secret or token with "***".</summary>
    internal static JsonNode Mask(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (value is null) continue;
                    if (IsSecret(key) && value is JsonValue) o[key] = "***";
                    else Mask(value);
                }
                break;
            case JsonArray a:
                foreach (var item in a) if (item is not null) Mask(item);
                break;
        }
        return node;
    }

    private static bool IsSecret(string key) =>
        key.Contains("password", StringComparison.OrdinalIgnoreCase) || key.Contains("secret", StringComparison.OrdinalIgnoreCase) ||
        key.Contains("token", StringComparison.OrdinalIgnoreCase) || key.Contains("apikey", StringComparison.OrdinalIgnoreCase);

    /// <summary>Probe every configured device; non-zero when a required one fails. Never moves the mast.</summary>
    private static int SelfTest(IEnumerable<string> args, TextWriter stdout, TextWriter stderr)
    {
        try
        {
            var options = HardwareComposition.Bind(HardwareComposition.LoadConfiguration(args));
            if (string.Equals(options.Kind, "virtual", StringComparison.OrdinalIgnoreCase))
            {
                var virtualProblems = options.Virtual.Validate();
                foreach (var p in virtualProblems) stderr.WriteLine("config error: " + p);
                if (virtualProblems.Count == 0) stdout.WriteLine("Hardware:Kind is virtual: no devices to test (stand-ins with no I/O)");
                return virtualProblems.Count == 0 ? 0 : 2;
            }
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
            if (string.Equals(options.Kind, "virtual", StringComparison.OrdinalIgnoreCase))
            {
                // As selftest: virtual drivers have no pins or buses to map; say so instead of refusing.
                var virtualProblems = options.Virtual.Validate();
                foreach (var p in virtualProblems) stderr.WriteLine("config error: " + p);
                if (virtualProblems.Count == 0) stdout.WriteLine("Hardware:Kind is virtual: no pins or buses (stand-ins with no I/O)");
                return virtualProblems.Count == 0 ? 0 : 2;
            }
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
