using System.Text.Json;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Playwright;
using Robot.Remote.Web;
using Robot.Simulator.Demo;

namespace Robot.Remote.BrowserTests;

/// <summary>
/// A session that really expires: the web remote runs on a virtual clock, the officer signs in,
/// the clock moves past the session lifetime, and the next command from the page is refused by the
/// server (401) before it reaches the robot; the page sends the officer back to sign in.
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
    public async Task A_command_after_the_session_lifetime_is_refused_nothing_reaches_the_robot_and_the_page_asks_to_sign_in_again()
    {
        var lifetime = session.Demo.Web!.Services.GetRequiredService<RemoteWebOptions>().SessionLifetime;
        var page = await session.PhoneAsync();
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

        // Past the lifetime since sign-in: the officer starts the inspection from the page.
        session.WebClock.Time.Advance(lifetime - lifetime / 3 + TimeSpan.FromMinutes(1));
        await page.Locator("button[data-tab='inspect']").TapAsync();
        await Expect(page.Locator("#container")).ToHaveValueAsync(hot.Number);
        var answer = page.WaitForResponseAsync(r => r.Url.EndsWith("/inspect", StringComparison.Ordinal));
        await page.Locator("#start-inspection").TapAsync();
        Assert.Equal(401, (await answer).Status);
        await Expect(page.Locator("#signin")).ToBeVisibleAsync();
        await Expect(page.Locator("#signin-error")).ToHaveTextAsync("Session expired: sign in again");
        await Expect(page.Locator("#estop")).ToBeHiddenAsync();
        await Phones.ShotAsync(page, "session-expired");

        // Nothing was executed: the audit (read by a maintainer signed in now) has no inspection, and the robot stands idle where it started.
        var maintainer = await session.PhoneAsync();
        await Phones.SignInAsync(maintainer, session.Demo.Accounts, "maintainer");
        using var audit = JsonDocument.Parse(await maintainer.EvaluateAsync<string>("async () => JSON.stringify(await (await fetch('/api/audit')).json())"));
        Assert.DoesNotContain(audit.RootElement.EnumerateArray(), e => e.GetProperty("command").GetString() == "inspect");
        Assert.False(session.Robot.Controller.HasActiveOrder, "the robot has an order");
        Assert.Equal("Idle", session.Robot.Controller.Procedure.State.ToString());
        Assert.Equal(0, session.Robot.World.Odometer, 6);

        // Signing in again works, on the same page.
        await page.Locator("#user").FillAsync("officer");
        await page.Locator("#password").FillAsync(session.Demo.Accounts["officer"]);
        await page.Locator("#signin button[type=submit]").TapAsync();
        await Expect(page.Locator("#robots")).ToBeVisibleAsync();
        await maintainer.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
