using Microsoft.Extensions.Time.Testing;
using Robot.Protocol.Broker;
using Robot.Protocol.Link;
using Robot.Protocol.Tests.Support;

namespace Robot.Protocol.Tests;

/// <summary>
/// Issue 11 (availability): a frozen broker went unnoticed for 240 s because MQTTnet pings only an
/// idle link. The link's own liveness ping runs on its network clock (stepped here), busy or idle;
/// the network is real loopback through a proxy that can freeze. Nothing asserts wall-clock time.
/// </summary>
public sealed class MqttLinkLivenessTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new();
    private EmbeddedBroker _broker = null!;
    private FreezableProxy _proxy = null!;
    private MqttLink _link = null!;
    private readonly CancellationTokenSource _busy = new();
    private Task _publishing = Task.CompletedTask;
    private readonly TaskCompletionSource _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        _broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        _proxy = new FreezableProxy(_broker.Uri);
        _link = new MqttLink(new MqttLinkOptions
        {
            BrokerUri = _proxy.Uri,
            ClientId = "liveness",
            KeepAlive = KeepAlive,
            // Reconnects wait on the fake clock, which only the test moves.
            MinReconnectDelay = TimeSpan.FromMinutes(1),
            MaxReconnectDelay = TimeSpan.FromMinutes(1),
        }, _time, networkTime: _time);
        _link.ConnectionChanged += up =>
        {
            if (!up) _lost.TrySetResult();
        };
        using var cts = new CancellationTokenSource(Patience);
        await _link.StartAsync(cts.Token);
        // Busy all the time: MQTTnet's own keep-alive (real clock) never pings a link that keeps sending.
        _publishing = Task.Run(async () =>
        {
            while (!_busy.IsCancellationRequested)
            {
                await _link.PublishAsync(new LinkMessage("robot/v1/LIVE-1/telemetry", new byte[64]));
                try { await Task.Delay(5, _busy.Token); } catch (OperationCanceledException) { }
            }
        });
    }

    public async Task DisposeAsync()
    {
        _busy.Cancel();
        await _publishing;
        await _link.DisposeAsync();
        await _proxy.DisposeAsync();
        await _broker.DisposeAsync();
        _busy.Dispose();
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what}: not within {Patience.TotalSeconds} s");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_frozen_broker_is_found_within_two_keep_alive_periods_while_the_link_is_busy()
    {
        _proxy.Freeze();

        _time.Advance(KeepAlive); // the first period: a ping goes out (and nothing comes back)
        Assert.Equal(1, _link.PingsSent);
        Assert.False(_lost.Task.IsCompleted, "dropped before a ping had a whole period to be answered");
        _time.Advance(KeepAlive); // the second: still no answer, so the broker is gone

        try
        {
            await _lost.Task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"the link still thinks it is connected {2 * KeepAlive.TotalSeconds} s (link clock) after the broker froze");
        }
        Assert.False(_link.IsConnected);
        Assert.Equal(0, _link.PingsAnswered);
    }

    [Fact]
    public async Task A_busy_healthy_link_answers_every_ping_and_stays_connected()
    {
        for (var period = 1; period <= 4; period++)
        {
            _time.Advance(KeepAlive);
            Assert.Equal(period, _link.PingsSent);
            await WaitUntil(() => _link.PingsAnswered == period, $"answer to ping {period}");
        }
        Assert.True(_link.IsConnected);
        Assert.False(_lost.Task.IsCompleted);
        Assert.Equal(1, _link.ConnectCount);
    }

    [Fact]
    public async Task A_jump_of_the_callers_clock_does_not_drop_a_healthy_link()
    {
        // A fake clock that jumps hours at once (the web session tests) or a simulator running 100x:
        // the ping's deadline is on the network clock, real unless given, so neither cuts it short.
        var jumpy = new FakeTimeProvider();
        await using var link = new MqttLink(new MqttLinkOptions { BrokerUri = _broker.Uri, ClientId = "jumpy", KeepAlive = KeepAlive, Username = "jumpy", Password = _broker.Accounts.Issue("jumpy", ClientRole.Robot, "LIVE-1") }, jumpy);
        using (var cts = new CancellationTokenSource(Patience)) await link.StartAsync(cts.Token);

        jumpy.Advance(TimeSpan.FromHours(3));

        Assert.Equal(0, link.PingsSent);
        Assert.True(link.IsConnected);
        Assert.True(await link.PublishAsync(new LinkMessage("robot/v1/LIVE-1/telemetry", new byte[8], 1)));
    }
}
