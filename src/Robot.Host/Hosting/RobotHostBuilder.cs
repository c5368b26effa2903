using System.Diagnostics.CodeAnalysis;
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
        // Type=notify and journald-friendly logs under systemd (no effect elsewhere), and the watchdog
        // feed (pinged only while the control loop completes ticks).
        builder.Services.AddSystemd();
        builder.Services.TryAddSingleton<Microsoft.Extensions.Hosting.Systemd.ISystemdNotifier, Microsoft.Extensions.Hosting.Systemd.SystemdNotifier>();
        builder.Services.AddHostedService<SystemdWatchdog>();
        AddRobot(builder.Services, builder.Configuration, hardware, time ?? TimeProvider.System);
        return builder;
    }

    public static void AddRobot(IServiceCollection services, IConfiguration config, Func<IServiceProvider, RobotHardware> hardware, TimeProvider time)
    {
        services.TryAddSingleton(time);
        services.TryAddSingleton<ControlLoopProgress>();
        // Each Bind names its options type, so the configuration binding source generator
        // (EnableConfigurationBindingGenerator) replaces it with generated code: no reflection, trim/AOT safe.
        Validated(services.AddOptions<RobotIdentityOptions>().Bind(config.GetSection(RobotIdentityOptions.Section), Strict), RobotIdentityOptions.Section);
        Validated(services.AddOptions<SafetyOptions>().Bind(config.GetSection(SafetyOptions.Section), Strict), SafetyOptions.Section, s =>
            s.BatteryCriticalPercent >= s.BatteryWarnPercent ? ["BatteryCriticalPercent: must be below BatteryWarnPercent"] : []);
        Validated(services.AddOptions<MotionOptions>().Bind(config.GetSection(MotionOptions.Section), Strict), MotionOptions.Section);
        Validated(services.AddOptions<TelemetryOptions>().Bind(config.GetSection(TelemetryOptions.Section), Strict), TelemetryOptions.Section);
        // The embedded broker's own rules (an IP address, a port, credentials off loopback), checked at start-up.
        Validated(services.AddOptions<BrokerOptions>().Bind(config.GetSection(BrokerOptions.Section), Strict), BrokerOptions.Section, b =>
            b.Embedded && b.ToEmbedded(Robot.Protocol.Codec.ProtocolCodec.DefaultMaxPayloadBytes).Validate() is { } why
                ? [why]
                : System.Net.IPAddress.TryParse(b.BindAddress, out _) ? [] : [$"BindAddress: '{b.BindAddress}' is not an IP address"]);
        Validated(services.AddOptions<MeasurementProfileOptions>().Bind(config.GetSection("Measurement:Profile"), Strict), "Measurement:Profile", p => p.Problems());
        Validated(services.AddOptions<InstrumentOptions>().Bind(config.GetSection("Measurement:Instrument"), Strict), "Measurement:Instrument");
        Validated(services.AddOptions<ProcedureOptions>().Bind(config.GetSection(ProcedureOptions.Section), Strict), ProcedureOptions.Section);
        Validated(services.AddOptions<MqttLinkOptions>().Bind(config.GetSection("Link"), Strict), "Link", l => l.Validate() is { } e ? [e] : []);
        var serial = config["Robot:SerialNumber"] ?? new RobotIdentityOptions().SerialNumber;
        // The embedded broker knows the host by an account made up at each start (never on disk).
        var ownAccount = new EmbeddedBrokerService.OwnAccount("host-" + serial, Robot.Protocol.Broker.PasswordHash.NewSecret(), serial);
        services.AddSingleton(ownAccount);
        services.PostConfigure<MqttLinkOptions>(l =>
        {
            // A random suffix: whoever learns the serial number cannot guess the id to take over the session.
            if (config["Link:ClientId"] is null) l.ClientId = $"robot-{serial}-{Guid.NewGuid().ToString("N")[..8]}";
            if (config.GetValue<bool>("Broker:Embedded") && config["Link:Username"] is null)
            {
                l.Username = ownAccount.Name;
                l.Password = ownAccount.Secret;
            }
        });

        services.AddSingleton(hardware);
        services.AddSingleton(sp => new RobotController(sp.GetRequiredService<RobotHardware>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<RobotController>>(), Value<RobotIdentityOptions>(sp), Value<SafetyOptions>(sp),
            Value<MotionOptions>(sp), Value<TelemetryOptions>(sp),
            new ProcedureSetup(Value<MeasurementProfileOptions>(sp), Value<InstrumentOptions>(sp), Value<ProcedureOptions>(sp), sp.GetRequiredService<JournalWriter>())));
        services.TryAddSingleton<IInspectionRecorder>(sp => new JournalRecorder(sp.GetRequiredService<InspectionJournal>()));
        services.AddSingleton(sp => new JournalWriter(sp.GetRequiredService<IInspectionRecorder>(), sp.GetRequiredService<ILogger<JournalWriter>>()));
        services.AddSingleton(sp => new MqttLink(Value<MqttLinkOptions>(sp), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MqttLink>>()));
        // The control intake's own connection (ControlLink): same broker and account, its own client id.
        services.AddSingleton(sp =>
        {
            var main = Value<MqttLinkOptions>(sp);
            var id = main.ClientId.Length + ControlLink.ClientIdSuffix.Length <= 64 ? main.ClientId + ControlLink.ClientIdSuffix : main.ClientId[..(64 - ControlLink.ClientIdSuffix.Length)] + ControlLink.ClientIdSuffix;
            return new ControlLink(new MqttLink(main.WithClientId(id), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<MqttLink>>()));
        });

        if (config.GetValue<bool>("Broker:Embedded"))
        {
            services.AddSingleton<EmbeddedBrokerService>();
            services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBrokerService>());
        }
        services.AddHostedService<ControlLoop>();
        services.AddSingleton<ProtocolBridge>();
        services.AddHostedService(sp => sp.GetRequiredService<ProtocolBridge>());

        // Records: the journal, and the outbox after the bridge (it wraps the bridge's message handler to take report acks).
        Validated(services.AddOptions<RecordsOptions>().Bind(config.GetSection(RecordsOptions.Section), Strict), RecordsOptions.Section, r => r.Problems());
        // The report signing key (created on first start, refused when others can read it), then the journal that signs with it.
        services.AddSingleton(sp => ReportSigningKey.LoadOrCreate(
            Value<RecordsOptions>(sp).ResolveSigningKeyPath(Value<RecordsOptions>(sp).ResolvePath(sp.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory)),
            sp.GetRequiredService<ILogger<ReportSigningKey>>()));
        services.AddSingleton(sp =>
        {
            // The store's folder first: an unusable store path is a store error, not one about the key that would live beside it.
            var path = InspectionJournal.CreateFolderFor(Value<RecordsOptions>(sp).ResolvePath(sp.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory));
            return InspectionJournal.Open(path, Value<RobotIdentityOptions>(sp).SerialNumber, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<InspectionJournal>>(), signingKey: sp.GetRequiredService<ReportSigningKey>());
        });
        services.AddHostedService(sp => new ReportOutbox(sp.GetRequiredService<InspectionJournal>(), sp.GetRequiredService<MqttLink>(),
            Value<RobotIdentityOptions>(sp).SerialNumber, Value<RecordsOptions>(sp).ResendInterval, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<ReportOutbox>>()));
    }

    private static T Value<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(IServiceProvider sp) where T : class => sp.GetRequiredService<IOptions<T>>().Value;

    /// <summary>Unknown keys in a section are an error (a misspelt key must not be silently ignored).</summary>
    private static void Strict(BinderOptions o) => o.ErrorOnUnknownConfiguration = true;

    /// <summary>Validated at start, with one line per problem naming the section's key.</summary>
    private static void Validated<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] T>(OptionsBuilder<T> options, string section,
        Func<T, IEnumerable<string>>? extra = null) where T : class
    {
        options.ValidateOnStart();
        options.Services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(section, extra));
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
