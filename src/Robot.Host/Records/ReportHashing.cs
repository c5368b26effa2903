using System.Security.Cryptography;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;

namespace Robot.Host.Records;

/// <summary>
/// The report's canonical form and hash, as the contract defines them: the codec's deterministic
/// JSON of the report with reportHash left out (null), and the lower-case hex SHA-256 of those
/// bytes. Anyone holding a report can check it the same way: decode, drop the hash, encode, hash.
/// </summary>
public static class ReportHashing
{
    public static byte[] CanonicalBytes(InspectionReport report) => ProtocolCodec.Encode(report with { ReportHash = null });

    public static string Hash(ReadOnlySpan<byte> canonicalBytes) => Convert.ToHexStringLower(SHA256.HashData(canonicalBytes));

    public static string Hash(InspectionReport report) => Hash(CanonicalBytes(report));

    /// <summary>True when the report's own hash matches its content.</summary>
    public static bool IsIntact(InspectionReport report) =>
        report.ReportHash is { } h && string.Equals(h, Hash(report), StringComparison.OrdinalIgnoreCase);
}
