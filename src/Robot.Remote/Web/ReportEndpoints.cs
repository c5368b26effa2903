using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Remote.Client;
using Robot.Remote.Inspection;
using static Robot.Remote.Web.RemoteWebApp;

namespace Robot.Remote.Web;

/// <summary>
/// Report downloads: /api/robots/{serial}/reports/{id}.csv (one row per point) and .json (the report
/// exactly as the robot signed it: the protocol codec's JSON, whose hash anyone can check). Evidence
/// leaving the system: officers and maintainers only (observers 403), audited.
/// </summary>
internal static class ReportEndpoints
{
    public const string HashCheckHeader = "X-Report-Hash-Check";

    public static void Map(WebApplication app)
    {
        // The list and the report for the page: any signed-in role may read them.
        app.MapGet("/api/robots/{serial}/reports", (string serial, HttpContext c) =>
            ReadAsync(c, serial, null, async (client, ct) => ProtocolCodec.EncodeToString(await client.ListReportsAsync(serial, 50, ct).ConfigureAwait(false))))
            .RequireAuthorization();
        // The inspection in progress so far, for a map opened mid-survey: any signed-in role.
        app.MapGet("/api/robots/{serial}/survey", (string serial, HttpContext c) =>
            ReadAsync(c, serial, null, async (client, ct) => ProtocolCodec.EncodeToString(await client.SurveyProgressAsync(serial, ct).ConfigureAwait(false))))
            .RequireAuthorization();
        // The report as the robot filed it, and whether its hash checks out (the page shows the result).
        app.MapGet("/api/robots/{serial}/reports/{id}", (string serial, string id, HttpContext c) =>
            ReadAsync(c, serial, id, async (client, ct) =>
            {
                var report = await client.GetReportAsync(serial, id, ct).ConfigureAwait(false);
                c.Response.Headers[HashCheckHeader] = ReportSeal.Problem(report) is null ? "ok" : "mismatch";
                return ProtocolCodec.EncodeToString(report);
            }))
            .RequireAuthorization();
        app.MapGet("/api/robots/{serial}/reports/{id}.csv", (string serial, string id, HttpContext c) => ExportAsync(c, serial, id, "csv"))
            .RequireAuthorization(OfficerPolicy);
        app.MapGet("/api/robots/{serial}/reports/{id}.json", (string serial, string id, HttpContext c) => ExportAsync(c, serial, id, "json"))
            .RequireAuthorization(OfficerPolicy);
    }

    private static async Task<IResult> ExportAsync(HttpContext context, string serial, string id, string format)
    {
        var file = $"{id}.{format}";
        var problem = SerialProblem(serial) ?? ReportIdProblem(id);
        if (problem is not null) return Rejected(context, serial, "exportReport", file, problem);
        InspectionReport report;
        try
        {
            var client = await context.RequestServices.GetRequiredService<RobotGateway>().ClientAsync(context.RequestAborted).ConfigureAwait(false);
            report = await client.GetReportAsync(serial, id, context.RequestAborted).ConfigureAwait(false);
        }
        catch (RobotClientException ex)
        {
            var notFound = ex.Failure == RobotClientFailure.Refused && ex.Response?.Code == "notFound";
            Audit(context, serial, "exportReport", file, notFound ? "refused" : "failed", ex.Message);
            return Results.Json(new ErrorResponse(ex.Message), WebJson.Default.ErrorResponse,
                statusCode: notFound ? StatusCodes.Status404NotFound : StatusCodes.Status502BadGateway);
        }
        var hashProblem = ReportSeal.Problem(report);
        context.Response.Headers[HashCheckHeader] = hashProblem is null ? "ok" : "mismatch";
        Audit(context, serial, "exportReport", file, "accepted", hashProblem is null ? $"{report.Container.Number} {report.Verdict}, hash ok" : $"HASH MISMATCH: {hashProblem}");
        return format == "csv"
            ? Results.File(Encoding.UTF8.GetBytes(ReportCsv.Write(report)), "text/csv; charset=utf-8", file)
            : Results.File(ProtocolCodec.Encode(report), "application/json", file);
    }

    /// <summary>A read for the page: bad input is 400, an unknown report 404, a silent robot or broker 502, each with the reason.</summary>
    private static async Task<IResult> ReadAsync(HttpContext context, string serial, string? id, Func<RobotClient, CancellationToken, Task<string>> read)
    {
        var problem = SerialProblem(serial) ?? (id is null ? null : ReportIdProblem(id));
        if (problem is not null) return Results.Json(new ErrorResponse(problem), WebJson.Default.ErrorResponse, statusCode: StatusCodes.Status400BadRequest);
        try
        {
            var client = await context.RequestServices.GetRequiredService<RobotGateway>().ClientAsync(context.RequestAborted).ConfigureAwait(false);
            return Results.Text(await read(client, context.RequestAborted).ConfigureAwait(false), "application/json");
        }
        catch (RobotClientException ex)
        {
            var notFound = ex.Failure == RobotClientFailure.Refused && ex.Response?.Code == "notFound";
            return Results.Json(new ErrorResponse(ex.Message), WebJson.Default.ErrorResponse,
                statusCode: notFound ? StatusCodes.Status404NotFound : StatusCodes.Status502BadGateway);
        }
    }

    private static string? ReportIdProblem(string id) =>
        id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')
            ? null : "a report id is 1 to 64 letters, digits, '_' or '-'";
}
