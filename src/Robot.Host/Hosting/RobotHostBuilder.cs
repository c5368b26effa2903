using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Control;
using Robot.Host.Link;
using Robot.Host.Procedure;
using Robot.Host.Records;
using Robot.Protocol.Link;

namespace Robot.Host.Hosting;

/// <summary>
/// Composes the robot on the Generic Host: options (validated at start, unknown keys refused),
/// the TimeProvider, the hardware (real or simulated, chosen by the caller), the controller, the
/// supervisor's tick, the protocol bridge and, when configured, the embedded broker.
/// </summary>
public static class RobotHostBuilder
{
    public static HostApplicationBuilder Create(string[] args, Func<IServiceProvider, RobotHardware> hardware, TimeProvider? time = null,
        IEnumerable<KeyValuePair<string, string?>>? defaults = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (defaults is not null)
        {
            // Lowest precedence after the built-in sources are re-added on top.
            var sources = builder.Configuration.Sources.ToList();
            builder.Configuration.Sources.Clear();
            builder.Configuration.AddInMemoryCollection(defaults);
            foreach (var s in sources) builder.Configuration.Sources.Add(s);
        }
        // The installed config (/etc/robot-host/appsettings.json through ROBOT_CONFIG or --config), then ROBOT_ variables, then the command line.
        if (HardwareComposition.ConfigFilePath(args) is { } file) builder.Configuration.AddJsonFile(file, optional: false, reloadOnChange: false);
        builder.Configuration.AddEnvironmentVariables("ROBOT_");
        if (args.Length > 0) builder.Configuration.AddCommandLine(args);
        // Type=notify and journald-friendly logs under systemd (no effect elsewhere), and the watchdog feed.
        builder.Services.AddSystemd();
        builder.Services.TryAddSingleton<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier, Microsoft.Extensions.Hosting.Systemd.SystemdNotifier>();
        builder.Services.AddHostedService<SystemdWatchdog>();
        AddRobot(builder.Services, builder.Configuration, hardware, time ?? TimeProvider.System);
        return builder;
    }

    public static void AddRobot(IServiceCollection services, IConfiguration config, Func<IServiceProvider, RobotHardware> hardware, TimeProvider time)
    {
        services.TryAddSingleton(time);
        AddOptions<RobotIdentityOptions>(services, config, RobotIdentityOptions.Section);
        AddOptions<SafetyOptions>(services, config, SafetyOptions.Section, s =>
            s.BatteryCriticalPercent >= s.BatteryWarnPercent ? ["BatteryCriticalPercent: must be below BatteryWarnPercent"] : []);
        AddOptions<MotionOptions>(services, config, MotionOptions.Section);
        AddOptions<TelemetryOptions>(services, config, TelemetryOptions.Section);
        AddOptions<BrokerOptions>(services, config, BrokerOptions.Section, b =>
            System.Net.IPAddress.TryParse(b.BindAddress, out _) ? [] : [$"BindAddress: '{b.BindAddress}' is not an IP address"]);
        AddOptions<MeasurementProfileOptions>(services, config, "Measurement:Profile", p => p.Problems());
        AddOptions<InstrumentOptions>(services, config, "Measurement:Instrument");
        AddOptions<ProcedureOptions>(services, config, ProcedureOptions.Section);
        services.AddOptions<MqttLinkOptions>().Bind(config.GetSection("Link"), o => o.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MqttLinkOptions>>(new SectionValidator<MqttLinkOptions>("Link", l => l.Validate() is { } e ? [e] : []));
        services.PostConfigure<MqttLinkOptions>(l =>
        {
            if (config["Link:ClientId"] is null) l.ClientId = "robot-" + (config["Robot:SerialNumber"] ?? new RobotIdentityOptions().SerialNumber);
        });

        services.AddSingleton(hardware);
        services.AddSingleton(sp => new RobotController(sp.GetRequiredService<RobotHardware>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RobotController>>(), Value<RobotIdentityOptions>(sp), Value<SafetyOptions>(sp),
            Value<MotionOptions>(sp), Value<TelemetryOptions>(sp),
            new ProcedureSetup(Value<MeasurementProfileOptions>(sp), Value<InstrumentOptions>(sp), Value<ProcedureOptions>(sp), sp.GetRequiredService<JournalWriter>())));
        services.TryAddSingleton<IInspectionRecorder>(sp => new JournalRecorder(sp.GetRequiredService<InspectionJournal>()));
        services.AddSingleton(sp => new JournalWriter(sp.GetRequiredService<IInspectionRecorder>(), sp.GetRequiredService<ILogger<JournalWriter>>()));
        services.AddSingleton(sp => new MqttLink(Value<MqttLinkOptions>(sp), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MqttLink>>()));

        if (config.GetValue<bool>("Broker:Embedded"))
        {
            services.AddSingleton<EmbeddedBrokerService>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBrokerService>());
        }
        services.AddHostedService<ControlLoop>();
        services.AddSingleton<ProtocolBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<ProtocolBridge>());

        // Records: the journal, and the outbox after the bridge (it wraps the bridge's message handler to take report acks).
        AddOptions<RecordsOptions>(services, config, RecordsOptions.Section, r => r.Problems());
        services.AddSingleton(sp => InspectionJournal.Open(
            Value<RecordsOptions>(sp).ResolvePath(sp.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory),
            Value<RobotIdentityOptions>(sp).SerialNumber, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<InspectionJournal>>()));
        services.AddHostedService(sp => new ReportOutbox(sp.GetRequiredService<InspectionJournal>(), sp.GetRequiredService<MqttLink>(),
            Value<RobotIdentityOptions>(sp).SerialNumber, Value<RecordsOptions>(sp).ResendInterval, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ReportOutbox>>()));
    }

    private static T Value<T>(IServiceProvider sp) where T : class => sp.GetRequiredService<IOptions<T>>().Value;

    private static void AddOptions<T>(IServiceCollection services, IConfiguration config, string section, Func<T, IEnumerable<string>>? extra = null) where T : class
    {
        services.AddOptions<T>().Bind(config.GetSection(section), o => o.ErrorOnUnknownConfiguration = true).ValidateOnStart();
        services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(section, extra));
    }

    /// <summary>
    /// Turns the exceptions a bad configuration throws at start into one line per problem,
    /// naming the key. Returns null for anything that is not a configuration problem.
    /// </summary>
    public static IReadOnlyList<string>? DescribeConfigurationError(Exception ex)
    {
        switch (ex)
        {
            case OptionsValidationException ov:
                return ov.Failures.Select(f => "config error: " + f).ToList();
            case AggregateException ag:
                var lines = ag.InnerExceptions.Select(DescribeConfigurationError).Where(l => l is not null).SelectMany(l => l!).ToList();
                return lines.Count > 0 ? lines : null;
            case InvalidOperationException io when io.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase):
                // "Failed to convert configuration value at 'Safety:TickHz' to type 'System.Int32'."
                // "'Safety' ... has unknown keys: 'TickHz2'" from ErrorOnUnknownConfiguration.
                return ["config error: " + io.Message.Split('\n')[0].Trim() + (io.InnerException is { } inner ? " (" + inner.Message.Split('\n')[0].Trim() + ")" : "")];
            default:
                return ex.InnerException is { } innerEx ? DescribeConfigurationError(innerEx) : null;
        }
    }
}
