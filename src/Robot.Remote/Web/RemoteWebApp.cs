using System.Net;
using System.Reflection;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using Robot.Protocol.Extensions;
using Robot.Remote.Client;
using Robot.Remote.Inspection;

namespace Robot.Remote.Web;

/// <summary>
/// The phone web remote: static page, cookie sign-in, JSON commands (role-checked, validated,
/// CSRF-protected, audited) and one WebSocket per page for live telemetry and the joystick.
/// </summary>
public static class RemoteWebApp
{
    public const string OfficerPolicy = "officer";
    public const string MaintainerPolicy = "maintainer";
    public const string CsrfHeader = "X-CSRF-TOKEN";

    public static WebApplication Build(RemoteWebOptions options, TimeProvider time, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Problem() is { } problem) throw new ArgumentException(problem);
        var certificate = options.LoadCertificate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(RemoteWebApp).Assembly.GetName().Name });
        builder.WebHost.UseKestrel(k =>
        {
            // With a certificate the port speaks HTTPS only; without one it is loopback only (Problem()).
            void Tls(Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions listen)
            {
                if (certificate is not null) listen.UseHttps(certificate);
            }
            if (options.ListenAnyAddress) k.ListenAnyIP(options.HttpPort, Tls);
            else k.Listen(IPAddress.Loopback, options.HttpPort, Tls);
        });
        builder.Logging.ClearProviders();
        if (logging is not null) logging(builder.Logging);
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJson.Default));
        // Whoever hosts the remote (robot-remote serve, the simulator's demo) owns Ctrl+C and SIGTERM.
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, QuietLifetime>();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(options.Users);
        builder.Services.AddSingleton(new AuditLog(options.AuditPath));
        builder.Services.AddSingleton<RobotGateway>();
        builder.Services.AddSingleton<ControlLeases>();
        var sessions = new WebSessions(time);
        builder.Services.AddSingleton(sessions);
        // Over HTTPS no cookie is ever sent in clear; over loopback HTTP (the demo) a Secure cookie would never come back.
        var secure = certificate is not null ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(c =>
        {
            c.Cookie.Name = "robot-remote";
            c.Cookie.HttpOnly = true;
            c.Cookie.SameSite = SameSiteMode.Strict;
            c.Cookie.SecurePolicy = secure;
            // The cookie holds only the session id: signing out ends the session on the server.
            c.SessionStore = sessions;
            c.Events.OnValidatePrincipal = WebSessions.ValidateAsync;
            c.ExpireTimeSpan = options.SessionLifetime;
            c.SlidingExpiration = true;
            // An API: answer 401/403, never redirect to a login page.
            c.Events.OnRedirectToLogin = ctx => Status(ctx.Response, StatusCodes.Status401Unauthorized);
            c.Events.OnRedirectToAccessDenied = ctx => Status(ctx.Response, StatusCodes.Status403Forbidden);
            // The live socket needs to know when the session it was opened with ends (renewed or not).
            c.Events.OnCheckSlidingExpiration = SessionExpiry.NoteRenewal;
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(OfficerPolicy, p => p.RequireRole(Roles.Officer, Roles.Maintainer))
            .AddPolicy(MaintainerPolicy, p => p.RequireRole(Roles.Maintainer));
        builder.Services.AddAntiforgery(a =>
        {
            a.HeaderName = CsrfHeader;
            a.Cookie.Name = "robot-remote-csrf";
            a.Cookie.SameSite = SameSiteMode.Strict;
            a.Cookie.SecurePolicy = secure;
        });

        var app = builder.Build();
        if (certificate is not null)
        {
            app.Lifetime.ApplicationStopped.Register(certificate.Dispose);
            // Browsers that saw the remote over HTTPS keep to it (ignored for bare IP addresses, harmless there).
            app.Use((context, next) =>
            {
                context.Response.Headers.StrictTransportSecurity = "max-age=31536000";
                return next(context);
            });
        }
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(10) });
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(RequireCsrfAsync);
        var files = new ManifestlessFiles(typeof(RemoteWebApp).Assembly, time);
        app.MapGet("/", () => Results.Stream(files.GetFileInfo("/index.html").CreateReadStream(), "text/html; charset=utf-8"));
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = ContentTypes(),
            OnPrepareResponse = f => f.Context.Response.Headers.CacheControl = "no-cache",
        });
        MapApi(app);
        return app;
    }

    private static Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new Microsoft.AspNetCore.StaticFiles.FileExtensionContentTypeProvider();
        types.Mappings[".webmanifest"] = "application/manifest+json";
        return types;
    }

    private static Task Status(HttpResponse response, int code)
    {
        response.StatusCode = code;
        return Task.CompletedTask;
    }

    /// <summary>Every state-changing API call (POST/PUT/DELETE, except signing in) carries the antiforgery token.</summary>
    private static async Task RequireCsrfAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && request.Path.StartsWithSegments("/api") && !request.Path.Equals("/api/signin"))
        {
            var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
            if (!await antiforgery.IsRequestValidAsync(context).ConfigureAwait(false))
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await context.Response.WriteAsJsonAsync(new ErrorResponse("missing or stale CSRF token: reload the page"), WebJson.Default.ErrorResponse).ConfigureAwait(false);
                return;
            }
        }
        await next().ConfigureAwait(false);
    }

    private static void MapApi(WebApplication app)
    {
        app.MapPost(WebSessions.SignInPath, async (SignInRequest body, HttpContext context, UserStore users, IAntiforgery antiforgery) =>
        {
            var attempt = users.SignIn(body.User ?? "", body.Password ?? "", context.Connection.RemoteIpAddress);
            switch (attempt.Result)
            {
                case SignInResult.Throttled:
                    var seconds = (long)Math.Ceiling(attempt.RetryAfter.TotalSeconds);
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    return Results.Json(new ErrorResponse($"too many failed sign-ins from this device: try again in {seconds} s"), WebJson.Default.ErrorResponse, statusCode: 429);
                case SignInResult.Unavailable:
                    return Results.Json(new ErrorResponse("sign-in is unavailable: " + attempt.Problem), WebJson.Default.ErrorResponse, statusCode: 503);
                case SignInResult.BadCredentials:
                    return Results.Json(new ErrorResponse("wrong user name or password"), WebJson.Default.ErrorResponse, statusCode: 401);
            }
            var user = attempt.User!;
            // (A signed-in browser's old session has ended already: WebSessions never lets a sign-in request ride it.)
            var principal = WebSessions.NewPrincipal(user);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal).ConfigureAwait(false);
            context.User = principal;
            var tokens = antiforgery.GetAndStoreTokens(context);
            return Results.Json(new MeResponse(user.Name, user.Role, tokens.RequestToken ?? ""), WebJson.Default.MeResponse);
        });

        app.MapGet("/api/me", (HttpContext context, IAntiforgery antiforgery) =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            return Results.Json(new MeResponse(UserName(context.User), RoleOf(context.User), tokens.RequestToken ?? ""), WebJson.Default.MeResponse);
        }).RequireAuthorization();

        app.MapPost("/api/signout", async (HttpContext context, WebSessions sessions) =>
        {
            // The handler removes the ticket from the store too; ending it here does not depend on that.
            sessions.End(context.User);
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
            return Results.NoContent();
        }).RequireAuthorization();

        app.MapGet("/api/robots", async (RobotGateway gateway, CancellationToken ct) =>
        {
            var client = await gateway.ClientAsync(ct).ConfigureAwait(false);
            var robots = await client.ListRobotsAsync(TimeSpan.FromMilliseconds(400), ct).ConfigureAwait(false);
            IReadOnlyList<RobotItem> items = [.. robots.Select(r => new RobotItem(r.SerialNumber, r.Manufacturer, r.ConnectionState?.ToString(), r.SeriesName, r.LastSeen))];
            return Results.Json(items, WebJson.Default.IReadOnlyListRobotItem);
        }).RequireAuthorization();

        // Officers stop, lift and inspect; only maintainers reset the emergency stop.
        app.MapPost("/api/robots/{serial}/estop", (string serial, HttpContext c, CommandBody? body) =>
            CommandAsync(c, serial, CommandNames.EmergencyStop, null)).RequireAuthorization(OfficerPolicy);
        app.MapPost("/api/robots/{serial}/reset-estop", (string serial, HttpContext c) =>
            CommandAsync(c, serial, CommandNames.ResetEmergencyStop, null)).RequireAuthorization(MaintainerPolicy);
        // Lift, inspect, drive, go-to and pause/resume/cancel need the robot's control lease (ControlEndpoints); the e-stop never does.
        app.MapPost("/api/robots/{serial}/lift", (string serial, HttpContext c, CommandBody? body) =>
            CommandAsync(c, serial, CommandNames.LiftTo, body?.HeightM, leased: true)).RequireAuthorization(OfficerPolicy);
        app.MapPost("/api/robots/{serial}/silence-alarm", (string serial, HttpContext c) =>
            CommandAsync(c, serial, CommandNames.SilenceAlarm, null)).RequireAuthorization(OfficerPolicy);
        app.MapPost("/api/robots/{serial}/inspect", InspectAsync).RequireAuthorization(OfficerPolicy);

        app.MapGet("/api/audit", (AuditLog audit) => Results.Json(audit.Newest(500), WebJson.Default.IReadOnlyListAuditEntry))
            .RequireAuthorization(MaintainerPolicy);

        app.Map("/ws/{serial}", LiveSocket.HandleAsync).RequireAuthorization();
        ControlEndpoints.Map(app);
        ReportEndpoints.Map(app);
    }

    internal static string UserName(ClaimsPrincipal user) => user.Identity?.Name ?? "?";
    internal static string RoleOf(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Role) ?? "?";

    internal static string? SerialProblem(string serial) =>
        serial.Length is > 0 and <= 64 && serial.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')
            ? null : "the robot's serial number must be 1 to 64 letters, digits, '_', '.' or '-'";

    private static async Task<IResult> CommandAsync(HttpContext context, string serial, string command, double? heightM, bool leased = false)
    {
        var options = context.RequestServices.GetRequiredService<RemoteWebOptions>();
        var detail = heightM is { } h ? $"heightM={h:0.###}" : null;
        var problem = SerialProblem(serial);
        if (problem is null && command == CommandNames.LiftTo)
        {
            problem = heightM is not { } height || !double.IsFinite(height) || height < 0 || height > options.MaxLiftHeightM
                ? $"the lift height must be between 0 and {options.MaxLiftHeightM:0.##} m" : null;
        }
        if (problem is not null) return Rejected(context, serial, command, detail, problem);
        if (leased && ControlEndpoints.LeaseRefusal(context, serial, command, detail) is { } refusal) return refusal;
        return await SendAsync(context, serial, command, detail, async (client, ct) =>
        {
            var request = client.NewCommand(command, heightM) with { OperatorId = "web:" + UserName(context.User) };
            var response = await client.SendCommandAsync(serial, request, ct).ConfigureAwait(false);
            return new CommandResult(response.Accepted, response.Code, response.Message);
        }).ConfigureAwait(false);
    }

    private static async Task<IResult> InspectAsync(string serial, InspectBody body, HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<RemoteWebOptions>();
        var number = body.ContainerNumber ?? "";
        var detail = $"{number} {body.ContainerType} at ({body.X}, {body.Y}, {body.Theta})";
        var problem = SerialProblem(serial)
            ?? Iso6346.Problem(number)
            ?? (ContainerTypes.All.Contains(body.ContainerType ?? "") ? null : $"the container type must be one of {string.Join(", ", ContainerTypes.All)}")
            ?? (body.X is { } x && body.Y is { } y && double.IsFinite(x) && double.IsFinite(y) && options.Yard.Contains(x, y)
                ? null
                : $"the container position ({body.X}, {body.Y}) is outside the yard (x {options.Yard.MinX}..{options.Yard.MaxX} m, y {options.Yard.MinY}..{options.Yard.MaxY} m)")
            ?? (body.Theta is null or (>= -7 and <= 7) ? null : "theta must be an angle in radians between -2π and 2π");
        if (problem is not null) return Rejected(context, serial, "inspect", detail, problem);
        if (ControlEndpoints.LeaseRefusal(context, serial, "inspect", detail) is { } refusal) return refusal;
        var request = new InspectionRequest
        {
            ContainerNumber = Iso6346.Normalize(number),
            ContainerType = body.ContainerType!,
            X = body.X!.Value,
            Y = body.Y!.Value,
            Theta = body.Theta ?? 0,
            // The report names the officer who started it, as every other web command does.
            OperatorId = "web:" + UserName(context.User),
        };
        return await SendAsync(context, serial, "inspect", detail, async (client, ct) =>
        {
            await foreach (var update in client.InspectAsync(serial, request, follow: false, ct).ConfigureAwait(false))
            {
                if (update is InspectionSent sent) return new CommandResult(true, "ok", $"inspection order {sent.Inspection.OrderId} sent for {sent.Inspection.ContainerNumber}");
            }
            return new CommandResult(false, "noAnswer", "the inspection order was not sent");
        }).ConfigureAwait(false);
    }

    internal static IResult Rejected(HttpContext context, string serial, string command, string? detail, string problem)
    {
        Audit(context, serial, command, detail, "rejected", problem);
        return Results.Json(new ErrorResponse(problem), WebJson.Default.ErrorResponse, statusCode: StatusCodes.Status400BadRequest);
    }

    internal static async Task<IResult> SendAsync(HttpContext context, string serial, string command, string? detail,
        Func<RobotClient, CancellationToken, Task<CommandResult>> send)
    {
        try
        {
            var client = await context.RequestServices.GetRequiredService<RobotGateway>().ClientAsync(context.RequestAborted).ConfigureAwait(false);
            var result = await send(client, context.RequestAborted).ConfigureAwait(false);
            Audit(context, serial, command, detail, result.Accepted ? "accepted" : "refused", result.Message);
            return result.Accepted
                ? Results.Json(result, WebJson.Default.CommandResult)
                : Results.Json(result, WebJson.Default.CommandResult, statusCode: StatusCodes.Status409Conflict);
        }
        catch (RobotClientException ex)
        {
            Audit(context, serial, command, detail, "failed", ex.Message);
            return Results.Json(new ErrorResponse(ex.Message), WebJson.Default.ErrorResponse, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    internal static void Audit(HttpContext context, string serial, string command, string? detail, string result, string? message)
    {
        var time = context.RequestServices.GetRequiredService<TimeProvider>();
        context.RequestServices.GetRequiredService<AuditLog>().Add(new AuditEntry
        {
            At = time.GetUtcNow(),
            User = UserName(context.User),
            Role = RoleOf(context.User),
            Robot = serial,
            Command = command,
            Detail = detail,
            Result = result,
            Message = message,
        });
    }

    private sealed class QuietLifetime : Microsoft.Extensions.Hosting.IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>The embedded page (resources named wwwroot/...), served without a build-time manifest.</summary>
    private sealed class ManifestlessFiles(Assembly assembly, TimeProvider time) : IFileProvider
    {
        private readonly EmbeddedFileProvider _inner = new(assembly);
        // Last-modified of the embedded page: the moment the server started serving it, on the app's clock.
        private readonly DateTimeOffset _built = time.GetUtcNow();

        public IFileInfo GetFileInfo(string subpath)
        {
            var name = "wwwroot" + (subpath.StartsWith('/') ? subpath : "/" + subpath);
            using var stream = assembly.GetManifestResourceStream(name);
            if (stream is null) return new NotFoundFileInfo(subpath);
            return new ResourceFile(assembly, name, Path.GetFileName(subpath), stream.Length, _built);
        }

        public IDirectoryContents GetDirectoryContents(string subpath) => _inner.GetDirectoryContents(subpath);
        public Microsoft.Extensions.Primitives.IChangeToken Watch(string filter) => _inner.Watch(filter);

        private sealed class ResourceFile(Assembly assembly, string resource, string name, long length, DateTimeOffset modified) : IFileInfo
        {
            public bool Exists => true;
            public long Length => length;
            public string? PhysicalPath => null;
            public string Name => name;
            public DateTimeOffset LastModified => modified;
            public bool IsDirectory => false;
            public Stream CreateReadStream() => assembly.GetManifestResourceStream(resource)!;
        }
    }
}
