using Robot.Protocol.Extensions;
using Robot.Protocol.Tests.Support;

namespace Robot.Protocol.Tests;

/// <summary>The one definition of a report's seal that the robot and every client share.</summary>
public sealed class ReportSealTests
{
    [Fact]
    public void A_sealed_report_is_intact_and_its_hash_is_the_sha256_of_the_canonical_json()
    {
        var report = ReportSeal.Sealed(Samples.InspectionReport() with { ReportHash = null });

        Assert.Matches("^[0-9a-f]{64}$", report.ReportHash);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ReportSeal.CanonicalBytes(report))), report.ReportHash);
        Assert.True(ReportSeal.IsIntact(report));
        Assert.Null(ReportSeal.Problem(report));
        // The hash itself is not part of what is hashed.
        Assert.Equal(ReportSeal.CanonicalBytes(report), ReportSeal.CanonicalBytes(report with { ReportHash = "ff" }));
        // Nor is the signature that covers the same bytes; an unsigned report encodes as before signatures existed.
        Assert.Equal(ReportSeal.CanonicalBytes(report), ReportSeal.CanonicalBytes(report with { Signature = "c2ln", SigningKeyId = "0123456789abcdef" }));
        Assert.DoesNotContain("signature", System.Text.Encoding.UTF8.GetString(Robot.Protocol.Codec.ProtocolCodec.Encode(report with { Signature = null, SigningKeyId = null })), StringComparison.OrdinalIgnoreCase);
        Assert.True(ReportSeal.IsIntact(report with { Signature = "c2ln", SigningKeyId = "0123456789abcdef" }));
    }

    [Fact]
    public void A_changed_verdict_breaks_the_seal_and_says_both_hashes()
    {
        var report = ReportSeal.Sealed(Samples.InspectionReport());
        var forged = report with { Verdict = report.Verdict == "PASS" ? "EXCEEDS" : "PASS" };

        Assert.False(ReportSeal.IsIntact(forged));
        var problem = ReportSeal.Problem(forged);
        Assert.Contains($"claims hash {report.ReportHash}", problem);
        Assert.Contains($"hashes to {ReportSeal.Hash(forged)}", problem);
    }

    [Fact]
    public void An_unsealed_report_is_not_intact()
    {
        var report = Samples.InspectionReport() with { ReportHash = null };

        Assert.False(ReportSeal.IsIntact(report));
        Assert.Contains("carries no hash", ReportSeal.Problem(report));
    }

    [Fact]
    public void Upper_case_hex_is_the_same_hash()
    {
        var report = ReportSeal.Sealed(Samples.InspectionReport());

        Assert.True(ReportSeal.IsIntact(report with { ReportHash = report.ReportHash!.ToUpperInvariant() }));
    }
}
