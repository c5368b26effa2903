using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Robot.Remote.Web;

/// <summary>
/// Server-side sessions: the cookie carries only a session id, the ticket stays here. Signing out
/// removes it, so a copy of the old cookie is refused afterwards; a session also ends when its
/// account is removed or its password or role changes (the ticket holds a stamp of both, checked
/// on every request and by the live socket). Kept in memory: a restart ends every session.
/// </summary>
internal sealed class WebSessions(TimeProvider time) : ITicketStore
{
    public const string SessionIdClaim = "robot-remote:sid";
    public const string StampClaim = "robot-remote:stamp";
    public const string SignInPath = "/api/signin";

    private readonly ConcurrentDictionary<string, AuthenticationTicket> _tickets = new(StringComparer.Ordinal);

    public int Count => _tickets.Count;

    /// <summary>The claims of a new session of <paramref name="user"/>, with a fresh random id.</summary>
    public static ClaimsPrincipal NewPrincipal(WebUser user) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, user.Name),
            new Claim(ClaimTypes.Role, user.Role),
            new Claim(SessionIdClaim, Base64Url(RandomNumberGenerator.GetBytes(32))),
            new Claim(StampClaim, Convert.ToBase64String(UserStore.Stamp(user))),
        ], CookieAuthenticationDefaults.AuthenticationScheme));

    public static string? IdOf(ClaimsPrincipal principal) => principal.FindFirstValue(SessionIdClaim);

    /// <summary>True while the session of <paramref name="principal"/> is on the server, unexpired, and its account unchanged.</summary>
    public bool IsAlive(ClaimsPrincipal principal, UserStore users) =>
        IdOf(principal) is { } id && _tickets.TryGetValue(id, out var ticket) && !Expired(ticket) && AccountUnchanged(principal, users);

    /// <summary>The account still exists with the password and role the session was issued under.</summary>
    public static bool AccountUnchanged(ClaimsPrincipal principal, UserStore users)
    {
        if (principal.Identity?.Name is not { } name || users.Find(name) is not { } user) return false;
        if (principal.FindFirstValue(StampClaim) is not { } stamp) return false;
        var issued = new byte[32];
        return Convert.TryFromBase64String(stamp, issued, out var length) && length == issued.Length
               && CryptographicOperations.FixedTimeEquals(issued, UserStore.Stamp(user));
    }

    /// <summary>The cookie handler's check on every request: a session whose account changed is ended.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<UserStore>();
        if (context.Principal is null || !AccountUnchanged(context.Principal, users))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        }
    }

    /// <summary>End the session of <paramref name="principal"/> (if any) on the server.</summary>
    public void End(ClaimsPrincipal principal)
    {
        if (IdOf(principal) is { } id) _tickets.TryRemove(id, out _);
    }

    public Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        Sweep();
        var id = IdOf(ticket.Principal) ?? throw new InvalidOperationException("a web session without a session id");
        _tickets[id] = ticket;
        return Task.FromResult(id);
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        // Only a session still on the server is renewed: a sign-out racing a sliding renewal stays signed out.
        if (_tickets.TryGetValue(key, out var old)) _tickets.TryUpdate(key, ticket, old);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A sign-in never rides the browser's current session: that session ends here, so the handler
    /// stores the new one under a new id (it would otherwise renew the old id with the new ticket).
    /// </summary>
    public Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        if (httpContext.Request.Path.Equals(SignInPath))
        {
            _tickets.TryRemove(key, out _);
            return Task.FromResult<AuthenticationTicket?>(null);
        }
        return RetrieveAsync(key);
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (!_tickets.TryGetValue(key, out var ticket)) return Task.FromResult<AuthenticationTicket?>(null);
        if (Expired(ticket))
        {
            _tickets.TryRemove(key, out _);
            return Task.FromResult<AuthenticationTicket?>(null);
        }
        return Task.FromResult<AuthenticationTicket?>(ticket);
    }

    public Task RemoveAsync(string key)
    {
        _tickets.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    private bool Expired(AuthenticationTicket ticket) => ticket.Properties.ExpiresUtc is { } end && end <= time.GetUtcNow();

    private void Sweep()
    {
        foreach (var (key, ticket) in _tickets)
        {
            if (Expired(ticket)) _tickets.TryRemove(key, out _);
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
