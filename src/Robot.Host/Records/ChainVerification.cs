using System.Globalization;
using Microsoft.Data.Sqlite;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;

namespace Robot.Host.Records;

/// <summary>Why a link of the report chain is broken.</summary>
public enum ChainBreakKind
{
    /// <summary>The stored report's content does not hash to its stored hash (content or hash edited).</summary>
    HashMismatch,
    /// <summary>The report does not name the hash of the report filed before it.</summary>
    PreviousHashMismatch,
    /// <summary>A report is missing: sequence numbers skip, or the chain head counts more reports than the store holds.</summary>
    Gap,
    /// <summary>The row's columns (id, inspection, container, verdict, times, previous hash) disagree with the hashed report.</summary>
    RowEdited,
    /// <summary>The signature does not verify under the named key: content, hash chain or signature written by someone without the key.</summary>
    SignatureInvalid,
    /// <summary>Signed by a key that is not among the public keys the verifier trusts (another robot's, a rotated key not given, or made up).</summary>
    UnknownKey,
    /// <summary>No signature where one must be: after a signed report (signatures are never dropped) or on the head of a signed chain.</summary>
    Unsigned,
}

/// <summary>The first broken link: the report's sequence number and what is wrong with it.</summary>
public sealed record ChainBreak(long Sequence, ChainBreakKind Kind, string Detail)
{
    public override string ToString() => $"report {Sequence}: {Describe(Kind)}: {Detail}";

    private static string Describe(ChainBreakKind kind) => kind switch
    {
        ChainBreakKind.HashMismatch => "hash mismatch",
        ChainBreakKind.PreviousHashMismatch => "previous-hash mismatch",
        ChainBreakKind.Gap => "gap",
        ChainBreakKind.RowEdited => "row edited",
        ChainBreakKind.SignatureInvalid => "signature invalid",
        ChainBreakKind.UnknownKey => "unknown key",
        ChainBreakKind.Unsigned => "signature missing",
        _ => kind.ToString(),
    };
}

/// <summary>
/// The outcome of verifying the whole chain: how many reports the store holds, the first broken
/// link if any, and how many reports carry a verified signature (and by which keys). Reports
/// before the first signed one (filed by a robot-host that did not sign yet) are counted as unsigned.
/// </summary>
public sealed record ChainVerification(bool Ok, long Count, ChainBreak? FirstBreak, long Signed = 0, string SignedBy = "")
{
    /// <summary>Reports with no signature (only ever the oldest ones: a signature is never dropped later in the chain).</summary>
    public long Unsigned => Ok ? Count - Signed : 0;

    public override string ToString()
    {
        if (!Ok) return $"{Count} reports, chain BROKEN at {FirstBreak}";
        var text = $"{Count} reports, chain OK";
        if (Signed > 0) text += $", {Signed} signed (key {SignedBy})";
        if (Unsigned > 0) text += $", {Unsigned} unsigned (reports 1-{Unsigned}: filed before reports were signed, their content is only hash-chained)";
        return text;
    }

    /// <summary>
    /// Walk every report in sequence order; stop at the first broken link. Signatures (schema v3 on)
    /// are checked against <paramref name="keys"/>: a signed report under an unknown key, or a
    /// signature that does not verify, is a broken link; so is an unsigned report after a signed one.
    /// </summary>
    internal static ChainVerification Verify(SqliteConnection connection, ReportPublicKeys keys, int version)
    {
        var signedSchema = version >= JournalSchema.SignedVersion;
        using var tx = connection.BeginTransaction(deferred: true); // one consistent snapshot
        long count;
        using (var c = connection.CreateCommand())
        {
            c.Transaction = tx;
            c.CommandText = "SELECT count(*) FROM reports";
            count = Convert.ToInt64(c.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        ChainVerification Broken(long sequence, ChainBreakKind kind, string detail) => new(false, count, new ChainBreak(sequence, kind, detail));

        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"""
            SELECT sequence, report_id, inspection_id, container_number, verdict, finished_at, previous_hash, report_hash, canonical_json,
                   {(signedSchema ? "signature, key_id" : "NULL, NULL")}
            FROM reports ORDER BY sequence
            """;
        var expectedSequence = 1L;
        var previousHash = JournalSchema.GenesisHash;
        long? firstSigned = null;
        var signers = new SortedSet<string>(StringComparer.Ordinal);
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var sequence = r.GetInt64(0);
                if (sequence != expectedSequence)
                {
                    return Broken(expectedSequence, ChainBreakKind.Gap,
                        sequence > expectedSequence ? $"report {expectedSequence} is missing (the next stored report is {sequence})" : $"sequence {sequence} is out of order");
                }
                var storedHash = r.GetString(7);
                var canonical = (byte[])r.GetValue(8);
                var actualHash = ReportSeal.Hash(canonical);
                if (!string.Equals(actualHash, storedHash, StringComparison.Ordinal))
                {
                    return Broken(sequence, ChainBreakKind.HashMismatch, $"its content hashes to {actualHash[..12]}…, the stored hash is {Clip(storedHash)}");
                }
                if (!ProtocolCodec.TryDecode<InspectionReport>(canonical, out var report, out var error))
                {
                    return Broken(sequence, ChainBreakKind.RowEdited, $"the stored report is not a readable report ({error})");
                }
                var edited = EditedColumn(r, report!);
                if (edited is not null) return Broken(sequence, ChainBreakKind.RowEdited, edited);
                if (report!.PreviousReportHash != previousHash)
                {
                    return Broken(sequence, ChainBreakKind.PreviousHashMismatch,
                        $"it names {Clip(report.PreviousReportHash)} as previous, the report before it hashes to {Clip(previousHash)}");
                }
                // The signature covers the canonical bytes, previousReportHash included: a re-hashed chain needs the key to re-sign.
                var signature = r.IsDBNull(9) ? null : r.GetString(9);
                var keyId = r.IsDBNull(10) ? null : r.GetString(10);
                if (signature is null && keyId is null)
                {
                    if (firstSigned is { } s) return Broken(sequence, ChainBreakKind.Unsigned, $"it carries no signature, but report {s} before it is signed (signatures are never dropped)");
                }
                else
                {
                    if (SignatureProblem(keys, keyId, canonical, signature) is { } problem) return Broken(sequence, problem.Kind, problem.Detail);
                    firstSigned ??= sequence;
                    signers.Add(keyId!);
                }
                previousHash = storedHash;
                expectedSequence++;
            }
        }
        // Removing the newest reports leaves a consistent chain; the head, written with each report, still counts them.
        using var head = connection.CreateCommand();
        head.Transaction = tx;
        head.CommandText = $"SELECT sequence, report_hash, {(signedSchema ? "signature, key_id" : "NULL, NULL")} FROM chain_head WHERE id = 1";
        using var h = head.ExecuteReader();
        if (!h.Read()) return Broken(expectedSequence, ChainBreakKind.Gap, "the chain head row is missing");
        var headSequence = h.GetInt64(0);
        if (headSequence != expectedSequence - 1)
        {
            return Broken(expectedSequence, ChainBreakKind.Gap, $"the chain head says {headSequence} reports were filed, the store holds {expectedSequence - 1}");
        }
        if (h.GetString(1) != previousHash)
        {
            return Broken(headSequence, ChainBreakKind.RowEdited, $"the chain head names {Clip(h.GetString(1))} as the newest hash, the newest report's is {Clip(previousHash)}");
        }
        // The signed head pins the count: dropping the newest reports and winding the head back needs the key too.
        var headSignature = h.IsDBNull(2) ? null : h.GetString(2);
        var headKey = h.IsDBNull(3) ? null : h.GetString(3);
        if (headSignature is null && headKey is null)
        {
            if (firstSigned is not null) return Broken(headSequence, ChainBreakKind.Unsigned, "the chain head carries no signature, but the chain is signed");
        }
        else if (SignatureProblem(keys, headKey, ReportSignature.HeadBytes(headSequence, previousHash), headSignature) is { } problem)
        {
            return Broken(headSequence, problem.Kind, "the chain head: " + problem.Detail);
        }
        return new ChainVerification(true, count, null, firstSigned is { } first ? count - first + 1 : 0, string.Join(", ", signers));
    }

    private static (ChainBreakKind Kind, string Detail)? SignatureProblem(ReportPublicKeys keys, string? keyId, ReadOnlySpan<byte> data, string? signature)
    {
        if (string.IsNullOrEmpty(keyId)) return (ChainBreakKind.UnknownKey, "it carries a signature but no key id");
        if (!keys.Knows(keyId))
        {
            var given = keys.KeyIds.Count == 0 ? "no public key was given" : $"the public keys given are {string.Join(", ", keys.KeyIds.Order(StringComparer.Ordinal))}";
            return (ChainBreakKind.UnknownKey, $"signed by key {Clip(keyId)}, which is not a known public key ({given}; verify-records --public-key FILE)");
        }
        if (string.IsNullOrEmpty(signature) || !keys.Verify(keyId, data, signature))
        {
            return (ChainBreakKind.SignatureInvalid, $"its signature does not verify under key {keyId} (content, chain or signature written without the robot's key)");
        }
        return null;
    }

    private static string? EditedColumn(SqliteDataReader r, InspectionReport report)
    {
        if (report.Sequence != r.GetInt64(0)) return $"the report says sequence {report.Sequence}";
        if (report.ReportId != r.GetString(1)) return $"report_id column is '{Clip(r.GetString(1))}', the report says '{Clip(report.ReportId)}'";
        if (report.InspectionId != r.GetString(2)) return $"inspection_id column is '{Clip(r.GetString(2))}', the report says '{Clip(report.InspectionId)}'";
        if (report.Container.Number != r.GetString(3)) return $"container_number column is '{Clip(r.GetString(3))}', the report says '{Clip(report.Container.Number)}'";
        if (report.Verdict != r.GetString(4)) return $"verdict column is '{Clip(r.GetString(4))}', the report says '{Clip(report.Verdict)}'";
        if (RecordTime.Format(report.FinishedAt) != r.GetString(5)) return $"finished_at column is '{Clip(r.GetString(5))}', the report says '{RecordTime.Format(report.FinishedAt)}'";
        if (report.PreviousReportHash != r.GetString(6)) return "previous_hash column differs from the report's previousReportHash";
        return null;
    }

    private static string Clip(string text) => text.Length <= 16 ? text : text[..12] + "…";
}

/// <summary>Times in the store's columns: UTC with milliseconds, the wire format, so columns and report JSON agree.</summary>
internal static class RecordTime
{
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString(Robot.Protocol.Vda5050.UtcMillisecondsConverter.Format, CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
