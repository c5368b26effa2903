using System.Net;
using System.Text.Json;
using Robot.Protocol.Extensions;
using Robot.Remote.Tests.Support;

namespace Robot.Remote.Tests;

/// <summary>
/// The control lease of the web remote, over its real HTTP API and WebSocket on a fake clock: take,
/// hold, refuse (409, nothing sent), lapse when the phone goes quiet, release, maintainer takeover,
/// and the emergency stop that never needs it.
/// </summary>
public sealed class WebLeaseTests : WebRemoteTestBase
{
    [Fact]
    public async Task A_free_lease_is_taken_with_one_tap_and_the_others_are_refused_with_who_holds_it_since_when()
    {
        using var a = await SignInAsync("officerA");
        using var b = await SignInAsync("officerB");

        var taken = await a.PostAsync("lease");
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        var lease = await Json(taken);
        Assert.Equal("officerA", lease.GetProperty("holder").GetString());
        Assert.True(lease.GetProperty("yours").GetBoolean());

        var refused = await b.PostAsync("lease");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var conflict = await Json(refused);
        Assert.Equal("Robot R1 is controlled by officerA since 10:42", conflict.GetProperty("error").GetString());
        Assert.Equal("officerA", conflict.GetProperty("lease").GetProperty("holder").GetString());
        Assert.False(conflict.GetProperty("lease").GetProperty("yours").GetBoolean());

        // Everyone signed in sees who holds it.
        using var observer = await SignInAsync("observer");
        var seen = await Json(await observer.Http.GetAsync($"/api/robots/{Serial}/lease"));
        Assert.Equal("officerA", seen.GetProperty("holder").GetString());
        Assert.Equal(Start, seen.GetProperty("since").GetDateTimeOffset());
        Assert.Contains(Audit(), e => (e.User, e.Command, e.Result) == ("officerA", "takeLease", "accepted"));
        Assert.Contains(Audit(), e => (e.User, e.Command, e.Result) == ("officerB", "takeLease", "conflict"));
    }

    [Fact]
    public async Task A_control_command_without_the_lease_gets_409_and_sends_nothing_while_the_holder_is_obeyed()
    {
        using var a = await SignInAsync("officerA");
        using var b = await SignInAsync("officerB");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("lease")).StatusCode);

        foreach (var (path, body) in new (string, object)[]
                 {
                     ("lift", new { heightM = 1.0 }),
                     ("goto", new { x = 5.0, y = 0.0 }),
                     ("inspect", new { containerNumber = Hot.Number, containerType = Hot.Type, x = Hot.X, y = Hot.Y, theta = 0 }),
                     ("pause", new { }),
                     ("resume", new { }),
                     ("cancel", new { }),
                 })
        {
            var response = await b.PostAsync(path, body);
            Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"{path}: {response.StatusCode}");
            Assert.Contains("Robot R1 is controlled by officerA since 10:42", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(("officerB", "conflict"), (Audit()[0].User, Audit()[0].Result));
        }

        // The holder's lift goes out: and it is the first command the robot hears (B's never left the server).
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("lift", new { heightM = 0.5 })).StatusCode);
        var first = await NextAsync(Robot.Commands);
        Assert.Equal((CommandNames.LiftTo, 0.5, "web:officerA"), (first.Command, first.HeightM, first.OperatorId));
        Assert.False(Robot.Orders.Reader.TryRead(out _));
        Assert.False(Robot.InstantActions.Reader.TryRead(out _));
    }

    [Fact]
    public async Task The_first_control_command_on_a_free_robot_takes_the_lease()
    {
        using var a = await SignInAsync("officerA");
        using var b = await SignInAsync("officerB");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("lift", new { heightM = 0.5 })).StatusCode);
        Assert.Contains(Audit(), e => (e.User, e.Command, e.Detail, e.Result) == ("officerA", "takeLease", "with liftTo", "accepted"));
        Assert.Equal(HttpStatusCode.Conflict, (await b.PostAsync("lift", new { heightM = 1.0 })).StatusCode);
    }

    [Fact]
    public async Task A_lease_lapses_when_its_phone_goes_quiet_and_a_heartbeat_keeps_it()
    {
        using var a = await SignInAsync("officerA");
        using var b = await SignInAsync("officerB");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("lease")).StatusCode);
        await using var socket = await a.OpenSocketAsync();
        await socket.NextAsync("lease", l => l.GetProperty("lease").GetProperty("yours").GetBoolean());

        // A heartbeat just before the lease would lapse starts its quiet time again.
        Time.Advance(LeaseQuiet - TimeSpan.FromSeconds(1));
        var heartbeats = Audit().Count;
        await socket.SendAsync("""{"t":"hb"}""");
        await WaitUntil(() => LeaseLastSeen() == Time.GetUtcNow(), "the server has taken the heartbeat");
        Time.Advance(LeaseQuiet - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Conflict, (await b.PostAsync("lease")).StatusCode);
        Assert.Equal(heartbeats + 1, Audit().Count); // only B's refusal: a heartbeat is not audited

        // Then quiet for longer than LeaseQuiet: it lapses (audited), and B may take it.
        Time.Advance(TimeSpan.FromSeconds(2));
        var taken = await b.PostAsync("lease");
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Equal("officerB", (await Json(taken)).GetProperty("holder").GetString());
        Assert.Contains(Audit(), e => (e.User, e.Command, e.Result) == ("officerA", "leaseLapsed", "lapsed"));

        // A's page is told live, on the next tick of its socket.
        Time.Advance(TimeSpan.FromMilliseconds(100));
        var told = await socket.NextAsync("lease", l => Holder(l.GetProperty("lease")) == "officerB");
        Assert.False(told.GetProperty("lease").GetProperty("yours").GetBoolean());
    }

    [Fact]
    public async Task A_released_lease_is_free_and_only_its_holder_can_release_it()
    {
        using var a = await SignInAsync("officerA");
        using var b = await SignInAsync("officerB");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("lease")).StatusCode);
        var notYours = await b.PostAsync("lease/release");
        Assert.Equal(HttpStatusCode.Conflict, notYours.StatusCode);
        Assert.Contains("you do not hold the lease", await notYours.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var released = await a.PostAsync("lease/release");
        Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        Assert.Null(Holder(await Json(released))); // free: no holder
        Assert.Contains(Audit(), e => (e.User, e.Command, e.Result) == ("officerA", "releaseLease", "accepted"));
        Assert.Equal(HttpStatusCode.OK, (await b.PostAsync("lease")).StatusCode);
    }

    [Fact]
    public async Task A_maintainer_takes_over_audited_and_the_officers_joystick_stops_at_once()
    {
        using var a = await SignInAsync("officerA");
        using var maintainer = await SignInAsync("maintainer");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("lease")).StatusCode);
        await using var socket = await a.OpenSocketAsync();
        await socket.NextAsync("lease");

        // A drives: its samples go out on the server's 100 ms tick.
        await socket.SendAsync("""{"t":"joy","linear":0.5,"angular":0}""");
        await WaitUntil(() => Audit().Any(e => e.Command == "teleop" && e.Result == "accepted"), "the server has the joystick sample");
        Time.Advance(TimeSpan.FromMilliseconds(100));
        var sample = await NextAsync(Robot.Teleop);
        Assert.True(sample.LinearMps > 0);
        Assert.Equal("web:officerA", sample.OperatorId);

        // Officers may not take over; the maintainer may.
        Assert.Equal(HttpStatusCode.Forbidden, (await a.PostAsync("lease/takeover")).StatusCode);
        var takeover = await maintainer.PostAsync("lease/takeover");
        Assert.Equal(HttpStatusCode.OK, takeover.StatusCode);
        Assert.Equal("maintainer", (await Json(takeover)).GetProperty("holder").GetString());
        var audited = Audit().First(e => e.Command == "takeOverLease");
        Assert.Equal(("maintainer", "from officerA", "accepted"), (audited.User, audited.Detail, audited.Result));
        Assert.Contains("took over R1 from officerA", audited.Message, StringComparison.Ordinal);

        // A keeps pushing, but on the next tick the server stops the robot and tells A why.
        await socket.SendAsync("""{"t":"joy","linear":0.5,"angular":0}""");
        Time.Advance(TimeSpan.FromMilliseconds(100));
        await socket.NextAsync("error", e => e.GetProperty("message").GetString()!.Contains("controlled by maintainer", StringComparison.Ordinal));
        TeleopCommand last;
        do last = await NextAsync(Robot.Teleop); while (last.LinearMps != 0);
        Assert.Equal((0.0, "web:officerA"), (last.AngularRadps, last.OperatorId));
        // Further samples from A are refused, and nothing more is published for A.
        await socket.SendAsync("""{"t":"stop"}""");
        await socket.SendAsync("""{"t":"joy","linear":0.5,"angular":0}""");
        await socket.NextAsync("error", e => e.GetProperty("message").GetString() == "409: Robot R1 is controlled by maintainer since 10:42");
        Time.Advance(TimeSpan.FromMilliseconds(300));
        await MarkerAsync(maintainer);
        Assert.False(Robot.Teleop.Reader.TryRead(out var extra), $"a sample went out after the takeover: {extra?.LinearMps}");
    }

    [Fact]
    public async Task Joystick_samples_without_the_lease_are_refused_on_the_socket_and_publish_nothing()
    {
        using var a = await SignInAsync("officerA");
        using var b = await SignInAsync("officerB");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("lease")).StatusCode);
        await using var socket = await b.OpenSocketAsync();
        var lease = await socket.NextAsync("lease");
        Assert.Equal("officerA", lease.GetProperty("lease").GetProperty("holder").GetString());

        await socket.SendAsync("""{"t":"joy","linear":0.8,"angular":0}""");
        var error = await socket.NextAsync("error");
        Assert.Equal("409: Robot R1 is controlled by officerA since 10:42", error.GetProperty("message").GetString());
        // One refusal per touch in the audit, however many samples.
        await socket.SendAsync("""{"t":"joy","linear":0.8,"angular":0}""");
        Time.Advance(TimeSpan.FromMilliseconds(200));
        await MarkerAsync(b);
        Assert.False(Robot.Teleop.Reader.TryRead(out _));
        Assert.Single(Audit(), e => (e.User, e.Command, e.Result) == ("officerB", "teleop", "conflict"));
    }

    [Fact]
    public async Task The_emergency_stop_needs_no_lease()
    {
        using var a = await SignInAsync("officerA");
        using var b = await SignInAsync("officerB");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("lease")).StatusCode);
        var stop = await b.PostAsync("estop");
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        var command = await NextAsync(Robot.Commands);
        Assert.Equal((CommandNames.EmergencyStop, "web:officerB"), (command.Command, command.OperatorId));
        Assert.Equal(("officerB", "emergencyStop", "accepted"), (Audit()[0].User, Audit()[0].Command, Audit()[0].Result));
        // ...and the lease is still A's.
        Assert.Equal("officerA", (await Json(await b.Http.GetAsync($"/api/robots/{Serial}/lease"))).GetProperty("holder").GetString());
    }

    [Fact]
    public async Task Observers_cannot_take_the_lease_and_strangers_cannot_see_it()
    {
        using var observer = await SignInAsync("observer");
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.PostAsync("lease")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.PostAsync("lease/takeover")).StatusCode);
        using var stranger = Stranger();
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.Http.GetAsync($"/api/robots/{Serial}/lease")).StatusCode);
    }

    private DateTimeOffset? LeaseLastSeen() =>
        App.Services.GetService(typeof(Web.ControlLeases)) is Web.ControlLeases leases ? leases.Current(Serial)?.LastSeen : null;

    private static string? Holder(JsonElement lease) => lease.TryGetProperty("holder", out var h) ? h.GetString() : null;

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }
}
