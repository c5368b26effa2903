using System.ComponentModel.DataAnnotations;

namespace Robot.Host.Configuration;

// Options bound from appsettings.json / environment (ROBOT__...) / command line and validated at
// start (ValidateOnStart): a bad value stops the host with one line naming the key and the reason.

/// <summary>"Robot": who this robot is on the protocol.</summary>
public sealed class RobotIdentityOptions
{
    public const string Section = "Robot";

    [Required, RegularExpression(@"^[A-Za-z0-9_.\-]{1,64}$", ErrorMessage = "must be 1 to 64 letters, digits, '_', '.' or '-'")]
    public string Manufacturer { get; set; } = "PortCustoms";

    [Required, RegularExpression(@"^[A-Za-z0-9_.\-]{1,64}$", ErrorMessage = "must be 1 to 64 letters, digits, '_', '.' or '-'")]
    public string SerialNumber { get; set; } = "RIR-001";

    [Required, RegularExpression(@"^[A-Za-z0-9_.\-]{1,64}$", ErrorMessage = "must be 1 to 64 letters, digits, '_', '.' or '-'")]
    public string MapId { get; set; } = "yard";

    [Required]
    public string SeriesName { get; set; } = "RIR radiation inspection robot";
}

/// <summary>"Safety": the supervisor's tick and limits.</summary>
public sealed class SafetyOptions
{
    public const string Section = "Safety";

    /// <summary>Supervisor tick rate. The e-stop acts within one tick (input edges act at once).</summary>
    [Range(10, 1000)]
    public int TickHz { get; set; } = 50;

    /// <summary>Longest dead-man expiry the robot accepts for one teleop sample; a longer ttl is capped.</summary>
    [TimeSpanRange("00:00:00.050", "00:00:02")]
    public TimeSpan TeleopMaxTtl { get; set; } = TimeSpan.FromMilliseconds(300);

    [Range(0.05, 3.0)]
    public double MaxLinearSpeedMps { get; set; } = 1.0;

    [Range(0.05, 5.0)]
    public double MaxAngularSpeedRadps { get; set; } = 1.5;

    [Range(0.01, 1.0)]
    public double MaxLiftSpeedMps { get; set; } = 0.2;

    /// <summary>A command issued longer ago than this is stale.</summary>
    [TimeSpanRange("00:00:00.100", "00:10:00")]
    public TimeSpan CommandMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far in the future a command's issue time may be (clock skew between phone and robot).</summary>
    [TimeSpanRange("00:00:00", "00:01:00")]
    public TimeSpan CommandClockSkew { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A teleop sample issued longer ago than this is stale (a delayed sample must not move the robot).</summary>
    [TimeSpanRange("00:00:00.050", "00:00:10")]
    public TimeSpan TeleopMaxAge { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Battery state of charge (%) below which the robot warns.</summary>
    [Range(0, 100)]
    public double BatteryWarnPercent { get; set; } = 25;

    /// <summary>Battery state of charge (%) below which the robot refuses new motion and holds.</summary>
    [Range(0, 100)]
    public double BatteryCriticalPercent { get; set; } = 10;
}

/// <summary>"Motion": the simple pose controller that drives node to node.</summary>
public sealed class MotionOptions
{
    public const string Section = "Motion";

    [Range(0.02, 2.0)]
    public double NodeToleranceM { get; set; } = 0.10;

    [Range(0.01, 1.0)]
    public double HeadingToleranceRad { get; set; } = 0.05;

    /// <summary>Heading error above which the robot turns on the spot before driving.</summary>
    [Range(0.05, 1.5)]
    public double TurnInPlaceAboveRad { get; set; } = 0.35;

    [Range(0.05, 3.0)]
    public double CruiseSpeedMps { get; set; } = 0.8;

    [Range(0.05, 5.0)]
    public double TurnRateRadps { get; set; } = 1.0;

    [Range(0.05, 5.0)]
    public double DecelerationMps2 { get; set; } = 0.5;

    [Range(0.1, 10.0)]
    public double HeadingGain { get; set; } = 2.0;

    /// <summary>The first node of a new order must be this close to the robot (VDA 5050: trivially reachable).</summary>
    [Range(0.05, 10.0)]
    public double FirstNodeToleranceM { get; set; } = 0.5;

    /// <summary>An order or instantActions message stamped longer ago than this is refused (stop actions excepted).</summary>
    [TimeSpanRange("00:00:01", "00:10:00")]
    public TimeSpan MessageMaxAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far ahead of the robot's clock an order or instantActions timestamp may be (clock skew).</summary>
    [TimeSpanRange("00:00:00", "00:01:00")]
    public TimeSpan MessageClockSkew { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>"Telemetry": publishing rates.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    [Range(0.1, 50)]
    public double RateHz { get; set; } = 5;

    [Range(0.1, 50)]
    public double VisualizationRateHz { get; set; } = 2;

    /// <summary>State is published on every change and at least this often.</summary>
    [TimeSpanRange("00:00:01", "00:00:30")]
    public TimeSpan StateMaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a rejected-input error stays in state.errors.</summary>
    [TimeSpanRange("00:00:01", "01:00:00")]
    public TimeSpan InputErrorRetention { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1024, 4 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = Robot.Protocol.Codec.ProtocolCodec.DefaultMaxPayloadBytes;
}

/// <summary>"Broker": the embedded MQTT broker the host can start for itself.</summary>
public sealed class BrokerOptions
{
    public const string Section = "Broker";

    /// <summary>Start the in-process broker (the default on a stand-alone robot and in the demo).</summary>
    public bool Embedded { get; set; }

    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    [Range(0, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>Account file of the other clients (officers, web remote, fleet, archive, observers); docs/security.md.</summary>
    public string? AccountsFile { get; set; }
    /// <summary>PEM certificate and key: the broker speaks TLS. Required (with AccountsFile) off loopback.</summary>
    public string? CertificateFile { get; set; }
    public string? CertificateKeyFile { get; set; }
    /// <summary>PEM CA of client certificates (optional mutual TLS): a certificate's common name names its account.</summary>
    public string? ClientCertificateAuthorityFile { get; set; }

    [Range(2, 10_000)]
    public int MaxConnections { get; set; } = 64;

    [TimeSpanRange("00:00:00.1", "00:01:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Range(10, 100_000)]
    public int MaxPublishesPerSecond { get; set; } = 200;

    public Robot.Protocol.Broker.EmbeddedBrokerOptions ToEmbedded(int maxPayloadBytes) => new()
    {
        BindAddress = BindAddress,
        Port = Port,
        AccountsFile = AccountsFile,
        CertificateFile = CertificateFile,
        CertificateKeyFile = CertificateKeyFile,
        ClientCertificateAuthorityFile = ClientCertificateAuthorityFile,
        MaxConnections = MaxConnections,
        ConnectTimeout = ConnectTimeout,
        MaxPublishesPerSecond = MaxPublishesPerSecond,
        MaxPayloadBytes = maxPayloadBytes,
    };
}
