using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Robot.Protocol.Broker;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;

namespace Robot.Protocol.Tests.Broker;

/// <summary>
/// The attacks an outside tester made on the embedded broker, each one now refused: a hostile device
/// on the port network with or without some account tries to command, impersonate, eavesdrop,
/// take over or exhaust. A refused publish never reaches the subscriber: each test publishes the
/// attack and then a sentinel from the same client, and the sentinel arriving first proves the
/// attack was dropped (MQTT keeps one client's messages in order).
/// </summary>
public sealed class BrokerSecurityTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private const string Serial = "R1";
    private const string Other = "R2";
    private readonly List<MqttLink> _links = [];
    private EmbeddedBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0, MaxConnections = 16, ConnectTimeout = TimeSpan.FromSeconds(1), MaxPublishesPerSecond = 50 });

    public async Task DisposeAsync()
    {
        foreach (var link in _links) await link.DisposeAsync();
        await _broker.DisposeAsync();
    }

    private static string Vda(MessageKind kind, string serial = Serial) => TopicScheme.Vda("PortCustoms", serial, kind);
    private static string Ext(MessageKind kind, string serial = Serial) => TopicScheme.Extension(serial, kind);

    private async Task<(MqttLink Link, Channel<LinkMessage> Inbox)> ConnectAsync(string clientId, ClientRole? role, string robots = Serial, params string[] subscriptions)
    {
        string? user = null, secret = null;
        if (role is { } r)
        {
            user = clientId + "-account";
            secret = _broker.Accounts.Issue(user, r, robots);
        }
        var link = new MqttLink(new MqttLinkOptions { BrokerUri = _broker.Uri, ClientId = clientId, Username = user, Password = secret }, TimeProvider.System);
        _links.Add(link);
        var inbox = Channel.CreateUnbounded<LinkMessage>();
        link.MessageReceived = m => { inbox.Writer.TryWrite(m); return Task.CompletedTask; };
        foreach (var s in subscriptions) await link.SubscribeAsync(s, 1);
        using var timeout = new CancellationTokenSource(Patience);
        await link.StartAsync(timeout.Token);
        return (link, inbox);
    }

    /// <summary>The next message on <paramref name="topic"/>; fails on any other topic first.</summary>
    private static async Task<LinkMessage> NextAsync(Channel<LinkMessage> inbox) =>
        await inbox.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    private static LinkMessage Json(string topic, string json, bool retain = false) => new(topic, Encoding.UTF8.GetBytes(json), 1, retain);

    private const string Sentinel = "test/sentinel";

    /// <summary>Publish the attack, then a sentinel; the watcher must see the sentinel and nothing before it.</summary>
    private static async Task AssertDropped(MqttLink attacker, Channel<LinkMessage> watcher, LinkMessage attack, bool sentinelAllowed = true)
    {
        Assert.False(await attacker.PublishAsync(attack), $"the broker acknowledged {attack.Topic}");
        if (!sentinelAllowed) return;
        Assert.True(await attacker.PublishAsync(Json(Sentinel, "{}")));
        var first = await NextAsync(watcher);
        Assert.Equal(Sentinel, first.Topic);
    }

    [Fact]
    public async Task An_anonymous_client_may_watch_but_not_command_or_retain()
    {
        var (robot, robotInbox) = await ConnectAsync("robot-R1-x", ClientRole.Robot, Serial, Ext(MessageKind.Command), Vda(MessageKind.Order));
        var (anon, anonInbox) = await ConnectAsync("anon-1", role: null, Serial, Vda(MessageKind.State));

        // Watching works: the robot's state reaches the anonymous client.
        Assert.True(await robot.PublishAsync(Json(Vda(MessageKind.State), "{\"n\":1}")));
        Assert.Equal(Vda(MessageKind.State), (await NextAsync(anonInbox)).Topic);

        // Commanding does not: an order and an e-stop reset never reach the robot, and no sentinel either (anonymous publishes nothing).
        Assert.False(await anon.PublishAsync(Json(Vda(MessageKind.Order), "{}")));
        Assert.False(await anon.PublishAsync(Json(Ext(MessageKind.Command), "{\"command\":\"resetEmergencyStop\"}")));
        Assert.False(await anon.PublishAsync(Json("anything/else", "{}", retain: true)));
        Assert.True(await robot.PublishAsync(Json(Vda(MessageKind.State), "{\"n\":2}")));
        Assert.Equal(Vda(MessageKind.State), (await NextAsync(anonInbox)).Topic);
        Assert.False(robotInbox.Reader.TryRead(out var leaked), $"the robot received {leaked?.Topic}");
        Assert.Empty(await _broker.Server.GetRetainedMessagesAsync());
    }

    [Fact]
    public async Task An_officer_cannot_impersonate_the_robot_or_retain_on_its_topics()
    {
        var (_, watcher) = await ConnectAsync("watcher", role: null, Serial, "uagv/v2/#", "robot/v1/#", Sentinel);
        var (officer, _) = await ConnectAsync("officer-1", ClientRole.Officer);

        await AssertDropped(officer, watcher, Json(Vda(MessageKind.State), "{}"));
        await AssertDropped(officer, watcher, Json(Vda(MessageKind.Connection), "{\"connectionState\":\"ONLINE\"}", retain: true));
        await AssertDropped(officer, watcher, Json(Ext(MessageKind.Event), "{}"));
        await AssertDropped(officer, watcher, Json(Ext(MessageKind.Report), "{}"));
        await AssertDropped(officer, watcher, Json(Vda(MessageKind.Order), "{}", retain: true)); // retained: replayed to the robot at every reconnect
        await AssertDropped(officer, watcher, Json(Ext(MessageKind.ReportAck), "{}")); // only the archive acknowledges
        Assert.Empty(await _broker.Server.GetRetainedMessagesAsync());

        // What an officer may do goes through.
        Assert.True(await officer.PublishAsync(Json(Vda(MessageKind.Order), "{}")));
        Assert.Equal(Vda(MessageKind.Order), (await NextAsync(watcher)).Topic);
    }

    [Fact]
    public async Task A_robot_account_acts_only_for_its_own_serial_number()
    {
        var (_, watcher) = await ConnectAsync("watcher", role: null, Serial, "uagv/v2/#", "robot/v1/#", Sentinel);
        var (robot, _) = await ConnectAsync("robot-R1-y", ClientRole.Robot, Serial);

        // A robot cannot speak for another robot, nor command one.
        await AssertDropped(robot, watcher, Json(Vda(MessageKind.Connection, Other), "{}", retain: true));
        await AssertDropped(robot, watcher, Json(Vda(MessageKind.Order, Other), "{}"));
        await AssertDropped(robot, watcher, Json(Vda(MessageKind.Order), "{}"));
        Assert.True(await robot.PublishAsync(Json(Vda(MessageKind.Connection), "{}", retain: true)));
        Assert.Equal(Vda(MessageKind.Connection), (await NextAsync(watcher)).Topic);
    }

    [Fact]
    public async Task A_will_that_would_fake_a_robots_connection_is_dropped()
    {
        var ghost = Vda(MessageKind.Connection, "GHOST-9");
        var (_, watcher) = await ConnectAsync("watcher", role: null, Serial, ghost);
        var link = new MqttLink(new MqttLinkOptions { BrokerUri = _broker.Uri, ClientId = "faker", Username = "faker", Password = _broker.Accounts.Issue("faker", ClientRole.Officer) }, TimeProvider.System);
        _links.Add(link);
        link.SetWill(Json(ghost, "{\"connectionState\":\"ONLINE\"}", retain: true));
        using (var timeout = new CancellationTokenSource(Patience)) await link.StartAsync(timeout.Token);
        var refusedBefore = _broker.Refused;

        await link.AbortAsync(); // the connection drops: the broker would publish the will now

        var deadline = DateTime.UtcNow + Patience;
        while (_broker.Refused == refusedBefore && DateTime.UtcNow < deadline) await Task.Delay(20);
        Assert.True(_broker.Refused > refusedBefore, "the will was not refused");
        Assert.False(watcher.Reader.TryRead(out var leaked), $"the watcher received {leaked?.Topic}");
        Assert.Empty(await _broker.Server.GetRetainedMessagesAsync());
    }

    [Fact]
    public async Task A_connected_client_id_cannot_be_taken_over()
    {
        var (robot, robotInbox) = await ConnectAsync("robot-R1-secret", ClientRole.Robot, Serial, Vda(MessageKind.Order));
        // Someone with an account of their own (or none) reuses the robot's client id.
        foreach (var role in new ClientRole?[] { ClientRole.Officer, null })
        {
            var thief = new MqttLink(new MqttLinkOptions
            {
                BrokerUri = _broker.Uri, ClientId = "robot-R1-secret",
                Username = role is null ? null : $"thief-{role}", Password = role is { } r ? _broker.Accounts.Issue($"thief-{role}", r, Serial) : null,
            }, TimeProvider.System);
            _links.Add(thief);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await Assert.ThrowsAnyAsync<Exception>(() => thief.StartAsync(timeout.Token));
            await thief.AbortAsync();
        }
        // The robot is still connected and still receives its orders.
        Assert.True(robot.IsConnected);
        var (officer, _) = await ConnectAsync("officer-2", ClientRole.Officer);
        Assert.True(await officer.PublishAsync(Json(Vda(MessageKind.Order), "{}")));
        Assert.Equal(Vda(MessageKind.Order), (await NextAsync(robotInbox)).Topic);
    }

    [Fact]
    public async Task Only_a_robot_answers_on_a_response_topic_and_only_its_owner_reads_it()
    {
        var (robot, robotInbox) = await ConnectAsync("robot-R1-z", ClientRole.Robot, Serial, Ext(MessageKind.Command));
        robot.MessageReceived = async m =>
        {
            if (m.ResponseTopic is { } reply) await robot.PublishAsync(new LinkMessage(reply, Encoding.UTF8.GetBytes("{\"answer\":1}"), 1) { CorrelationData = m.CorrelationData });
        };
        var (owner, _) = await ConnectAsync("remote-abc123", ClientRole.Officer);
        var (_, eavesdropper) = await ConnectAsync("eavesdropper", ClientRole.Observer, Serial, "robot/v1/#", Sentinel);
        var (spoofer, _) = await ConnectAsync("spoofer", ClientRole.Officer);

        // A forged answer on the owner's response topic is refused by the broker.
        Assert.False(await spoofer.PublishAsync(Json(owner.ResponseTopic, "{\"answer\":0}")));
        // The robot's real answer reaches the owner.
        var answer = await owner.RequestAsync(Ext(MessageKind.Command), Encoding.UTF8.GetBytes("{}"), Patience);
        Assert.Equal("{\"answer\":1}", Encoding.UTF8.GetString(answer.Payload.Span));
        // The eavesdropper's robot/v1/# took the request and a sentinel sent after it, never the answer.
        Assert.True(await spoofer.PublishAsync(Json(Sentinel, "{}")));
        var seen = new List<string>();
        while (seen.LastOrDefault() != Sentinel) seen.Add((await NextAsync(eavesdropper)).Topic);
        Assert.DoesNotContain(owner.ResponseTopic, seen);
        Assert.Contains(Ext(MessageKind.Command), seen);
    }

    [Fact]
    public async Task The_archive_acknowledges_reports_and_may_send_only_the_report_commands()
    {
        var (_, watcher) = await ConnectAsync("watcher", role: null, Serial, "robot/v1/#", Sentinel);
        var (archive, _) = await ConnectAsync("archive", ClientRole.Archive);

        Assert.True(await archive.PublishAsync(Json(Ext(MessageKind.ReportAck), "{}")));
        Assert.Equal(Ext(MessageKind.ReportAck), (await NextAsync(watcher)).Topic);
        Assert.True(await archive.PublishAsync(new LinkMessage(Ext(MessageKind.Command), ProtocolCodec.Encode(Command(CommandNames.GetReport)), 1)));
        Assert.Equal(Ext(MessageKind.Command), (await NextAsync(watcher)).Topic);
        await AssertDropped(archive, watcher, new LinkMessage(Ext(MessageKind.Command), ProtocolCodec.Encode(Command(CommandNames.ResetEmergencyStop)), 1));
        await AssertDropped(archive, watcher, Json(Ext(MessageKind.Command), "not json"));
        await AssertDropped(archive, watcher, Json(Vda(MessageKind.Order), "{}"));
    }

    [Fact]
    public async Task A_flood_is_cut_at_the_rate_limit_but_an_emergency_stop_always_passes()
    {
        var (_, robotInbox) = await ConnectAsync("robot-R1-f", ClientRole.Robot, Serial, Ext(MessageKind.Command));
        var (officer, _) = await ConnectAsync("flooder", ClientRole.Officer);
        var refusedBefore = _broker.Refused;
        // 300 at once against 50 per second (burst 100): most are dropped.
        var sends = Enumerable.Range(0, 300).Select(i => officer.PublishAsync(new LinkMessage(Ext(MessageKind.Command), ProtocolCodec.Encode(Command(CommandNames.Status)), 0)));
        await Task.WhenAll(sends);
        // The bucket is empty now; an e-stop still goes through at once.
        Assert.True(await officer.PublishAsync(new LinkMessage(Ext(MessageKind.Command), ProtocolCodec.Encode(Command(CommandNames.EmergencyStop)), 1)));
        var delivered = new List<string>();
        while (true)
        {
            var m = await NextAsync(robotInbox);
            ProtocolCodec.TryDecode<CommandRequest>(m.Payload.Span, out var request, out _);
            delivered.Add(request!.Command);
            if (request.Command == CommandNames.EmergencyStop) break;
        }
        Assert.InRange(delivered.Count(c => c == CommandNames.Status), 1, 200);
        Assert.True(_broker.Refused - refusedBefore >= 100, $"only {_broker.Refused - refusedBefore} refused");
    }

    [Fact]
    public async Task An_oversized_payload_is_refused()
    {
        await using var small = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0, MaxPayloadBytes = 4096 });
        var secret = small.Accounts.Issue("officer", ClientRole.Officer, Serial);
        await using var link = new MqttLink(new MqttLinkOptions { BrokerUri = small.Uri, ClientId = "big", Username = "officer", Password = secret }, TimeProvider.System);
        using var timeout = new CancellationTokenSource(Patience);
        await link.StartAsync(timeout.Token);
        Assert.False(await link.PublishAsync(new LinkMessage(Vda(MessageKind.Order), new byte[5000], 1)));
        Assert.True(await link.PublishAsync(new LinkMessage(Vda(MessageKind.Order), new byte[100], 1)));
    }

    [Fact]
    public async Task Idle_connections_that_never_send_CONNECT_are_bounded_and_closed()
    {
        // More sockets than the limit (16), none sending CONNECT.
        var sockets = new List<TcpClient>();
        try
        {
            for (var i = 0; i < 40; i++)
            {
                var c = new TcpClient();
                sockets.Add(c);
                try { await c.ConnectAsync(IPAddress.Loopback, _broker.Port); }
                catch (SocketException) { } // refused at once: closed too
            }
            // Every one of them is closed by the broker: the extra ones at once, the rest after the CONNECT timeout (1 s).
            var buffer = new byte[16];
            foreach (var c in sockets)
            {
                try
                {
                    var read = await c.GetStream().ReadAsync(buffer).AsTask().WaitAsync(Patience);
                    Assert.Equal(0, read);
                }
                catch (Exception ex) when (ex is IOException or SocketException or InvalidOperationException)
                {
                    // Reset by the broker: closed too.
                }
            }
        }
        finally
        {
            foreach (var c in sockets) c.Dispose();
        }
        // The broker still serves a real client.
        var (link, _) = await ConnectAsync("after-the-storm", ClientRole.Officer);
        Assert.True(link.IsConnected);
    }

    [Fact]
    public async Task Wrong_passwords_and_unknown_users_are_refused()
    {
        _broker.Accounts.Issue("officer-x", ClientRole.Officer, Serial);
        foreach (var (user, password) in new[] { ("officer-x", "guess"), ("nobody", "guess"), ("officer-x", "") })
        {
            await using var link = new MqttLink(new MqttLinkOptions { BrokerUri = _broker.Uri, ClientId = "guesser-" + user, Username = user, Password = password }, TimeProvider.System);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            await Assert.ThrowsAnyAsync<Exception>(() => link.StartAsync(timeout.Token));
        }
    }

    [Fact]
    public async Task Accounts_from_the_account_file_sign_in_with_their_role()
    {
        var dir = Directory.CreateTempSubdirectory("robot-broker-accounts-").FullName;
        try
        {
            var file = Path.Combine(dir, "accounts");
            var accounts = new BrokerAccounts();
            accounts.Add(new BrokerAccount("fleet-1", ClientRole.Fleet, ["*"], PasswordHash.Create("fleet-secret-1")));
            accounts.Save(file);
            await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0, AccountsFile = file });
            await using var fleet = new MqttLink(new MqttLinkOptions { BrokerUri = broker.Uri, ClientId = "fleet-1", Username = "fleet-1", Password = "fleet-secret-1" }, TimeProvider.System);
            using var timeout = new CancellationTokenSource(Patience);
            await fleet.StartAsync(timeout.Token);

            Assert.True(await fleet.PublishAsync(Json(Vda(MessageKind.Order), "{}")));
            Assert.False(await fleet.PublishAsync(Json(Ext(MessageKind.Teleop), "{}"))); // a fleet manager does not drive by hand
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("officer:officer:*", "expected name:role:robots:hash")]
    [InlineData("a:admin:*:pbkdf2-sha256$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "role 'admin'")]
    [InlineData("a:officer::pbkdf2-sha256$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "no robot")]
    [InlineData("a:officer:*:plaintext", "hash")]
    [InlineData("a b:officer:*:pbkdf2-sha256$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==", "account name")]
    public void A_bad_account_line_is_named(string line, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => BrokerAccounts.Parse(["# comment", line], "accounts"));
        Assert.Contains("accounts line 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Over_TLS_a_client_certificate_from_the_client_CA_signs_in_as_the_account_its_common_name_names()
    {
        var dir = Directory.CreateTempSubdirectory("robot-broker-mtls-").FullName;
        try
        {
            var now = DateTimeOffset.UtcNow;
            using var ca = global::Robot.TestSupport.TlsTestBroker.CreateAuthority("CN=Port CA", now);
            using var otherCa = global::Robot.TestSupport.TlsTestBroker.CreateAuthority("CN=Someone Else's CA", now);
            string F(string name) => Path.Combine(dir, name);
            File.WriteAllText(F("ca.pem"), ca.ExportCertificatePem());
            using (var server = global::Robot.TestSupport.TlsTestBroker.CreateServerCertificate(ca, ["127.0.0.1"], now)) global::Robot.TestSupport.TlsTestBroker.WritePem(server, F("broker.pem"), F("broker.key"));
            foreach (var (file, name, by) in new[] { ("fleet", "fleet-cert", ca), ("stranger", "nobody", ca), ("forged", "fleet-cert", otherCa) })
            {
                using var client = global::Robot.TestSupport.TlsTestBroker.CreateClientCertificate(by, name, now);
                global::Robot.TestSupport.TlsTestBroker.WritePem(client, F(file + ".pem"), F(file + ".key"));
            }
            await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions
            {
                Port = 0, CertificateFile = F("broker.pem"), CertificateKeyFile = F("broker.key"), ClientCertificateAuthorityFile = F("ca.pem"),
            });
            broker.Accounts.Issue("fleet-cert", ClientRole.Fleet, Serial);
            var officerSecret = broker.Accounts.Issue("officer-pw", ClientRole.Officer, Serial);

            MqttLink Link(string id, string? certificate, string? user = null, string? password = null)
            {
                var link = new MqttLink(new MqttLinkOptions
                {
                    BrokerUri = broker.Uri, ClientId = id, CaCertificateFile = F("ca.pem"), Username = user, Password = password,
                    ClientCertificateFile = certificate is null ? null : F(certificate + ".pem"), ClientCertificateKeyFile = certificate is null ? null : F(certificate + ".key"),
                    ConnectTimeout = TimeSpan.FromSeconds(3),
                }, TimeProvider.System);
                _links.Add(link);
                return link;
            }
            async Task<bool> Connects(MqttLink link)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(4));
                try { await link.StartAsync(timeout.Token); return link.IsConnected; }
                catch (Exception ex) when (ex is OperationCanceledException or MqttLinkException) { await link.AbortAsync(); return false; }
            }

            // The certificate alone signs the fleet manager in, with the fleet's rights and no more.
            var fleet = Link("fleet-1", "fleet");
            Assert.True(await Connects(fleet));
            Assert.True(await fleet.PublishAsync(Json(Vda(MessageKind.Order), "{}")));
            Assert.False(await fleet.PublishAsync(Json(Vda(MessageKind.State), "{}")));
            // A good certificate naming no account, and a certificate with the right name from another CA, are refused.
            Assert.False(await Connects(Link("stranger-1", "stranger")));
            Assert.False(await Connects(Link("forged-1", "forged")));
            // A certificate does not let its holder claim another account's name.
            Assert.False(await Connects(Link("fleet-2", "fleet", "officer-pw", officerSecret)));
            // Passwords still work over the same TLS listener, without a certificate.
            Assert.True(await Connects(Link("officer-1", null, "officer-pw", officerSecret)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static CommandRequest Command(string name) => new()
    {
        CommandId = Guid.NewGuid().ToString("N"),
        IssuedAt = DateTimeOffset.UtcNow,
        ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(30),
        Command = name,
    };
}
