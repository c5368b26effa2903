using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;

namespace Robot.Remote.Inspection;

/// <summary>What happened to an inspection, as the robot reports it. The last one of a run is final.</summary>
public abstract record InspectionUpdate(DateTimeOffset At)
{
    public virtual bool IsFinal => false;
}

/// <summary>The order went out.</summary>
public sealed record InspectionSent(DateTimeOffset At, SentInspection Inspection) : InspectionUpdate(At);

/// <summary>Telemetry says more points are done.</summary>
public sealed record InspectionProgress(DateTimeOffset At, ProcedureTelemetry Procedure) : InspectionUpdate(At);

/// <summary>
/// The inspectContainer action ended: FINISHED (a verdict PASS, ANOMALY or EXCEEDS and its report)
/// or FAILED (an INVALID report or a refusal). <see cref="Result"/> is the robot's resultDescription.
/// </summary>
public sealed record InspectionEnded(DateTimeOffset At, bool Finished, string Result) : InspectionUpdate(At)
{
    public override bool IsFinal => true;

    /// <summary>"PASS report R-12: reason" → PASS; null when the result does not start with a verdict.</summary>
    public string? Verdict => Parsed.Verdict;
    public string? ReportId => Parsed.ReportId;
    public string? Reason => Parsed.Reason;

    private (string? Verdict, string? ReportId, string? Reason) Parsed => ResultText.Parse(Result);
}

/// <summary>The robot did not take the order: the error it put in state.errors.</summary>
public sealed record InspectionRefused(DateTimeOffset At, VdaError Error) : InspectionUpdate(At)
{
    public override bool IsFinal => true;
}

/// <summary>The inspectContainer resultDescription: "VERDICT report REPORT_ID: reason" (parts may be missing).</summary>
internal static class ResultText
{
    public static (string? Verdict, string? ReportId, string? Reason) Parse(string result)
    {
        var colon = result.IndexOf(": ", StringComparison.Ordinal);
        var head = colon < 0 ? result : result[..colon];
        var reason = colon < 0 ? null : result[(colon + 2)..];
        var words = head.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || !IsVerdict(words[0])) return (null, null, result);
        var reportId = words.Length >= 3 && words[1] == "report" ? words[2] : null;
        return (words[0], reportId, reason);
    }

    private static bool IsVerdict(string word) =>
        word is Verdicts.Pass or Verdicts.Anomaly or Verdicts.Exceeds or Verdicts.Invalid;
}
