using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace Robot.Protocol.Broker;

public sealed class EmbeddedBrokerOptions
{
    /// <summary>Loopback by default: only processes on this machine can connect.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";
    /// <summary>0 picks a free port.</summary>
    public int Port { get; set; } = 1883;
    /// <summary>Account file ("name:role:robots:hash" per line; docs/security.md). Null: only the accounts the software issues.</summary>
    public string? AccountsFile { get; set; }
    /// <summary>PEM certificate (chain) and its private key: the listener speaks TLS (mqtts).</summary>
    public string? CertificateFile { get; set; }
    public string? CertificateKeyFile { get; set; }
    /// <summary>
    /// PEM certificate authority for client certificates (mutual TLS, optional): a client may sign in
    /// with a certificate this CA signed instead of a password; its common name (CN) names its account.
    /// </summary>
    public string? ClientCertificateAuthorityFile { get; set; }
    /// <summary>Open connections at once, counted from the TCP accept (before CONNECT).</summary>
    public int MaxConnections { get; set; } = 64;
    /// <summary>A connection that has not sent CONNECT by then is closed.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Per-connection publish rate (token bucket, burst twice the rate). An e-stop is never counted or dropped.</summary>
    public int MaxPublishesPerSecond { get; set; } = 200;
    /// <summary>The clock of the publish rate limit (a network rate, so real time unless a test gives one).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
    /// <summary>Largest payload the broker forwards.</summary>
    public int MaxPayloadBytes { get; set; } = Robot.Protocol.Codec.ProtocolCodec.DefaultMaxPayloadBytes;

    public bool UseTls => !string.IsNullOrWhiteSpace(CertificateFile);

    public string? Validate()
    {
        if (!IPAddress.TryParse(BindAddress, out var address)) return $"BindAddress '{BindAddress}' is not an IP address";
        if (Port is < 0 or > 65535) return $"Port {Port} is outside 0..65535";
        if (string.IsNullOrWhiteSpace(CertificateFile) != string.IsNullOrWhiteSpace(CertificateKeyFile)) return "set both CertificateFile and CertificateKeyFile, or neither";
        if (!string.IsNullOrWhiteSpace(ClientCertificateAuthorityFile))
        {
            if (!UseTls) return "ClientCertificateAuthorityFile needs TLS (CertificateFile, CertificateKeyFile)";
            try
            {
                if (LoadClientAuthorities().Count == 0) return $"ClientCertificateAuthorityFile: no PEM certificate in {ClientCertificateAuthorityFile}";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                return $"ClientCertificateAuthorityFile: cannot read {ClientCertificateAuthorityFile}: {ex.Message}";
            }
        }
        if (MaxConnections is < 2 or > 10_000) return $"MaxConnections {MaxConnections} is outside 2..10000";
        if (ConnectTimeout < TimeSpan.FromMilliseconds(100) || ConnectTimeout > TimeSpan.FromMinutes(1)) return $"ConnectTimeout {ConnectTimeout} is outside 0.1 s..1 min";
        if (MaxPublishesPerSecond is < 10 or > 100_000) return $"MaxPublishesPerSecond {MaxPublishesPerSecond} is outside 10..100000";
        if (MaxPayloadBytes is < 1024 or > 16 * 1024 * 1024) return $"MaxPayloadBytes {MaxPayloadBytes} is outside 1 KiB..16 MiB";
        // Secure by default: off loopback, anyone on the port network reaches the port. Passwords and
        // commands then travel only encrypted, and only to clients with an account.
        if (!IPAddress.IsLoopback(address) && (!UseTls || string.IsNullOrWhiteSpace(AccountsFile)))
            return $"BindAddress '{BindAddress}' is not loopback: a broker on the network needs TLS (CertificateFile, CertificateKeyFile) and an AccountsFile (or put the robot on a port broker with TLS and credentials through Link:BrokerUri)";
        if (!string.IsNullOrWhiteSpace(AccountsFile))
        {
            try { BrokerAccounts.Load(AccountsFile); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
            {
                return $"AccountsFile: {ex.Message}";
            }
        }
        if (UseTls)
        {
            try { using var _ = LoadCertificate(); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or System.Security.Cryptography.CryptographicException)
            {
                return $"CertificateFile: cannot load {CertificateFile} with {CertificateKeyFile}: {ex.Message}";
            }
        }
        return null;
    }

    internal System.Security.Cryptography.X509Certificates.X509Certificate2Collection LoadClientAuthorities()
    {
        var collection = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        collection.ImportFromPemFile(ClientCertificateAuthorityFile!);
        return collection;
    }

    internal System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate()
    {
        using var pem = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(CertificateFile!, CertificateKeyFile);
        // SslStream on Linux wants a certificate whose key is not ephemeral.
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(pem.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
    }
}

/// <summary>
/// The MQTTnet.Server broker the robot or the simulator hosts in-process, so the robot works with
/// no other software. Any MQTT 3.1.1/5 broker can replace it by pointing the link elsewhere
/// (deploy/mosquitto has the same rules for Mosquitto).
/// It enforces the security of docs/security.md: every client proves an account (anonymous loopback
/// clients may only watch), every publish and subscription is checked against <see cref="TopicPolicy"/>,
/// a connected client id cannot be taken over, and connections, CONNECT time, publish rate and
/// payload size are bounded.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private const string AccountKey = "robot.account";
    private const string BucketKey = "robot.bucket";
    private readonly MqttServer _server;
    private readonly ILogger _log;

    private EmbeddedBroker(MqttServer server, IPAddress address, int port, BrokerAccounts accounts, bool tls, ILogger log)
    {
        _server = server;
        Address = address;
        Port = port;
        Accounts = accounts;
        UseTls = tls;
        _log = log;
    }

    public IPAddress Address { get; }
    public int Port { get; }
    public bool UseTls { get; }
    public Uri Uri => new($"{(UseTls ? "mqtts" : "mqtt")}://{Address}:{Port}");
    public MqttServer Server => _server;
    /// <summary>The accounts the broker accepts; the software adds its own (<see cref="BrokerAccounts.Issue"/>).</summary>
    public BrokerAccounts Accounts { get; }
    /// <summary>Publishes and subscriptions refused so far (by policy, rate or size).</summary>
    public long Refused => Interlocked.Read(ref _refused);
    private long _refused;

    public static async Task<EmbeddedBroker> StartAsync(EmbeddedBrokerOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var problem = options.Validate();
        if (problem is not null) throw new ArgumentException($"Broker: {problem}", nameof(options));
        var log = logger ?? NullLogger.Instance;
        var address = IPAddress.Parse(options.BindAddress);
        var port = options.Port == 0 ? FreePort(address) : options.Port;
        var accounts = string.IsNullOrWhiteSpace(options.AccountsFile) ? new BrokerAccounts() : BrokerAccounts.Load(options.AccountsFile);
        var builder = new MqttServerOptionsBuilder().WithDefaultCommunicationTimeout(options.ConnectTimeout);
        if (options.UseTls)
        {
            builder = builder.WithoutDefaultEndpoint().WithEncryptedEndpoint().WithEncryptedEndpointBoundIPAddress(address)
                .WithEncryptedEndpointBoundIPV6Address(IPAddress.None).WithEncryptedEndpointPort(port)
                .WithEncryptionCertificate(options.LoadCertificate())
                .WithEncryptionSslProtocol(System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13);
            if (!string.IsNullOrWhiteSpace(options.ClientCertificateAuthorityFile))
            {
                var authorities = options.LoadClientAuthorities();
                builder = builder.WithClientCertificate((_, certificate, _, _) => ClientCertificateIsTrusted(certificate, authorities));
            }
        }
        else
        {
            builder = builder.WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(address)
                .WithDefaultEndpointBoundIPV6Address(IPAddress.None).WithDefaultEndpointPort(port);
        }
        var serverOptions = builder.Build();
        var limiter = new ConnectionLimitingAdapter(new MQTTnet.Server.Internal.Adapter.MqttTcpServerAdapter(), options.MaxConnections);
        var server = new MqttServerFactory().CreateMqttServer(serverOptions, [limiter]);
        var broker = new EmbeddedBroker(server, address, port, accounts, options.UseTls, log);
        broker.Enforce(options, IPAddress.IsLoopback(address));
        await server.StartAsync().ConfigureAwait(false);
        log.LogInformation("embedded MQTT broker listening on {Uri} with {Accounts} account(s) from file", broker.Uri, accounts.Count);
        return broker;
    }

    /// <summary>
    /// A client certificate is optional (a client may use a password instead); one that is sent must
    /// chain to the configured client CA, or the TLS handshake fails.
    /// </summary>
    private static bool ClientCertificateIsTrusted(System.Security.Cryptography.X509Certificates.X509Certificate? presented,
        System.Security.Cryptography.X509Certificates.X509Certificate2Collection authorities)
    {
        if (presented is null) return true;
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid("1.3.6.1.5.5.7.3.2")); // client authentication
        return chain.Build(certificate);
    }

    private void Enforce(EmbeddedBrokerOptions options, bool loopback)
    {
        var server = _server;
        server.InterceptingInboundPacketAsync += e =>
        {
            switch (e.Packet)
            {
                // MQTTnet treats every DISCONNECT as clean, also reason 0x04 "Disconnect with Will Message",
                // after which an MQTT 5 broker must publish the will (Mosquitto honours it; third-party
                // clients send it). Skipping that packet lets the session end unclean, so the will goes out.
                case MqttDisconnectPacket { ReasonCode: MQTTnet.Protocol.MqttDisconnectReasonCode.DisconnectWithWillMessage }:
                    e.ProcessPacket = false;
                    break;
            }
            return Task.CompletedTask;
        };
        server.ValidatingConnectionAsync += async e =>
        {
            BrokerAccount? account = null;
            if (e.ClientCertificate is { } certificate)
            {
                // Already checked against the client CA in the handshake: its common name names the account.
                var name = certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, forIssuer: false);
                account = Accounts.Find(name);
                if (account is null || (!string.IsNullOrEmpty(e.UserName) && e.UserName != name))
                {
                    Refuse("connection", e.ClientId, $"certificate for '{name}' names no account{(string.IsNullOrEmpty(e.UserName) ? "" : $" of user '{e.UserName}'")}");
                    e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.NotAuthorized;
                    return;
                }
            }
            else if (!string.IsNullOrEmpty(e.UserName))
            {
                account = Accounts.Authenticate(e.UserName, e.Password);
                if (account is null)
                {
                    Refuse("connection", e.ClientId, $"wrong user name or password for '{e.UserName}'");
                    e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.BadUserNameOrPassword;
                    return;
                }
            }
            else if (!loopback)
            {
                e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.NotAuthorized;
                return;
            }
            // MQTT lets a clean-session client leave its id empty for the broker to assign
            // (mosquitto_sub does exactly that); give it one instead of refusing it.
            if (string.IsNullOrEmpty(e.ClientId))
            {
                e.AssignedClientIdentifier = "anon-" + Guid.NewGuid().ToString("N")[..12];
            }
            else if ((await server.GetClientsAsync().ConfigureAwait(false)).Any(c => c.Id == e.ClientId))
            {
                // MQTT would disconnect the connected client for the new one: anyone who learnt the
                // robot's client id could knock it off the broker. A connected id stays with its owner.
                Refuse("connection", e.ClientId, "the client id is in use by a connected client");
                e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.ClientIdentifierNotValid;
                return;
            }
            e.SessionItems[AccountKey] = account;
            e.SessionItems[BucketKey] = new PublishBucket(options.MaxPublishesPerSecond, options.Time);
            e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.Success;
        };
        // Every publish passes here, wills too (MQTTnet dispatches a will with its client's session
        // items), so a will that would fake a robot's retained "connection" is dropped like a publish.
        server.InterceptingPublishAsync += e =>
        {
            // Messages the broker itself injects carry no session of ours.
            if (e.SessionItems is null || !e.SessionItems.Contains(BucketKey)) return Task.CompletedTask;
            var message = e.ApplicationMessage;
            var account = e.SessionItems[AccountKey] as BrokerAccount;
            var why = message.Payload.Length > options.MaxPayloadBytes
                ? $"payload of {message.Payload.Length} bytes is over {options.MaxPayloadBytes}"
                : TopicPolicy.RefusePublish(account, message.Topic, message.Retain)
                  ?? (account?.Role == ClientRole.Archive ? TopicPolicy.RefuseArchiveCommand(account, message.Topic, System.Buffers.BuffersExtensions.ToArray(message.Payload)) : null);
            if (why is null && !IsEmergencyStop(message) && !((PublishBucket)e.SessionItems[BucketKey]!).TryTake())
                why = $"more than {options.MaxPublishesPerSecond} publishes per second";
            if (why is not null)
            {
                e.ProcessPublish = false;
                e.Response.ReasonCode = why.StartsWith("more than", StringComparison.Ordinal) ? MQTTnet.Protocol.MqttPubAckReasonCode.QuotaExceeded : MQTTnet.Protocol.MqttPubAckReasonCode.NotAuthorized;
                e.Response.ReasonString = why;
                Refuse("publish on " + message.Topic, e.ClientId, why);
            }
            return Task.CompletedTask;
        };
        server.InterceptingClientEnqueueAsync += e =>
        {
            if (!TopicPolicy.MayDeliver(e.ApplicationMessage.Topic, e.ReceiverClientId)) e.AcceptEnqueue = false;
            return Task.CompletedTask;
        };
    }

    /// <summary>An e-stop is never rate limited: a cheap look for the command name in a command payload.</summary>
    private static bool IsEmergencyStop(MQTTnet.MqttApplicationMessage message) =>
        message.Topic.EndsWith("/commands", StringComparison.Ordinal) && message.Payload.Length < 4096
        && Extensions.CommandNames.MayBeEmergencyStop(message.Payload.IsSingleSegment ? message.Payload.FirstSpan : System.Buffers.BuffersExtensions.ToArray(message.Payload));


    private void Refuse(string what, string? clientId, string why)
    {
        // An attacker's flood must not flood the log: the first refusals are warnings, the rest debug.
        var n = Interlocked.Increment(ref _refused);
        if (n <= 100) _log.LogWarning("broker refused {What} from {Client}: {Why}", what, clientId, why);
        else _log.LogDebug("broker refused {What} from {Client}: {Why}", what, clientId, why);
    }

    /// <summary>Token bucket per connection: the rate per second, a burst of twice that.</summary>
    private sealed class PublishBucket(int perSecond, TimeProvider time)
    {
        private double _tokens = 2.0 * perSecond;
        private long _last = time.GetTimestamp();

        public bool TryTake()
        {
            lock (this)
            {
                var now = time.GetTimestamp();
                _tokens = Math.Min(2.0 * perSecond, _tokens + time.GetElapsedTime(_last, now).TotalSeconds * perSecond);
                _last = now;
                if (_tokens < 1) return false;
                _tokens -= 1;
                return true;
            }
        }
    }


    /// <summary>Drop one client's connection without a DISCONNECT from it (the will is published).</summary>
    public Task DropClientAsync(string clientId) =>
        _server.DisconnectClientAsync(clientId, new MqttServerClientDisconnectOptions { ReasonCode = MQTTnet.Protocol.MqttDisconnectReasonCode.UnspecifiedError });

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        _server.Dispose();
    }

    public static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}

/// <summary>
/// Counts open TCP connections from the accept, before any CONNECT, and closes those over the limit at
/// once: MQTTnet allocates buffers per connection, and 20,000 idle sockets took the host's memory.
/// </summary>
internal sealed class ConnectionLimitingAdapter(IMqttServerAdapter inner, int maxConnections) : IMqttServerAdapter
{
    private int _open;

    public Func<MQTTnet.Adapter.IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    public int Open => Volatile.Read(ref _open);

    public Task StartAsync(MqttServerOptions options, MQTTnet.Diagnostics.Logger.IMqttNetLogger logger)
    {
        inner.ClientHandler = HandleAsync;
        return inner.StartAsync(options, logger);
    }

    private async Task HandleAsync(MQTTnet.Adapter.IMqttChannelAdapter channel)
    {
        try
        {
            if (Interlocked.Increment(ref _open) > maxConnections || ClientHandler is not { } handler)
            {
                await channel.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }
            await handler(channel).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _open);
        }
    }

    public Task StopAsync() => inner.StopAsync();

    public void Dispose() => inner.Dispose();
}
