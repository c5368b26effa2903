using System.Text;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Robot.Protocol.Broker;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Tests.Support;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Protocol.Tests;

/// <summary>
/// MqttLink against the embedded MQTTnet broker on real loopback sockets (a free port per test),
/// on TimeProvider.System. Every wait is for an event with a generous timeout, never a sleep, and
/// nothing asserts how long anything took.
/// </summary>
public sealed class MqttLinkTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly List<MqttLink> _links = [];
    private EmbeddedBroker _broker = null!;

    // These tests are about the link, not the broker's limits (BrokerSecurityTests has those): a 1 MiB payload and bursts are fine here.
    private static EmbeddedBrokerOptions BrokerOptions(int port) => new() { Port = port, MaxPayloadBytes = 16 * 1024 * 1024, MaxPublishesPerSecond = 100_000 };

    /// <summary>The accounts the links signed in with, to give a restarted broker.</summary>
    private readonly List<BrokerAccount> _accounts = [];

    public async Task InitializeAsync() => _broker = await EmbeddedBroker.StartAsync(BrokerOptions(0));

    public async Task DisposeAsync()
    {
        foreach (var link in _links) await link.DisposeAsync();
        await _broker.DisposeAsync();
    }

    /// <summary>A link with an account of its own on the broker: a robot's by default, an officer's for the command senders.</summary>
    private MqttLink NewLink(string clientId, Action<MqttLinkOptions>? configure = null, ClientRole role = ClientRole.Robot)
    {
        var secret = PasswordHash.NewSecret();
        var account = new BrokerAccount(clientId, role, ["*"], PasswordHash.Create(secret, iterations: 1));
        _accounts.Add(account);
        _broker.Accounts.Remove(clientId);
        _broker.Accounts.Add(account);
        var options = new MqttLinkOptions
        {
            BrokerUri = _broker.Uri,
            ClientId = clientId,
            Username = clientId,
            Password = secret,
            MinReconnectDelay = TimeSpan.FromMilliseconds(50),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(500),
        };
        configure?.Invoke(options);
        var link = new MqttLink(options, TimeProvider.System);
        _links.Add(link);
        return link;
    }

    private static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what}: nothing within {Patience.TotalSeconds} s");
        }
    }

    private static Task StartAsync(MqttLink link)
    {
        using var cts = new CancellationTokenSource(Patience);
        return link.StartAsync(cts.Token);
    }

    private static ConnectionState ConnectionStateOf(LinkMessage m)
    {
        var result = ProtocolCodec.Decode(m.Topic, m.Payload.Span);
        Assert.True(result.IsSuccess, result.Error?.ToString());
        return ((Connection)result.Message!).ConnectionState;
    }

    private static LinkMessage ConnectionMessage(string topic, ConnectionState state) =>
        new(topic, ProtocolCodec.Encode(Samples.Connection() with { ConnectionState = state }), 1, Retain: true);

    // ---- publish / subscribe ----

    [Fact]
    public async Task Message_published_by_one_link_reaches_the_subscriber_of_another()
    {
        var topic = Samples.ExtTopic(MessageKind.Telemetry);
        var receiver = NewLink("receiver");
        var inbox = new Inbox(receiver);
        await StartAsync(receiver);
        await receiver.SubscribeAsync(topic, qos: 1);
        var sender = NewLink("sender");
        await StartAsync(sender);
        var payload = ProtocolCodec.Encode(Samples.Telemetry());

        Assert.True(await sender.PublishAsync(new LinkMessage(topic, payload, 1)));

        var got = await inbox.WaitForAsync(m => m.Topic == topic, "telemetry");
        Assert.Equal(payload, got.Payload.ToArray());
        Assert.Equal(1, got.QualityOfService);
        Assert.False(got.Retain);
        var decoded = ProtocolCodec.Decode(got.Topic, got.Payload.Span);
        Assert.True(decoded.IsSuccess, decoded.Error?.ToString());
        Assert.Equal(Samples.Serial, ((Telemetry)decoded.Message!).SerialNumber);
    }

    [Fact]
    public async Task Subscription_made_before_start_is_active_once_StartAsync_returns()
    {
        var filter = TopicScheme.AllRobots(MessageKind.State);
        var fleet = NewLink("fleet");
        var inbox = new Inbox(fleet);
        await fleet.SubscribeAsync(filter);
        await StartAsync(fleet);
        Assert.True(fleet.IsConnected);
        Assert.Equal(1, fleet.ConnectCount);
        var robot = NewLink("robot");
        await StartAsync(robot);

        foreach (var serial in new[] { "RIR-0001", "RIR-0002" })
        {
            var state = Samples.State() with { SerialNumber = serial };
            Assert.True(await robot.PublishAsync(new LinkMessage(TopicScheme.Vda(Samples.Manufacturer, serial, MessageKind.State), ProtocolCodec.Encode(state), 1)));
        }

        var first = await inbox.WaitForAsync(m => m.Topic.Contains("RIR-0001", StringComparison.Ordinal), "state of RIR-0001");
        var second = await inbox.WaitForAsync(m => m.Topic.Contains("RIR-0002", StringComparison.Ordinal), "state of RIR-0002");
        Assert.Equal(MessageKind.State, ProtocolCodec.Decode(first.Topic, first.Payload.Span).Address.Kind);
        Assert.Equal("RIR-0002", ProtocolCodec.Decode(second.Topic, second.Payload.Span).Address.SerialNumber);
    }

    [Fact]
    public async Task An_oversized_payload_is_not_copied_but_reported_with_its_length()
    {
        var topic = Samples.ExtTopic(MessageKind.Command);
        var receiver = NewLink("receiver");
        receiver.MaxInboundPayloadBytes = 1000;
        var inbox = new Inbox(receiver);
        await StartAsync(receiver);
        await receiver.SubscribeAsync(topic, qos: 1);
        var sender = NewLink("sender", role: ClientRole.Officer);
        await StartAsync(sender);

        Assert.True(await sender.PublishAsync(new LinkMessage(topic, new byte[5000], 1) { CorrelationData = new byte[] { 7 } }));
        Assert.True(await sender.PublishAsync(new LinkMessage(topic, new byte[1000], 1)));

        var big = await inbox.WaitForAsync(m => m.DroppedPayloadLength > 0, "the oversized message");
        Assert.True(big.Payload.IsEmpty);
        Assert.Equal(5000, big.DroppedPayloadLength);
        Assert.Equal(new byte[] { 7 }, big.CorrelationData.ToArray());
        var fits = await inbox.WaitForAsync(m => m.DroppedPayloadLength == 0, "the message at the limit");
        Assert.Equal(1000, fits.Payload.Length);
        Assert.Throws<ArgumentOutOfRangeException>(() => receiver.MaxInboundPayloadBytes = 0);
        Assert.Equal(1000, receiver.MaxInboundPayloadBytes);
    }

    [Fact]
    public async Task Publish_on_a_link_that_is_not_connected_returns_false()
    {
        var link = NewLink("idle");
        Assert.False(link.IsConnected);
        Assert.False(await link.PublishAsync(new LinkMessage("robot/v1/x/events", Encoding.UTF8.GetBytes("{}"))));
    }

    [Fact]
    public async Task A_throwing_message_handler_does_not_take_the_link_down()
    {
        var topic = Samples.ExtTopic(MessageKind.Event);
        var receiver = NewLink("fragile");
        var second = new TaskCompletionSource<LinkMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        receiver.MessageReceived = m =>
        {
            if (Interlocked.Increment(ref calls) == 1) throw new InvalidOperationException("handler bug");
            second.TrySetResult(m);
            return Task.CompletedTask;
        };
        await receiver.SubscribeAsync(topic);
        await StartAsync(receiver);
        var sender = NewLink("sender");
        await StartAsync(sender);

        Assert.True(await sender.PublishAsync(new LinkMessage(topic, ProtocolCodec.Encode(Samples.Event()), 1)));
        Assert.True(await sender.PublishAsync(new LinkMessage(topic, ProtocolCodec.Encode(Samples.Event() with { Seq = 78 }), 1)));

        await Within(second.Task, "second event after the handler threw");
        Assert.True(receiver.IsConnected);
        Assert.Equal(78, ((RobotEvent)ProtocolCodec.Decode(topic, (await second.Task).Payload.Span).Message!).Seq);
    }

    // ---- MQTT 5 request / response ----

    /// <summary>A robot-side responder: answers every command on its response topic, echoing the correlation data.</summary>
    private async Task<MqttLink> StartResponderAsync(string commandTopic, bool sendDecoyFirst = false)
    {
        var responder = NewLink("responder");
        responder.MessageReceived = async m =>
        {
            var request = ProtocolCodec.Decode(m.Topic, m.Payload.Span);
            var command = (CommandRequest)request.Message!;
            var response = Samples.CommandResponse() with { CommandId = command.CommandId, Command = command.Command, Status = null };
            var payload = ProtocolCodec.Encode(response);
            if (sendDecoyFirst)
            {
                // Same response topic, someone else's correlation data: must not complete the request.
                var decoy = response with { CommandId = "decoy", Message = "not yours" };
                await responder.PublishAsync(new LinkMessage(m.ResponseTopic!, ProtocolCodec.Encode(decoy), 1) { CorrelationData = Guid.NewGuid().ToByteArray() });
            }
            await responder.PublishAsync(new LinkMessage(m.ResponseTopic!, payload, 1) { CorrelationData = m.CorrelationData });
        };
        await responder.SubscribeAsync(commandTopic);
        await StartAsync(responder);
        return responder;
    }

    [Fact]
    public async Task RequestAsync_returns_the_response_that_echoes_its_correlation_data()
    {
        var topic = Samples.ExtTopic(MessageKind.Command);
        await StartResponderAsync(topic, sendDecoyFirst: true);
        var remote = NewLink("remote-1", role: ClientRole.Officer);
        await StartAsync(remote);

        var reply = await remote.RequestAsync(topic, ProtocolCodec.Encode(Samples.Command()), Patience);

        Assert.Equal(remote.ResponseTopic, reply.Topic);
        Assert.Equal(TopicScheme.ResponseTopic("remote-1"), reply.Topic);
        Assert.Equal(16, reply.CorrelationData.Length);
        Assert.True(ProtocolCodec.TryDecode<CommandResponse>(reply.Payload.Span, out var response, out var error), error?.ToString());
        Assert.Equal(Samples.Command().CommandId, response!.CommandId);
        Assert.True(response.Accepted);
    }

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_response()
    {
        var topic = Samples.ExtTopic(MessageKind.Command);
        await StartResponderAsync(topic);
        var remote = NewLink("remote-2", role: ClientRole.Officer);
        await StartAsync(remote);

        var ids = Enumerable.Range(0, 8).Select(i => $"cmd-{i}").ToArray();
        var replies = await Task.WhenAll(ids.Select(id =>
            remote.RequestAsync(topic, ProtocolCodec.Encode(Samples.Command() with { CommandId = id, Command = CommandNames.Status, HeightM = null }), Patience)));

        var answered = replies.Select(r =>
        {
            Assert.True(ProtocolCodec.TryDecode<CommandResponse>(r.Payload.Span, out var response, out _));
            return response!.CommandId;
        });
        Assert.Equal(ids, answered);
    }

    [Fact]
    public async Task RequestAsync_without_a_responder_fails_with_a_link_exception()
    {
        var remote = NewLink("remote-3", role: ClientRole.Officer);
        await StartAsync(remote);

        var ex = await Assert.ThrowsAsync<MqttLinkException>(() =>
            remote.RequestAsync(Samples.ExtTopic(MessageKind.Command), ProtocolCodec.Encode(Samples.Command()), TimeSpan.FromMilliseconds(200)));
        Assert.Contains("no answer", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RequestAsync_on_a_link_that_is_not_connected_fails_at_once()
    {
        var remote = NewLink("remote-4", role: ClientRole.Officer);
        var ex = await Assert.ThrowsAsync<MqttLinkException>(() =>
            remote.RequestAsync(Samples.ExtTopic(MessageKind.Command), ProtocolCodec.Encode(Samples.Command()), Patience));
        Assert.Contains("not connected", ex.Message, StringComparison.Ordinal);
    }

    // ---- will and farewell ----

    [Fact]
    public async Task Abort_makes_the_broker_publish_the_retained_will()
    {
        var topic = Samples.VdaTopic(MessageKind.Connection);
        var robot = NewLink("robot-abort");
        robot.SetWill(ConnectionMessage(topic, ConnectionState.ConnectionBroken));
        await StartAsync(robot);
        Assert.True(await robot.PublishAsync(ConnectionMessage(topic, ConnectionState.Online)));
        var watcher = NewLink("watcher");
        var inbox = new Inbox(watcher);
        await watcher.SubscribeAsync(topic);
        await StartAsync(watcher);
        await inbox.WaitForAsync(m => ConnectionStateOf(m) == ConnectionState.Online, "retained ONLINE");

        await robot.AbortAsync();

        var will = await inbox.WaitForAsync(m => ConnectionStateOf(m) == ConnectionState.ConnectionBroken, "the will");
        Assert.Equal(topic, will.Topic);
        // Retained: a client that subscribes afterwards gets it from the broker.
        var late = NewLink("late");
        var lateInbox = new Inbox(late);
        await late.SubscribeAsync(topic);
        await StartAsync(late);
        var retained = await lateInbox.WaitForAsync(m => m.Topic == topic, "retained will");
        Assert.True(retained.Retain);
        Assert.Equal(ConnectionState.ConnectionBroken, ConnectionStateOf(retained));
    }

    [Fact]
    public async Task Broker_dropping_a_client_publishes_its_will()
    {
        // A plain MQTTnet client, not an MqttLink: a link reconnects at once with the same client id,
        // and MQTTnet drops the will of a session that is taken over (see the reconnect test below).
        var topic = Samples.VdaTopic(MessageKind.Connection);
        var watcher = NewLink("watcher");
        var inbox = new Inbox(watcher);
        await watcher.SubscribeAsync(topic);
        await StartAsync(watcher);
        using var client = new MqttClientFactory().CreateMqttClient();
        var will = ConnectionMessage(topic, ConnectionState.ConnectionBroken);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(_broker.Address.ToString(), _broker.Port)
            .WithClientId("robot-dropped")
            .WithCredentials("robot-dropped", _broker.Accounts.Issue("robot-dropped", ClientRole.Robot))
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithWillTopic(will.Topic).WithWillPayload(will.Payload.ToArray()).WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        using (var cts = new CancellationTokenSource(Patience))
        {
            await client.ConnectAsync(options, cts.Token);
        }

        await _broker.DropClientAsync("robot-dropped");

        var got = await inbox.WaitForAsync(m => ConnectionStateOf(m) == ConnectionState.ConnectionBroken, "the will");
        Assert.Equal(topic, got.Topic);
    }

    [Fact]
    public async Task Link_dropped_by_the_broker_reconnects_by_itself()
    {
        var robot = NewLink("robot-kicked");
        var upAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        robot.ConnectionChanged += up =>
        {
            if (up && robot.ConnectCount >= 2) upAgain.TrySetResult();
        };
        await StartAsync(robot);

        await _broker.DropClientAsync("robot-kicked");

        await Within(upAgain.Task, "reconnect after the broker dropped the link");
        Assert.Equal(2, robot.ConnectCount);
    }

    [Fact]
    public async Task Clean_stop_publishes_the_retained_farewell_and_no_will()
    {
        var topic = Samples.VdaTopic(MessageKind.Connection);
        var robot = NewLink("robot-stop");
        robot.SetWill(ConnectionMessage(topic, ConnectionState.ConnectionBroken));
        await StartAsync(robot);
        Assert.True(await robot.PublishAsync(ConnectionMessage(topic, ConnectionState.Online)));
        var watcher = NewLink("watcher");
        var inbox = new Inbox(watcher);
        await watcher.SubscribeAsync(topic);
        await StartAsync(watcher);
        await inbox.WaitForAsync(m => ConnectionStateOf(m) == ConnectionState.Online, "retained ONLINE");
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _broker.Server.ClientDisconnectedAsync += e =>
        {
            if (e.ClientId == "robot-stop") gone.TrySetResult();
            return Task.CompletedTask;
        };

        Assert.True(await robot.StopAsync(ConnectionMessage(topic, ConnectionState.Offline)), robot.LastStopProblem);

        Assert.Null(robot.LastStopProblem);
        Assert.False(robot.IsConnected);
        await Within(gone.Task, "broker sees robot-stop disconnect");
        await inbox.WaitForAsync(m => ConnectionStateOf(m) == ConnectionState.Offline, "the farewell");
        // The broker has finished with the session (a will is dispatched before that event):
        // the retained message is the farewell, and the watcher never saw CONNECTIONBROKEN.
        var late = NewLink("late");
        var lateInbox = new Inbox(late);
        await late.SubscribeAsync(topic);
        await StartAsync(late);
        var retained = await lateInbox.WaitForAsync(m => m.Topic == topic, "retained farewell");
        Assert.True(retained.Retain);
        Assert.Equal(ConnectionState.Offline, ConnectionStateOf(retained));
        Assert.DoesNotContain(inbox.Received, m => ConnectionStateOf(m) == ConnectionState.ConnectionBroken);
    }

    [Fact]
    public async Task Will_must_be_set_before_start()
    {
        var link = NewLink("late-will");
        await StartAsync(link);
        Assert.Throws<InvalidOperationException>(() => link.SetWill(ConnectionMessage("x/y", ConnectionState.ConnectionBroken)));
    }

    // ---- reconnect ----

    [Fact]
    public async Task Link_reconnects_to_a_restarted_broker_and_its_subscriptions_work_again()
    {
        var topic = Samples.ExtTopic(MessageKind.Teleop);
        var port = _broker.Port;
        var robot = NewLink("robot-reconnect", role: ClientRole.Officer);
        var inbox = new Inbox(robot);
        var down = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        robot.ConnectionChanged += up =>
        {
            if (!up) down.TrySetResult();
            else if (robot.ConnectCount >= 2) upAgain.TrySetResult();
        };
        await robot.SubscribeAsync(topic);
        await StartAsync(robot);
        Assert.Equal(1, robot.ConnectCount);

        await _broker.DisposeAsync();
        await Within(down.Task, "link notices the broker is gone");
        Assert.False(robot.IsConnected);
        _broker = await EmbeddedBroker.StartAsync(BrokerOptions(port));
        foreach (var account in _accounts) _broker.Accounts.Add(account);
        await Within(upAgain.Task, "link reconnects by itself");

        Assert.Equal(2, robot.ConnectCount);
        Assert.True(robot.IsConnected);
        var operatorLink = NewLink("operator", role: ClientRole.Officer);
        await StartAsync(operatorLink);
        Assert.True(await operatorLink.PublishAsync(new LinkMessage(topic, ProtocolCodec.Encode(Samples.Teleop()), 1)));
        await inbox.WaitForAsync(m => m.Topic == topic, "teleop after reconnect");
        // The response topic is restored too: requests made by the reconnected link are answered.
        await StartResponderAsync(Samples.ExtTopic(MessageKind.Command));
        var reply = await robot.RequestAsync(Samples.ExtTopic(MessageKind.Command), ProtocolCodec.Encode(Samples.Command()), Patience);
        Assert.Equal(robot.ResponseTopic, reply.Topic);
    }

    [Fact]
    public async Task Stop_says_why_a_farewell_was_not_said_when_the_link_is_down()
    {
        var doomed = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        var link = NewLink("farewell-down", o => o.BrokerUri = doomed.Uri);
        doomed.Accounts.Add(_accounts[^1]);
        await StartAsync(link);
        var down = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        link.ConnectionChanged += up => { if (!up) down.TrySetResult(); };
        // The broker goes away for good (a dropped client alone reconnects at once).
        await doomed.DisposeAsync();
        await Within(down.Task, "the link notices the broker is gone");

        Assert.False(await link.StopAsync(ConnectionMessage(Samples.VdaTopic(MessageKind.Connection), ConnectionState.Offline)));
        Assert.Equal("not connected when stopping", link.LastStopProblem);
    }

    [Fact]
    public async Task A_publish_whose_caller_stops_waiting_does_not_break_the_link()
    {
        // As over TLS (MqttLinkTlsTests): a host cancelling its periodic publishes at shutdown must
        // keep its connection for the OFFLINE farewell.
        var robot = NewLink("cancelled-publisher");
        await StartAsync(robot);
        var big = new byte[1024 * 1024];
        for (var i = 0; i < 5; i++)
        {
            using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(1));
            try
            {
                await robot.PublishAsync(new LinkMessage("test/bulk", big, 1), impatient.Token);
            }
            catch (OperationCanceledException)
            {
                // The caller stopped waiting; the send goes on.
            }
        }

        Assert.True(await robot.StopAsync(ConnectionMessage(Samples.VdaTopic(MessageKind.Connection), ConnectionState.Offline)), robot.LastStopProblem);
    }

    [Fact]
    public async Task Stop_reports_a_farewell_the_broker_refused()
    {
        var topic = Samples.VdaTopic(MessageKind.Connection);
        _broker.Server.InterceptingPublishAsync += e =>
        {
            if (e.ClientId == "farewell-refused" && e.ApplicationMessage.Topic == topic)
            {
                e.ProcessPublish = false;
                e.Response.ReasonCode = MQTTnet.Protocol.MqttPubAckReasonCode.NotAuthorized;
            }
            return Task.CompletedTask;
        };
        var link = NewLink("farewell-refused");
        await StartAsync(link);

        Assert.False(await link.StopAsync(ConnectionMessage(topic, ConnectionState.Offline)));
        Assert.Contains("refused the farewell: NotAuthorized", link.LastStopProblem);
        Assert.False(link.IsConnected);
    }

    // ---- credentials ----

    [Fact]
    public async Task Link_with_the_right_credentials_connects_to_a_broker_that_requires_them()
    {
        await using var secured = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        var secret = secured.Accounts.Issue("robot", ClientRole.Robot, "*");
        var link = NewLink("authenticated", o =>
        {
            o.BrokerUri = secured.Uri;
            o.Username = "robot";
            o.Password = secret;
        });
        await StartAsync(link);
        Assert.True(link.IsConnected);
        await link.StopAsync();
    }

    /// <summary>Collects what a link receives; waits for a matching message with a timeout.</summary>
    private sealed class Inbox
    {
        private readonly Channel<LinkMessage> _channel = Channel.CreateUnbounded<LinkMessage>();
        private readonly List<LinkMessage> _received = [];

        public Inbox(MqttLink link)
        {
            link.MessageReceived = m =>
            {
                lock (_received) _received.Add(m);
                _channel.Writer.TryWrite(m);
                return Task.CompletedTask;
            };
        }

        public IReadOnlyList<LinkMessage> Received
        {
            get
            {
                lock (_received) return _received.ToList();
            }
        }

        public async Task<LinkMessage> WaitForAsync(Func<LinkMessage, bool> match, string what)
        {
            using var cts = new CancellationTokenSource(Patience);
            try
            {
                while (true)
                {
                    var m = await _channel.Reader.ReadAsync(cts.Token);
                    if (match(m)) return m;
                }
            }
            catch (OperationCanceledException)
            {
                throw new Xunit.Sdk.XunitException($"{what}: no such message within {Patience.TotalSeconds} s (received {Received.Count} others)");
            }
        }
    }
}
