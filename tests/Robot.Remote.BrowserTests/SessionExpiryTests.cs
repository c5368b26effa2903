using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Robot.Remote.Web;
using Robot.Simulator.Demo;
using static Robot.Remote.BrowserTests.Phones;

namespace Robot.Remote.BrowserTests;

/// <summary>
/// A session that really expires: the web remote runs on a virtual clock, the officer signs in,
/// the clock moves past the session lifetime; the server closes the page's live socket (4401), the
/// page sends the officer back to sign in (letting go of the joystick), and a command from it is
/// refused by the server (401) before it reaches the robot.
/// </summary>
public sealed class SessionExpiryTests(SessionFixture session) : IClassFixture<SessionFixture>
{
    [Fact]
    public void The_session_cookie_is_timed_on_the_web_remotes_clock()
    {
        var cookies = session.Demo.Web!.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>()
            .Get(CookieAuthenticationDefaults.AuthenticationScheme);
        Assert.Same(session.WebClock.Time, cookies.TimeProvider);
    }

    [Fact]
    public async Task When_the_session_ends_the_watching_page_is_told_at_once_and_a_command_from_it_is_refused_before_the_robot()
    {
        var lifetime = session.Demo.Web!.Services.GetRequiredService<RemoteWebOptions>().SessionLifetime;
        var odometer = session.Robot.World.Odometer;
        var page = await session.PhoneAsync();
        await page.Context.AddInitScriptAsync(SocketCloses);
        await Phones.SignInAsync(page, session.Demo.Accounts, "officer");
        await Phones.OpenRobotAsync(page, SessionFixture.Serial);
        var hot = DemoYard.Layout.Single(c => c.Number == DemoYard.Hot40);
        await page.Locator("button[data-tab='inspect']").TapAsync();
        await page.Locator("#container").FillAsync(hot.Number);
        await page.Locator("#ctype").SelectOptionAsync(hot.Type);
        await page.Locator("#cx").FillAsync("14");
        await page.Locator("#cy").FillAsync("-6");

        // A third of the lifetime on (before the sliding renewal at half): the session still works.
        // (The robot list, not a command: the remote stamps commands with its clock, now hours ahead of the robot's.)
        session.WebClock.Time.Advance(lifetime / 3);
        await page.Locator("#back").TapAsync();
        await Phones.OpenRobotAsync(page, SessionFixture.Serial);
        await page.Locator("button[data-tab='inspect']").TapAsync();
        await Expect(page.Locator("#container")).ToHaveValueAsync(hot.Number);

        // Past the lifetime since sign-in, with the officer only watching: the server closes the live
        // socket (4401) and the page, told so, asks to sign in again without waiting for a command.
        session.WebClock.Time.Advance(lifetime - lifetime / 3 + TimeSpan.FromMinutes(1));
        await Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("Session expired: sign in again");
        await Expect(page.Locator("#estop")).ToBeHiddenAsync();
        Assert.Contains(4401, await page.EvaluateAsync<int[]>("window.socketCloses"));
        await Phones.ShotAsync(page, "session-expired");

        // A command from that browser (its cookie and CSRF token) is refused: 401, before the robot.
        var status = await page.EvaluateAsync<int>($$"""
            async () => (await fetch('/api/robots/{{SessionFixture.Serial}}/inspect', { method: 'POST', credentials: 'same-origin',
              headers: { 'Content-Type': 'application/json', 'X-CSRF-TOKEN': csrf },
              body: JSON.stringify({ containerNumber: '{{hot.Number}}', containerType: '{{hot.Type}}', x: 14, y: -6, theta: 0 }) })).status
            """);
        Assert.Equal(401, status);

        // Nothing was executed: the audit (read by a maintainer signed in now) has no inspection, and the robot stands idle where it was.
        var maintainer = await session.PhoneAsync();
        await Phones.SignInAsync(maintainer, session.Demo.Accounts, "maintainer");
        using var audit = JsonDocument.Parse(await maintainer.EvaluateAsync<string>("async () => JSON.stringify(await (await fetch('/api/audit')).json())"));
        Assert.DoesNotContain(audit.RootElement.EnumerateArray(), e => e.GetProperty("command").GetString() == "inspect");
        Assert.False(session.Robot.Controller.HasActiveOrder, "the robot has an order");
        Assert.Equal("Idle", session.Robot.Controller.Procedure.State.ToString());
        Assert.Equal(odometer, session.Robot.World.Odometer, 6);

        // Signing in again works, on the same page.
        await Phones.SignInAsync(page, session.Demo.Accounts, "officer", navigate: false);
        await maintainer.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task When_the_session_ends_while_the_officer_holds_the_joystick_the_page_lets_go_and_asks_to_sign_in()
    {
        var lifetime = session.Demo.Web!.Services.GetRequiredService<RemoteWebOptions>().SessionLifetime;
        var page = await session.PhoneAsync();
        await page.Context.AddInitScriptAsync(SocketCloses);
        await Phones.SignInAsync(page, session.Demo.Accounts, "officer");
        await Phones.OpenRobotAsync(page, SessionFixture.Serial);
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await TouchJoystickAsync(cdp, page, "touchStart", dy: -50);
        await Expect(page.Locator("#joystick.active")).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("joyTimer !== null"), "the page is not streaming the joystick");

        session.WebClock.Time.Advance(lifetime + TimeSpan.FromMinutes(1));
        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("Session expired: sign in again");
        Assert.Contains(4401, await page.EvaluateAsync<int[]>("window.socketCloses"));
        // The finger is still down, but the page has stopped streaming and let the knob go.
        Assert.True(await page.EvaluateAsync<bool>("joy === null && joyTimer === null"), "the page still streams the joystick");
        await Expect(page.Locator("#joystick.active")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    // The close codes of the page's live sockets, as the page sees them.
    private const string SocketCloses = """
        window.socketCloses = [];
        const Real = window.WebSocket;
        window.WebSocket = function (...args) { const s = new Real(...args); s.addEventListener('close', e => window.socketCloses.push(e.code)); return s; };
        window.WebSocket.prototype = Real.prototype;
        """;
}
