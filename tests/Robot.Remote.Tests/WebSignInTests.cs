using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Robot.Remote.Tests.Support;
using Robot.Remote.Web;

namespace Robot.Remote.Tests;

/// <summary>
/// Sessions live on the server (signing out ends them; so does removing the account or changing its
/// password), and failed sign-ins slow down the address they come from, not the account.
/// </summary>
public sealed class WebSignInTests : WebRemoteTestBase
{
    private UserStore Users => App.Services.GetRequiredService<UserStore>();

    [Fact]
    public async Task A_cookie_replayed_after_signing_out_is_refused()
    {
        using var a = await SignInAsync("officerA");
        // Someone copied the cookie (a shared phone, a proxy log) before the officer signed out.
        using var copy = Stranger();
        copy.Cookies.Add(a.Cookies.GetAllCookies());
        Assert.Equal(HttpStatusCode.OK, (await copy.Http.GetAsync("/api/me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await a.Http.PostAsync("/api/signout", null)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.Http.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.Http.GetAsync("/api/robots")).StatusCode);
        Assert.Equal(0, App.Services.GetRequiredService<WebSessions>().Count);
    }

    [Fact]
    public async Task Signing_in_again_ends_the_browsers_previous_session()
    {
        using var a = await SignInAsync("officerA");
        using var copy = Stranger();
        copy.Cookies.Add(a.Cookies.GetAllCookies());
        var again = await a.Http.PostAsJsonAsync("/api/signin", new { user = "officerA", password = Accounts["officerA"].Password });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await copy.Http.GetAsync("/api/me")).StatusCode);
        Assert.Equal(1, App.Services.GetRequiredService<WebSessions>().Count);
    }

    [Fact]
    public async Task Signing_out_closes_the_pages_live_socket()
    {
        using var a = await SignInAsync("officerA");
        await using var socket = await a.OpenSocketAsync();
        await socket.NextAsync("lease");
        Assert.Equal(HttpStatusCode.NoContent, (await a.Http.PostAsync("/api/signout", null)).StatusCode);
        Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(LiveSocket.SessionExpiredStatus, (await socket.ClosedAsync()).Status);
    }

    [Fact]
    public async Task Removing_an_account_ends_its_sessions_and_its_live_socket()
    {
        using var a = await SignInAsync("officerA");
        await using var socket = await a.OpenSocketAsync();
        await socket.NextAsync("lease");
        Users.Remove("officerA");
        Assert.Equal(HttpStatusCode.Unauthorized, (await a.Http.GetAsync("/api/me")).StatusCode);
        Time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(LiveSocket.SessionExpiredStatus, (await socket.ClosedAsync()).Status);
    }

    [Fact]
    public async Task Changing_a_password_ends_the_accounts_sessions_but_not_others()
    {
        using var a = await SignInAsync("officerA");
        using var b = await SignInAsync("officerB");
        Users.SetPassword("officerA", "a-brand-new-password");
        Assert.Equal(HttpStatusCode.Unauthorized, (await a.Http.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await b.Http.GetAsync("/api/me")).StatusCode);
        using var again = Stranger();
        Assert.Equal(HttpStatusCode.OK, (await again.Http.PostAsJsonAsync("/api/signin", new { user = "officerA", password = "a-brand-new-password" })).StatusCode);
    }

    [Fact]
    public async Task Wrong_passwords_from_one_device_slow_that_device_and_never_lock_the_officer_out_of_another()
    {
        using var attacker = Stranger(from: "127.0.0.2");
        for (var i = 1; i < UserStore.MaxFailures; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await SignInAsync(attacker, "officerA", "guess-" + i)).StatusCode);
        var throttled = await SignInAsync(attacker, "officerA", "guess-5");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(UserStore.FirstDelay, throttled.Headers.RetryAfter?.Delta);
        Assert.Contains("try again in 30 s", await throttled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Meanwhile that address is refused without a check, even with the right password...
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(attacker, "officerA", Accounts["officerA"].Password)).StatusCode);

        // ...while the officer on their own phone signs in as ever, six failures or sixty.
        using var officer = await SignInAsync("officerA", from: "127.0.0.3");
        Assert.Equal(HttpStatusCode.OK, (await officer.Http.GetAsync("/api/me")).StatusCode);

        // The next failure after the wait doubles it.
        Time.Advance(UserStore.FirstDelay);
        var again = await SignInAsync(attacker, "officerA", "guess-6");
        Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
        Assert.Equal(UserStore.FirstDelay * 2, again.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task A_throttled_device_that_waits_signs_in_with_the_right_password()
    {
        using var phone = Stranger(from: "127.0.0.2");
        for (var i = 1; i <= UserStore.MaxFailures; i++) await SignInAsync(phone, "officerB", "typo-" + i);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(phone, "officerB", Accounts["officerB"].Password)).StatusCode);
        Time.Advance(UserStore.FirstDelay);
        Assert.Equal(HttpStatusCode.OK, (await SignInAsync(phone, "officerB", Accounts["officerB"].Password)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_name_is_throttled_like_a_known_one()
    {
        using var phone = Stranger(from: "127.0.0.2");
        for (var i = 1; i < UserStore.MaxFailures; i++)
        {
            var response = await SignInAsync(phone, "nobody-", "guess-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Contains("wrong user name or password", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInAsync(phone, "nobody-", "guess-5")).StatusCode);
    }

    private static Task<HttpResponseMessage> SignInAsync(Phone phone, string user, string password) =>
        phone.Http.PostAsJsonAsync("/api/signin", new { user, password });
}
