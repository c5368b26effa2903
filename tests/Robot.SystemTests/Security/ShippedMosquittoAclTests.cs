using System.Diagnostics;
using System.Text;
using System.Threading.Channels;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.SystemTests.Support;

namespace Robot.SystemTests.Security;

/// <summary>
/// deploy/mosquitto/acl, the ACL shipped for a port broker, on a real Mosquitto with a password file
/// made by mosquitto_passwd: the attacks the embedded broker refuses (BrokerSecurityTests) are
/// refused here too. Only the listener differs from the shipped configuration (loopback, no TLS).
/// </summary>
public sealed class ShippedMosquittoAclTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private const string Serial = "RIR-001"; // the robot account of the shipped ACL
    private const string Sentinel = "robot/v1/RIR-001/events"; // the robot's own, readable by all
    private readonly string _dir = Directory.CreateTempSubdirectory("robot-acl-").FullName;
    private readonly Dictionary<string, string> _passwords = new()
    {
        [Serial] = "robot-secret-1", ["officer-1"] = "officer-secret-1", ["archive"] = "archive-secret-1", ["observer"] = "observer-secret-1",
    };
    private readonly List<MqttLink> _links = [];
    private MosquittoBroker _broker = null!;

    public Task InitializeAsync()
    {
        var repo = AppContext.BaseDirectory;
        while (repo is not null && !File.Exists(Path.Combine(repo, "Robot.sln"))) repo = Path.GetDirectoryName(repo);
        File.Copy(Path.Combine(repo ?? throw new InvalidOperationException("no Robot.sln above the test"), "deploy", "mosquitto", "acl"), Path.Combine(_dir, "acl"));
        var passwd = Path.Combine(_dir, "passwd");
        foreach (var (user, password) in _passwords)
        {
            var p = Process.Start(new ProcessStartInfo("mosquitto_passwd", [.. File.Exists(passwd) ? Array.Empty<string>() : ["-c"], "-b", passwd, user, password]) { RedirectStandardError = true })
                ?? throw new InvalidOperationException("mosquitto_passwd did not start (apt-get install -y mosquitto)");
            p.WaitForExit(10_000);
            if (p.ExitCode != 0) throw new InvalidOperationException("mosquitto_passwd failed: " + p.StandardError.ReadToEnd());
        }
        // Mosquitto started as root reads these after dropping to its own user.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_dir, (UnixFileMode)0b111_101_101);
            foreach (var f in Directory.GetFiles(_dir)) File.SetUnixFileMode(f, (UnixFileMode)0b110_100_100);
        }
        _broker = new MosquittoBroker(security: $"allow_anonymous false\npassword_file {passwd}\nacl_file {Path.Combine(_dir, "acl")}\nmax_packet_size 262144");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var link in _links) await link.DisposeAsync();
        _broker.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private async Task<(MqttLink Link, Channel<LinkMessage> Inbox)> ConnectAsync(string clientId, string? user, params string[] subscriptions)
    {
        var link = new MqttLink(new MqttLinkOptions { BrokerUri = _broker.Uri, ClientId = clientId, Username = user, Password = user is null ? null : _passwords[user], ConnectTimeout = TimeSpan.FromSeconds(3) }, TimeProvider.System);
        _links.Add(link);
        var inbox = Channel.CreateUnbounded<LinkMessage>();
        link.MessageReceived = m => { inbox.Writer.TryWrite(m); return Task.CompletedTask; };
        foreach (var s in subscriptions) await link.SubscribeAsync(s, 1);
        using var timeout = new CancellationTokenSource(Patience);
        await link.StartAsync(timeout.Token);
        return (link, inbox);
    }

    private static LinkMessage Json(string topic, string json, bool retain = false) => new(topic, Encoding.UTF8.GetBytes(json), 1, retain);

    /// <summary>Mosquitto acknowledges a publish it denies (MQTT 3.1.1 has no way to say no): the watcher must see the robot's sentinel first.</summary>
    private static async Task AssertNotDelivered(MqttLink attacker, MqttLink robot, Channel<LinkMessage> watcher, LinkMessage attack)
    {
        await attacker.PublishAsync(attack);
        // A denied QoS 1 publish is still acknowledged; send the sentinel after that ack.
        Assert.True(await robot.PublishAsync(Json(Sentinel, "{}")));
        var first = await watcher.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.True(first.Topic == Sentinel, $"{attack.Topic} was delivered");
    }

    [Fact]
    public async Task Anonymous_clients_are_refused()
    {
        var link = new MqttLink(new MqttLinkOptions { BrokerUri = _broker.Uri, ClientId = "anon", ConnectTimeout = TimeSpan.FromSeconds(3) }, TimeProvider.System);
        _links.Add(link);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<Exception>(() => link.StartAsync(timeout.Token));
    }

    [Fact]
    public async Task Officers_command_but_cannot_impersonate_the_robot_ack_reports_or_answer_for_it()
    {
        var (robot, _) = await ConnectAsync("robot-RIR-001-a1", Serial);
        var (_, watcher) = await ConnectAsync("watcher", "observer", "uagv/v2/#", "robot/v1/#");
        var (officer, _) = await ConnectAsync("officer-cli-1", "officer-1");

        await AssertNotDelivered(officer, robot, watcher, Json(TopicScheme.Vda("PortCustoms", Serial, MessageKind.State), "{}"));
        await AssertNotDelivered(officer, robot, watcher, Json(TopicScheme.Vda("PortCustoms", Serial, MessageKind.Connection), "{\"connectionState\":\"ONLINE\"}", retain: true));
        await AssertNotDelivered(officer, robot, watcher, Json(TopicScheme.Vda("PortCustoms", "GHOST-9", MessageKind.Connection), "{}", retain: true));
        await AssertNotDelivered(officer, robot, watcher, Json(TopicScheme.Extension(Serial, MessageKind.ReportAck), "{}"));
        await AssertNotDelivered(officer, robot, watcher, Json(TopicScheme.Extension(Serial, MessageKind.Report), "{}"));

        Assert.True(await officer.PublishAsync(Json(TopicScheme.Vda("PortCustoms", Serial, MessageKind.Order), "{}")));
        var order = await watcher.Reader.ReadAsync().AsTask().WaitAsync(Patience);
        Assert.Equal(TopicScheme.Vda("PortCustoms", Serial, MessageKind.Order), order.Topic);
    }

    [Fact]
    public async Task Observers_only_watch_and_nobody_reads_another_clients_answers()
    {
        var (robot, _) = await ConnectAsync("robot-RIR-001-b2", Serial, TopicScheme.Extension(Serial, MessageKind.Command));
        robot.MessageReceived = async m =>
        {
            if (m.ResponseTopic is { } reply) await robot.PublishAsync(new LinkMessage(reply, Encoding.UTF8.GetBytes("{\"answer\":1}"), 1) { CorrelationData = m.CorrelationData });
        };
        var (observer, watcher) = await ConnectAsync("watcher-2", "observer", "robot/v1/#");
        var (owner, _) = await ConnectAsync("owner-client", "officer-1");

        await AssertNotDelivered(observer, robot, watcher, Json(TopicScheme.Extension(Serial, MessageKind.Command), "{}"));
        // The robot answers the owner: the owner reads it, the observer's robot/v1/# does not.
        var answer = await owner.RequestAsync(TopicScheme.Extension(Serial, MessageKind.Command), Encoding.UTF8.GetBytes("{}"), Patience);
        Assert.Equal("{\"answer\":1}", Encoding.UTF8.GetString(answer.Payload.Span));
        Assert.True(await robot.PublishAsync(Json(Sentinel, "{}")));
        var seen = new List<string>();
        while (seen.LastOrDefault() != Sentinel) seen.Add((await watcher.Reader.ReadAsync().AsTask().WaitAsync(Patience)).Topic);
        Assert.DoesNotContain(owner.ResponseTopic, seen);
        Assert.Contains(TopicScheme.Extension(Serial, MessageKind.Command), seen);
    }

    [Fact]
    public async Task A_robot_cannot_speak_for_another_robot()
    {
        var (robot, _) = await ConnectAsync("robot-RIR-001-c3", Serial);
        var (_, watcher) = await ConnectAsync("watcher-3", "observer", "uagv/v2/#", "robot/v1/#");
        await AssertNotDelivered(robot, robot, watcher, Json(TopicScheme.Vda("PortCustoms", "RIR-002", MessageKind.Connection), "{}", retain: true));
        await AssertNotDelivered(robot, robot, watcher, Json(TopicScheme.Vda("PortCustoms", Serial, MessageKind.Order), "{}"));
    }

    [Fact]
    public async Task The_shipped_mosquitto_conf_speaks_only_TLS_and_signs_in_by_password()
    {
        // The shipped file as it is, but for where its files live, the port, and logging to stderr.
        var repo = AppContext.BaseDirectory;
        while (repo is not null && !File.Exists(Path.Combine(repo, "Robot.sln"))) repo = Path.GetDirectoryName(repo);
        var shipped = File.ReadAllText(Path.Combine(repo!, "deploy", "mosquitto", "mosquitto.conf"));
        var certs = Directory.CreateDirectory(Path.Combine(_dir, "certs")).FullName;
        var now = DateTimeOffset.UtcNow;
        using (var ca = global::Robot.TestSupport.TlsTestBroker.CreateAuthority("CN=Port CA", now))
        using (var server = global::Robot.TestSupport.TlsTestBroker.CreateServerCertificate(ca, ["127.0.0.1"], now))
        {
            File.WriteAllText(Path.Combine(certs, "port-ca.crt"), ca.ExportCertificatePem());
            global::Robot.TestSupport.TlsTestBroker.WritePem(server, Path.Combine(certs, "broker.crt"), Path.Combine(certs, "broker.key"));
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(certs, (UnixFileMode)0b111_101_101);
            foreach (var f in Directory.GetFiles(certs)) File.SetUnixFileMode(f, (UnixFileMode)0b110_100_100);
        }
        using var tls = new MosquittoBroker(wholeConfig: port => shipped
            .Replace("/etc/mosquitto/robot/", _dir + "/", StringComparison.Ordinal)
            .Replace("listener 8883", $"listener {port} 127.0.0.1", StringComparison.Ordinal)
            .Replace("persistence true", "persistence false", StringComparison.Ordinal)
            .Replace("log_dest syslog", "log_dest stderr", StringComparison.Ordinal));
        Assert.Contains("max_packet_size 262144", shipped, StringComparison.Ordinal);

        // Over TLS, trusting the port CA, with a password: in.
        var secure = new MqttLink(new MqttLinkOptions
        {
            BrokerUri = new Uri($"mqtts://127.0.0.1:{tls.Port}"), ClientId = "officer-tls", Username = "officer-1", Password = _passwords["officer-1"],
            CaCertificateFile = Path.Combine(certs, "port-ca.crt"), ConnectTimeout = TimeSpan.FromSeconds(5),
        }, TimeProvider.System);
        _links.Add(secure);
        using (var timeout = new CancellationTokenSource(Patience)) await secure.StartAsync(timeout.Token);
        Assert.True(secure.IsConnected);
        // In clear on the same port, or over TLS without an account: out.
        foreach (var (uri, user) in new[] { ($"mqtt://127.0.0.1:{tls.Port}", "officer-1"), ($"mqtts://127.0.0.1:{tls.Port}", (string?)null) })
        {
            var refused = new MqttLink(new MqttLinkOptions
            {
                BrokerUri = new Uri(uri), ClientId = "refused-" + (user ?? "anon"), Username = user, Password = user is null ? null : _passwords[user],
                CaCertificateFile = uri.StartsWith("mqtts", StringComparison.Ordinal) ? Path.Combine(certs, "port-ca.crt") : null, ConnectTimeout = TimeSpan.FromSeconds(2),
            }, TimeProvider.System);
            _links.Add(refused);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(4));
            await Assert.ThrowsAnyAsync<Exception>(() => refused.StartAsync(timeout.Token));
            Assert.False(refused.IsConnected);
        }
    }
}
