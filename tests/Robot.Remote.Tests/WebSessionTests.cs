using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Remote.Tests.Support;
using Robot.Remote.Web;

namespace Robot.Remote.Tests;

/// <summary>
/// A live socket lives no longer than the cookie session it was opened with: when the session ends
/// (on the app's clock, advanced here, never slept) the server stops the joystick, closes the socket
/// with 4401 "session expired", and obeys nothing the page still sends.
/// </summary>
public sealed class WebSessionTests : WebRemoteTestBase
{
    private const WebSocketCloseStatus SessionExpired = (WebSocketCloseStatus)4401;

    private TimeSpan Lifetime => App.Services.GetRequiredService<RemoteWebOptions>().SessionLifetime;

    [Fact]
    public async Task When_the_session_ends_the_socket_is_closed_saying_so_the_robot_is_stopped_and_nothing_more_is_obeyed()
    {
        using var a = await SignInAsync("officerA"); // the session ends at Start + Lifetime
        await using var socket = await a.OpenSocketAsync();
        await socket.NextAsync("lease");

        // Driving works: a sample goes out on the next 100 ms tick. Teleop is QoS 0 and the server's
        // link to the broker may still be coming up, so allow a few ticks for the first one (a full
        // test run lost it once in three: a 10 s wait for a sample that had been dropped).
        await JoystickAsync(socket);
        Assert.True(await DrivenWithinTicksAsync(5), "no driving sample reached the robot in 5 ticks");

        // Just before the end of the session the officer is still driving (the page sends at 10 Hz)...
        Time.Advance(Start + Lifetime - TimeSpan.FromMilliseconds(150) - Time.GetUtcNow());
        while ((await NextAsync(Robot.Teleop)).LinearMps != 0)
        {
            // (that one tick saw a stale sample and stopped the robot)
        }
        await JoystickAsync(socket);
        Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.True((await NextAsync(Robot.Teleop)).LinearMps > 0, "the session has not ended yet: the robot should be driven");

        // ...and on the first tick after it, the server stops the robot and closes the socket with the reason.
        Time.Advance(TimeSpan.FromMilliseconds(100));
        var (status, reason) = await socket.ClosedAsync();
        Assert.Equal((SessionExpired, "session expired"), (status, reason));
        var ended = Time.GetUtcNow();

        // The page (not yet aware) goes on sending: nothing is obeyed, and its lease is not kept alive.
        await socket.SendAsync("""{"t":"joy","linear":0.5,"angular":0}""");
        await socket.SendAsync("""{"t":"hb"}""");
        Time.Advance(TimeSpan.FromMilliseconds(100));
        await socket.SendAsync("""{"t":"joy","linear":0.5,"angular":0}""");
        Time.Advance(TimeSpan.FromMilliseconds(100));
        using var b = await SignInAsync("officerB");
        await MarkerAsync(b);
        var after = new List<TeleopCommand>();
        while (Robot.Teleop.Reader.TryRead(out var sample)) after.Add(sample);
        Assert.All(after, s => Assert.Equal((0.0, 0.0), (s.LinearMps, s.AngularRadps)));
        Assert.NotEmpty(after); // the robot was told to stop at once, not left to its own dead-man
        Assert.True(LeaseLastSeen() is null || LeaseLastSeen() < ended, $"a message after the end of the session kept the lease alive ({LeaseLastSeen():O})");
    }

    [Fact]
    public async Task A_page_that_speaks_after_its_session_ended_takes_no_lease_and_drives_nothing()
    {
        using var a = await SignInAsync("officerA");
        await using var socket = await a.OpenSocketAsync();
        await socket.NextAsync("lease");
        Assert.Null(LeaseLastSeen());

        // Past the end, a joystick sample (which would take the free lease and drive) is not obeyed.
        Time.Advance(Lifetime + TimeSpan.FromSeconds(1));
        await socket.SendAsync("""{"t":"joy","linear":0.5,"angular":0}""");
        var (status, _) = await socket.ClosedAsync();
        Assert.Equal(SessionExpired, status);
        using var b = await SignInAsync("officerB");
        await MarkerAsync(b);
        Assert.Null(LeaseLastSeen());
        Assert.False(Robot.Teleop.Reader.TryRead(out _));
        Assert.DoesNotContain(Audit(), e => e.User == "officerA" && e.Command is "teleop" or "takeLease");
    }

    [Fact]
    public async Task A_socket_opened_after_the_upgrade_renewed_the_cookie_lives_as_long_as_the_renewed_session()
    {
        using var a = await SignInAsync("officerA");
        // Three quarters of the way through, the upgrade request renews the sliding session.
        Time.Advance(Lifetime * 3 / 4);
        var renewedEnd = Time.GetUtcNow() + Lifetime;
        await using var socket = await a.OpenSocketAsync();
        await socket.NextAsync("lease");
        await TelemetryArrivesAsync(socket);

        // Past the end of the first cookie: the socket still streams.
        Time.Advance(Start + Lifetime + TimeSpan.FromMinutes(1) - Time.GetUtcNow());
        Time.Advance(TimeSpan.FromMilliseconds(100));
        await TelemetryArrivesAsync(socket);

        // Past the end of the renewed one: closed.
        Time.Advance(renewedEnd - Time.GetUtcNow() + TimeSpan.FromMilliseconds(100));
        Assert.Equal(SessionExpired, (await socket.ClosedAsync()).Status);
    }

    /// <summary>
    /// Push the joystick forward and wait until the server has taken the sample: a heartbeat a
    /// millisecond later (too little for a 100 ms tick) is handled after it, and touches the lease.
    /// </summary>
    private async Task<bool> DrivenWithinTicksAsync(int ticks)
    {
        for (var i = 0; i < ticks; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                while (true)
                {
                    var sample = await Robot.Teleop.Reader.ReadAsync(wait.Token);
                    if (sample.LinearMps > 0) return true;
                }
            }
            catch (OperationCanceledException)
            {
                // No driving sample on this tick: try the next one.
            }
        }
        return false;
    }

    private async Task JoystickAsync(PageSocket socket)
    {
        await socket.SendAsync("""{"t":"joy","linear":0.5,"angular":0}""");
        Time.Advance(TimeSpan.FromMilliseconds(1));
        await socket.SendAsync("""{"t":"hb"}""");
        await WaitUntil(() => LeaseLastSeen() == Time.GetUtcNow(), "the server has the joystick sample");
    }

    /// <summary>The fake robot publishes telemetry until the page's socket passes one on (the server subscribes as the socket opens).</summary>
    private async Task TelemetryArrivesAsync(PageSocket socket)
    {
        var seen = socket.NextAsync("telemetry");
        using var timeout = new CancellationTokenSource(Patience);
        while (!seen.IsCompleted && !timeout.IsCancellationRequested)
        {
            await Robot.PublishAsync(TopicScheme.Extension(Serial, MessageKind.Telemetry), FakeRobot.SampleTelemetry(Serial));
            await Task.WhenAny(seen, Task.Delay(50, CancellationToken.None));
        }
        await seen;
    }

    private DateTimeOffset? LeaseLastSeen() => App.Services.GetRequiredService<ControlLeases>().Current(Serial)?.LastSeen;
}
