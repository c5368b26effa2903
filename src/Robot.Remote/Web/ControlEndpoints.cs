using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Robot.Remote.Motion;
using static Robot.Remote.Web.RemoteWebApp;

namespace Robot.Remote.Web;

/// <summary>
/// The control lease (take, release, maintainer takeover), the yard map, go-to-point and
/// pause / resume / cancel. Every control command is role-checked (policy), validated (400, nothing
/// sent), lease-checked (409, nothing sent) and audited.
/// </summary>
internal static class ControlEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/yard", (RemoteWebOptions options) =>
            Results.Json(new YardView(options.Yard, options.Containers), WebJson.Default.YardView)).RequireAuthorization();

        app.MapGet("/api/robots/{serial}/lease", (string serial, HttpContext context) =>
            SerialProblem(serial) is { } problem ? Bad(problem) : Results.Json(View(context, serial), WebJson.Default.LeaseView)).RequireAuthorization();
        app.MapPost("/api/robots/{serial}/lease", TakeLease).RequireAuthorization(OfficerPolicy);
        app.MapPost("/api/robots/{serial}/lease/release", ReleaseLease).RequireAuthorization(OfficerPolicy);
        app.MapPost("/api/robots/{serial}/lease/takeover", TakeOverLease).RequireAuthorization(MaintainerPolicy);

        app.MapPost("/api/robots/{serial}/goto", GoToAsync).RequireAuthorization(OfficerPolicy);
        app.MapPost("/api/robots/{serial}/pause", (string serial, HttpContext c) => OrderControlAsync(c, serial, MotionOrders.StartPause)).RequireAuthorization(OfficerPolicy);
        app.MapPost("/api/robots/{serial}/resume", (string serial, HttpContext c) => OrderControlAsync(c, serial, MotionOrders.StopPause)).RequireAuthorization(OfficerPolicy);
        app.MapPost("/api/robots/{serial}/cancel", (string serial, HttpContext c) => OrderControlAsync(c, serial, MotionOrders.CancelOrder)).RequireAuthorization(OfficerPolicy);
    }

    /// <summary>
    /// Null when the caller may give a control command now: they hold the lease, or it was free and
    /// they have just taken it (audited). Otherwise the 409 that names the holder, audited as a conflict.
    /// </summary>
    internal static IResult? LeaseRefusal(HttpContext context, string serial, string command, string? detail)
    {
        var leases = context.RequestServices.GetRequiredService<ControlLeases>();
        var user = UserName(context.User);
        var (outcome, lease) = leases.Acquire(serial, user, RoleOf(context.User));
        switch (outcome)
        {
            case LeaseOutcome.Taken:
                Audit(context, serial, "takeLease", $"with {command}", "accepted", $"{user} now controls {serial}");
                return null;
            case LeaseOutcome.AlreadyHeld:
                return null;
            default:
                var message = leases.HeldMessage(lease);
                Audit(context, serial, command, detail, "conflict", message);
                return Conflict(context, serial, message);
        }
    }

    private static IResult TakeLease(string serial, HttpContext context)
    {
        if (SerialProblem(serial) is { } problem) return Rejected(context, serial, "takeLease", null, problem);
        var leases = context.RequestServices.GetRequiredService<ControlLeases>();
        var user = UserName(context.User);
        var (outcome, lease) = leases.Acquire(serial, user, RoleOf(context.User));
        if (outcome == LeaseOutcome.HeldByOther)
        {
            var message = leases.HeldMessage(lease);
            Audit(context, serial, "takeLease", null, "conflict", message);
            return Conflict(context, serial, message);
        }
        if (outcome == LeaseOutcome.Taken) Audit(context, serial, "takeLease", null, "accepted", $"{user} now controls {serial}");
        return Results.Json(View(context, serial), WebJson.Default.LeaseView);
    }

    private static IResult ReleaseLease(string serial, HttpContext context)
    {
        if (SerialProblem(serial) is { } problem) return Rejected(context, serial, "releaseLease", null, problem);
        var leases = context.RequestServices.GetRequiredService<ControlLeases>();
        var user = UserName(context.User);
        if (!leases.Release(serial, user))
        {
            var message = leases.Current(serial) is { } held ? $"you do not hold the lease: {leases.HeldMessage(held)}" : $"robot {serial}'s lease is free: there is nothing to release";
            Audit(context, serial, "releaseLease", null, "conflict", message);
            return Conflict(context, serial, message);
        }
        Audit(context, serial, "releaseLease", null, "accepted", $"{user} released {serial}");
        return Results.Json(View(context, serial), WebJson.Default.LeaseView);
    }

    private static IResult TakeOverLease(string serial, HttpContext context)
    {
        if (SerialProblem(serial) is { } problem) return Rejected(context, serial, "takeOverLease", null, problem);
        var leases = context.RequestServices.GetRequiredService<ControlLeases>();
        var user = UserName(context.User);
        var (_, previous) = leases.TakeOver(serial, user, RoleOf(context.User));
        Audit(context, serial, "takeOverLease", previous is null ? null : $"from {previous.User}", "accepted",
            previous is null ? $"{user} now controls {serial} (the lease was free)" : $"{user} took over {serial} from {previous.User} ({leases.HeldMessage(previous)})");
        return Results.Json(View(context, serial), WebJson.Default.LeaseView);
    }

    private static async Task<IResult> GoToAsync(string serial, GoToBody body, HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<RemoteWebOptions>();
        var detail = $"({body.X}, {body.Y})" + (body.Theta is { } t ? $" theta {t}" : "");
        var problem = SerialProblem(serial) ?? PointProblem(options, body);
        if (problem is not null) return Rejected(context, serial, "goto", detail, problem);
        if (LeaseRefusal(context, serial, "goto", detail) is { } refusal) return refusal;
        var (x, y) = (body.X!.Value, body.Y!.Value);
        return await SendAsync(context, serial, "goto", detail, async (client, ct) =>
        {
            var yard = new YardLayout(options.Yard, options.Containers);
            var outcome = await client.GoToAsync(serial, x, y, body.Theta, ct, (from, to) => YardPlanner.Plan(yard, from, to)).ConfigureAwait(false);
            return new CommandResult(outcome.Accepted, outcome.Accepted ? "ok" : "refused", outcome.Message);
        }).ConfigureAwait(false);
    }

    /// <summary>Null when (x, y) is a point the robot may be sent to: inside the yard and clear of every container.</summary>
    internal static string? PointProblem(RemoteWebOptions options, GoToBody body)
    {
        if (body.X is not { } x || body.Y is not { } y || !double.IsFinite(x) || !double.IsFinite(y))
            return "the point needs finite x and y in metres";
        if (!options.Yard.Contains(x, y))
            return $"the point ({x:0.##}, {y:0.##}) is outside the yard ({options.Yard.Describe()})";
        if (body.Theta is { } theta && !(double.IsFinite(theta) && Math.Abs(theta) <= 2 * Math.PI))
            return "theta must be an angle in radians between -2π and 2π";
        var blocking = options.Containers.FirstOrDefault(c => c.Covers(x, y, YardLayout.ContainerClearanceM));
        return blocking is null ? null
            : $"the point ({x:0.##}, {y:0.##}) is on container {blocking.Number}: pick a point at least {YardLayout.ContainerClearanceM:0.#} m from its walls";
    }

    private static async Task<IResult> OrderControlAsync(HttpContext context, string serial, string actionType)
    {
        if (SerialProblem(serial) is { } problem) return Rejected(context, serial, actionType, null, problem);
        if (LeaseRefusal(context, serial, actionType, null) is { } refusal) return refusal;
        return await SendAsync(context, serial, actionType, null, async (client, ct) =>
        {
            var outcome = await client.InstantActionAsync(serial, actionType, ct).ConfigureAwait(false);
            return new CommandResult(outcome.Accepted, outcome.Accepted ? "ok" : "refused", outcome.Message);
        }).ConfigureAwait(false);
    }

    private static LeaseView View(HttpContext context, string serial)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<RemoteWebOptions>();
        return LeaseView.Of(serial, services.GetRequiredService<ControlLeases>().Current(serial), UserName(context.User), options.LeaseQuiet);
    }

    private static IResult Conflict(HttpContext context, string serial, string message) =>
        Results.Json(new LeaseConflict(message, View(context, serial)), WebJson.Default.LeaseConflict, statusCode: StatusCodes.Status409Conflict);

    private static IResult Bad(string problem) =>
        Results.Json(new ErrorResponse(problem), WebJson.Default.ErrorResponse, statusCode: StatusCodes.Status400BadRequest);
}
