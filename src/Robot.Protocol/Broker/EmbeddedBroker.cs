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
    public string? Username { get; set; }
    public string? Password { get; set; }

    public string? Validate()
    {
        if (!IPAddress.TryParse(BindAddress, out var address)) return $"BindAddress '{BindAddress}' is not an IP address";
        if (Port is < 0 or > 65535) return $"Port {Port} is outside 0..65535";
        if ((Username is null) != (Password is null)) return "set both Username and Password, or neither";
        // Secure by default: without credentials anyone who reaches the port could command the robot.
        if (!IPAddress.IsLoopback(address) && Username is null)
            return $"BindAddress '{BindAddress}' is not loopback: a broker without credentials listens on loopback only (set Username and Password, or put the robot on a port broker with TLS and credentials through Link:BrokerUri)";
        return null;
    }
}

/// <summary>
/// The MQTTnet.Server broker the robot or the simulator hosts in-process, so the robot works with
/// no other software. Any MQTT 3.1.1/5 broker can replace it by pointing the link elsewhere.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;

    private EmbeddedBroker(MqttServer server, IPAddress address, int port)
    {
        _server = server;
        Address = address;
        Port = port;
    }

    public IPAddress Address { get; }
    public int Port { get; }
    public Uri Uri => new($"mqtt://{Address}:{Port}");
    public MqttServer Server => _server;

    public static async Task<EmbeddedBroker> StartAsync(EmbeddedBrokerOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        var problem = options.Validate();
        if (problem is not null) throw new ArgumentException($"Broker: {problem}", nameof(options));
        var log = logger ?? NullLogger.Instance;
        var address = IPAddress.Parse(options.BindAddress);
        var port = options.Port == 0 ? FreePort(address) : options.Port;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(address)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithDefaultEndpointPort(port)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(serverOptions);
        // MQTTnet treats every DISCONNECT as clean, also reason 0x04 "Disconnect with Will Message",
        // after which an MQTT 5 broker must publish the will (Mosquitto honours it; third-party
        // clients send it). Skipping that packet lets the session end unclean, so the will goes out.
        server.InterceptingInboundPacketAsync += e =>
        {
            if (e.Packet is MqttDisconnectPacket { ReasonCode: MQTTnet.Protocol.MqttDisconnectReasonCode.DisconnectWithWillMessage })
            {
                e.ProcessPacket = false;
            }
            return Task.CompletedTask;
        };
        server.ValidatingConnectionAsync += e =>
        {
            if (options.Username is not null && (e.UserName != options.Username || e.Password != options.Password))
            {
                e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.BadUserNameOrPassword;
                return Task.CompletedTask;
            }
            // MQTT lets a clean-session client leave its id empty for the broker to assign
            // (mosquitto_sub does exactly that); give it one instead of refusing it.
            if (string.IsNullOrEmpty(e.ClientId))
            {
                e.AssignedClientIdentifier = "anon-" + Guid.NewGuid().ToString("N")[..12];
                e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.Success;
            }
            return Task.CompletedTask;
        };
        await server.StartAsync().ConfigureAwait(false);
        log.LogInformation("embedded MQTT broker listening on {Address}:{Port}", address, port);
        return new EmbeddedBroker(server, address, port);
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
