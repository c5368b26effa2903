using System.Security.Cryptography;
using Robot.Protocol.Codec;

namespace Robot.Protocol.Extensions;

/// <summary>
/// A report's seal, as the contract defines it: the canonical form is the codec's deterministic
/// JSON of the report with reportHash, signature and signingKeyId left out (null), and reportHash
/// is the lower-case hex SHA-256 of those bytes (the robot's signature covers the same bytes). The robot seals with it and every client checks with it, so the
/// definition lives once, beside the report's own record.
/// </summary>
public static class ReportSeal
{
    public static byte[] CanonicalBytes(InspectionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return ProtocolCodec.Encode(report with { ReportHash = null, Signature = null, SigningKeyId = null });
    }

    public static string Hash(ReadOnlySpan<byte> canonicalBytes) => Convert.ToHexStringLower(SHA256.HashData(canonicalBytes));

    public static string Hash(InspectionReport report) => Hash(CanonicalBytes(report));

    /// <summary>The report with the hash of its own content.</summary>
    public static InspectionReport Sealed(InspectionReport report) => report with { ReportHash = Hash(report) };

    /// <summary>True when the report carries the hash of its own content.</summary>
    public static bool IsIntact(InspectionReport report) => Problem(report) is null;

    /// <summary>Null when the report carries the hash of its own content, otherwise what is wrong.</summary>
    public static string? Problem(InspectionReport report)
    {
        var actual = Hash(report);
        if (string.IsNullOrEmpty(report.ReportHash)) return $"report {report.ReportId} carries no hash (its content hashes to {actual})";
        return string.Equals(report.ReportHash, actual, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"report {report.ReportId} claims hash {report.ReportHash} but its content hashes to {actual}";
    }
}
