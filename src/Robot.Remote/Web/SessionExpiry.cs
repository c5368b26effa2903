using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace Robot.Remote.Web;

/// <summary>
/// When the cookie session of a request ends. A WebSocket outlives the request that opened it, and
/// the cookie handler never sees it again, so the live socket takes this moment at the upgrade and
/// checks it itself (<see cref="LiveSocket"/>). With sliding expiration the upgrade request may have
/// renewed the cookie (more than half its lifetime gone): the browser then holds a new cookie, and
/// the socket lives as long as that one.
/// </summary>
internal static class SessionExpiry
{
    private const string RenewedKey = "robot-remote:session-renewed";

    /// <summary>The cookie handler's sliding-expiration decision, noted for <see cref="OfRequestAsync"/>.</summary>
    public static Task NoteRenewal(CookieSlidingExpirationContext context)
    {
        if (context.ShouldRenew) context.HttpContext.Items[RenewedKey] = true;
        return Task.CompletedTask;
    }

    /// <summary>The end of the signed-in session that made this request, on the app's clock; null when it is not signed in.</summary>
    public static async Task<DateTimeOffset?> OfRequestAsync(HttpContext context, TimeProvider time)
    {
        var auth = await context.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        if (!auth.Succeeded || auth.Properties?.ExpiresUtc is not { } expires) return null;
        if (context.Items.ContainsKey(RenewedKey) && auth.Properties.IssuedUtc is { } issued)
        {
            // The handler re-issues the ticket now with the same lifetime (CookieAuthenticationHandler.RequestRefresh).
            return time.GetUtcNow() + (expires - issued);
        }
        return expires;
    }
}
