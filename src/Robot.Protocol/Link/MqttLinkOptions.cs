namespace Robot.Protocol.Link;

/// <summary>How to reach the broker. Bound from config ("Link" section) by the host and the remote.</summary>
public sealed class MqttLinkOptions
{
    /// <summary>mqtt://host:port, or mqtts://host:port for TLS.</summary>
    public Uri BrokerUri { get; set; } = new("mqtt://127.0.0.1:1883");
    public string ClientId { get; set; } = "robot-" + Guid.NewGuid().ToString("N")[..8];
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>Only for test brokers with self-signed certificates. Never on a real port network.</summary>
    public bool AllowUntrustedCertificates { get; set; }
    /// <summary>
    /// PEM file with the certificate authority (or authorities) that signed the broker's certificate,
    /// for a port network with its own CA: the broker's chain must end there (the system's roots are
    /// not used) and its name must match the BrokerUri host. Null or blank: the system's trusted roots.
    /// </summary>
    public string? CaCertificateFile { get; set; }
    /// <summary>
    /// This client's own certificate and key (PEM), for a broker that signs clients in by certificate
    /// (mutual TLS) instead of, or besides, a password. Needs mqtts://.
    /// </summary>
    public string? ClientCertificateFile { get; set; }
    public string? ClientCertificateKeyFile { get; set; }
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan MinReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(5);

    public bool UseTls => BrokerUri.Scheme is "mqtts" or "ssl" or "tls";

    /// <summary>The same broker, account and timings under another client id (a second connection of one client).</summary>
    public MqttLinkOptions WithClientId(string clientId)
    {
        var copy = (MqttLinkOptions)MemberwiseClone();
        copy.ClientId = clientId;
        return copy;
    }

    /// <summary>Returns the first thing wrong with these options, or null.</summary>
    public string? Validate()
    {
        if (BrokerUri.Scheme is not ("mqtt" or "tcp" or "mqtts" or "ssl" or "tls"))
            return $"BrokerUri scheme '{BrokerUri.Scheme}' is not mqtt:// or mqtts://";
        if (string.IsNullOrWhiteSpace(BrokerUri.Host)) return "BrokerUri has no host";
        if (string.IsNullOrWhiteSpace(ClientId) || ClientId.Length > 64) return "ClientId must be 1 to 64 characters";
        if (Password is not null && Username is null) return "Password is set but Username is not";
        if (KeepAlive < TimeSpan.FromSeconds(1)) return "KeepAlive must be at least 1 s";
        if (string.IsNullOrWhiteSpace(ClientCertificateFile) != string.IsNullOrWhiteSpace(ClientCertificateKeyFile)) return "set both ClientCertificateFile and ClientCertificateKeyFile, or neither";
        if (!string.IsNullOrWhiteSpace(ClientCertificateFile))
        {
            if (!UseTls) return $"ClientCertificateFile is set but BrokerUri '{BrokerUri}' is not mqtts://";
            try { using var _ = LoadClientCertificate(); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                return $"ClientCertificateFile: cannot load {ClientCertificateFile} with {ClientCertificateKeyFile}: {ex.Message}";
            }
        }
        if (MinReconnectDelay <= TimeSpan.Zero || MaxReconnectDelay < MinReconnectDelay) return "reconnect delays must be positive and Max >= Min";
        if (!string.IsNullOrWhiteSpace(CaCertificateFile) && CaCertificateFile is { } ca)
        {
            if (!UseTls) return $"CaCertificateFile is set but BrokerUri '{BrokerUri}' is not mqtts://";
            if (AllowUntrustedCertificates) return "CaCertificateFile and AllowUntrustedCertificates contradict each other: set one";
            try
            {
                if (LoadCertificateAuthorities(ca).Count == 0) return $"CaCertificateFile: no PEM certificate in {ca}";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                return $"CaCertificateFile: cannot read {ca}: {ex.Message}";
            }
        }
        return null;
    }

    /// <summary>The client certificate with its key, in a form SslStream can use on Linux (PKCS#12, not an ephemeral key).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 LoadClientCertificate()
    {
        using var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(ClientCertificateFile!, ClientCertificateKeyFile);
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
    }

    /// <summary>The certificates of a PEM file (CERTIFICATE blocks; anything else in it is ignored).</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2Collection LoadCertificateAuthorities(string pemFile)
    {
        var collection = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        collection.ImportFromPemFile(pemFile);
        return collection;
    }

    public int Port => BrokerUri.IsDefaultPort || BrokerUri.Port <= 0 ? (UseTls ? 8883 : 1883) : BrokerUri.Port;
}

/// <summary>One MQTT message as the link sends or receives it.</summary>
public sealed record LinkMessage(string Topic, ReadOnlyMemory<byte> Payload, int QualityOfService = 0, bool Retain = false)
{
    /// <summary>MQTT 5 response topic, for requests.</summary>
    public string? ResponseTopic { get; init; }
    /// <summary>MQTT 5 correlation data, echoed by the responder.</summary>
    public ReadOnlyMemory<byte> CorrelationData { get; init; }
    /// <summary>
    /// Non-zero when the payload that arrived was this many bytes, more than the receiving link's
    /// MaxInboundPayloadBytes: it was not copied, and <see cref="Payload"/> is empty.
    /// </summary>
    public long DroppedPayloadLength { get; init; }
}
