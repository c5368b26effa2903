using System.Device.Gpio;
using System.Device.I2c;
using Microsoft.Extensions.Configuration;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Configuration;
using Robot.Drivers.Virtual;

namespace Robot.Host.Hosting;

/// <summary>A hardware configuration or device problem, one clear line per problem, each naming its key.</summary>
public sealed class HardwareConfigurationException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>
/// Binds the "Hardware" section and builds the real drivers through <see cref="HardwareFactory"/>;
/// every validation problem or failed required device becomes one line naming its key.
/// </summary>
public static class HardwareComposition
{
    /// <summary>
    /// appsettings.json beside the executable, the config file (--config PATH or ROBOT_CONFIG),
    /// ROBOT_ environment variables, then the command line.
    /// </summary>
    public static IConfiguration LoadConfiguration(IEnumerable<string> args)
    {
        var list = args.ToArray();
        var builder = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true);
        if (ConfigFilePath(list) is { } file) builder.AddJsonFile(file, optional: false);
        return builder.AddEnvironmentVariables("ROBOT_").AddCommandLine(list).Build();
    }

    /// <summary>The config file named by --config PATH (or --config=PATH), else by ROBOT_CONFIG; null when neither.</summary>
    public static string? ConfigFilePath(IReadOnlyList<string> args, Func<string, string?>? env = null)
    {
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Count) return Path.GetFullPath(args[i + 1]);
            if (args[i].StartsWith("--config=", StringComparison.Ordinal)) return Path.GetFullPath(args[i]["--config=".Length..]);
        }
        var fromEnv = (env ?? Environment.GetEnvironmentVariable)("ROBOT_CONFIG");
        return string.IsNullOrWhiteSpace(fromEnv) ? null : Path.GetFullPath(fromEnv);
    }

    /// <summary>Bind the section; unknown keys and unconvertible values are problems too.</summary>
    public static HardwareOptions Bind(IConfiguration config)
    {
        var options = new HardwareOptions();
        try
        {
            config.GetSection(HardwareOptions.Section).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            var message = e.Message.Split('\n')[0].Trim();
            var unknown = message.IndexOf("were not found on the instance of", StringComparison.Ordinal);
            if (unknown >= 0) message = "unknown key(s) " + message[(message.IndexOf(": ", unknown, StringComparison.Ordinal) + 2)..] + " (check the spelling against docs/hardware.md)";
            throw new HardwareConfigurationException([$"config error: {HardwareOptions.Section}: " + message + (e.InnerException is { } i ? " (" + i.Message.Split('\n')[0].Trim() + ")" : "")]);
        }
        return options;
    }

    /// <summary>Validate (buses and ports checked on this machine unless a check is given) and open every device.</summary>
    public static HardwareRig Build(HardwareOptions options, TimeProvider time, GpioController? gpio = null,
        Func<int, int, I2cDevice>? i2c = null, Func<string, bool>? deviceExists = null)
    {
        var problems = options.Validate(deviceExists ?? (path => File.Exists(path)));
        if (problems.Count > 0) throw new HardwareConfigurationException(problems.Select(p => "config error: " + p).ToList());
        return HardwareFactory.Create(options, time, gpio, i2c);
    }

    /// <summary>
    /// The robot's hardware for the host, by Hardware:Kind: "gpio" (the real drivers) or "virtual"
    /// (stand-ins with no I/O). Throws with one line per problem or failed required device.
    /// </summary>
    public static RobotHardware CreateHardware(IConfiguration config, TimeProvider time)
    {
        var options = Bind(config);
        if (string.Equals(options.Kind, "virtual", StringComparison.OrdinalIgnoreCase))
        {
            var problems = options.Virtual.Validate();
            if (problems.Count > 0) throw new HardwareConfigurationException(problems.Select(p => "config error: " + p).ToList());
            return VirtualHardware.Create(options.Virtual, time);
        }
        if (!string.Equals(options.Kind, "gpio", StringComparison.OrdinalIgnoreCase))
            throw new HardwareConfigurationException([$"config error: Hardware:Kind: '{options.Kind}' is not a hardware kind (gpio, virtual)"]);
        var rig = Build(options, time);
        if (rig.HasRequiredFaults || rig.Hardware is null)
        {
            var faults = rig.Faults.Select(f => "hardware error: " + f).ToList();
            rig.Dispose();
            throw new HardwareConfigurationException(faults);
        }
        return rig.Hardware;
    }
}
