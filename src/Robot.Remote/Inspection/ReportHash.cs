using System.Security.Cryptography;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;

namespace Robot.Remote.Inspection;

/// <summary>
/// A report's integrity, checked locally: reportHash is the SHA-256 (lower-case hex) of the
/// protocol codec's JSON of the report with reportHash left out (null).
/// </summary>
public static class ReportHash
{
    public static string Compute(InspectionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return Convert.ToHexStringLower(SHA256.HashData(ProtocolCodec.Encode(report with { ReportHash = null })));
    }

    /// <summary>Null when the report carries the hash of its own content, otherwise what is wrong.</summary>
    public static string? Problem(InspectionReport report)
    {
        var actual = Compute(report);
        if (string.IsNullOrEmpty(report.ReportHash)) return $"report {report.ReportId} carries no hash (its content hashes to {actual})";
        return string.Equals(report.ReportHash, actual, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"report {report.ReportId} claims hash {report.ReportHash} but its content hashes to {actual}";
    }
}
