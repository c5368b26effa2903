using Robot.Host.Records;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using static Robot.Host.Tests.Records.RecordSamples;

namespace Robot.Host.Tests.Records;

/// <summary>Reports are signed with the robot's key: whoever can only write the database cannot forge one.</summary>
public class SignedRecordsTests
{
    [Fact]
    public void A_verdict_changed_and_the_whole_chain_rehashed_is_named_by_verify_records()
    {
        using var store = new TempStore();
        using (var journal = Open(store.DbPath, Clock()))
        {
            foreach (var id in new[] { "insp-1", "insp-2", "insp-3" }) journal.FileReport(RunAndDraft(journal, id));
        }
        // The forger turns report 2's PASS into EXCEEDS and re-seals everything after it exactly as the journal does.
        Forgery.ChangeVerdictAndRehash(store, sequence: 2, Verdicts.Exceeds);

        var (code, stdout, _) = Verify("--db", store.DbPath);

        Assert.Equal(1, code);
        Assert.StartsWith($"verify-records: {store.DbPath}: 3 reports, chain BROKEN at report 2: signature invalid", stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Each_report_and_the_head_carry_a_signature_under_the_robots_key_id()
    {
        using var store = new TempStore();
        using var journal = Open(store.DbPath, Clock());
        var filed = journal.FileReport(RunAndDraft(journal, "insp-1"));
        using var key = KeyBeside(store.DbPath);
        // The key id anyone can compute from the public key file: SHA-256 of its SubjectPublicKeyInfo, 16 hex digits.
        using var fromFile = System.Security.Cryptography.ECDsa.Create();
        fromFile.ImportFromPem(File.ReadAllText(PublicKeyBeside(store.DbPath)));
        var keyId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(fromFile.ExportSubjectPublicKeyInfo()))[..16];
        Assert.Equal(keyId, key.KeyId);
        Assert.Equal(keyId, journal.SigningKeyId);

        using var raw = store.Raw();
        Assert.Equal(keyId, TempStore.Scalar(raw, "SELECT key_id FROM reports WHERE sequence = 1"));
        Assert.Equal(keyId, TempStore.Scalar(raw, "SELECT key_id FROM chain_head"));
        var signature = Convert.FromBase64String((string)TempStore.Scalar(raw, "SELECT signature FROM reports WHERE sequence = 1")!);
        // ECDSA P-256 / SHA-256 over exactly the bytes the hash covers, verifiable with nothing but the public key file.
        Assert.True(fromFile.VerifyData(ReportSeal.CanonicalBytes(filed), signature, System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Security.Cryptography.DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        var ok = journal.VerifyChain();
        Assert.Equal((true, 1L, 1L, 0L, keyId), (ok.Ok, ok.Count, ok.Signed, ok.Unsigned, ok.SignedBy));
    }

    [Fact]
    public void Rotated_keys_verify_with_both_public_keys_and_with_only_the_new_one_the_old_reports_are_an_unknown_key()
    {
        using var store = new TempStore();
        var key1Path = store.PathFor("keys/key-1.pem");
        var key2Path = store.PathFor("keys/key-2.pem");
        string id1, id2;
        using (var key1 = ReportSigningKey.LoadOrCreate(key1Path))
        using (var journal = InspectionJournal.Open(store.DbPath, Serial, Clock(), signingKey: key1))
        {
            id1 = key1.KeyId;
            journal.FileReport(RunAndDraft(journal, "insp-1"));
            journal.FileReport(RunAndDraft(journal, "insp-2"));
        }
        using (var key2 = ReportSigningKey.LoadOrCreate(key2Path))
        using (var journal = InspectionJournal.Open(store.DbPath, Serial, Clock(), signingKey: key2))
        {
            id2 = key2.KeyId;
            journal.FileReport(RunAndDraft(journal, "insp-3"));
            journal.FileReport(RunAndDraft(journal, "insp-4"));
        }
        Assert.NotEqual(id1, id2);
        var public1 = store.PathFor("keys/key-1-public.pem");
        var public2 = store.PathFor("keys/key-2-public.pem");

        var both = Verify("--db", store.DbPath, "--public-key", public1, $"--public-key={public2}");
        Assert.True(both.Code == 0, both.Stdout + both.Stderr);
        Assert.Equal($"verify-records: {store.DbPath}: 4 reports, chain OK, 4 signed (key {string.Join(", ", new[] { id1, id2 }.Order(StringComparer.Ordinal))})", both.Stdout.Trim());

        var onlyNew = Verify("--db", store.DbPath, "--public-key", public2);
        Assert.Equal(1, onlyNew.Code);
        Assert.StartsWith($"verify-records: {store.DbPath}: 4 reports, chain BROKEN at report 1: unknown key: signed by key {id1}", onlyNew.Stdout.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Dropping_a_signature_or_signing_with_another_key_is_named()
    {
        using var store = new TempStore();
        using (var journal = Open(store.DbPath, Clock()))
        {
            foreach (var id in new[] { "insp-1", "insp-2", "insp-3" }) journal.FileReport(RunAndDraft(journal, id));
        }
        var own = PublicKeyBeside(store.DbPath);
        string ownId;
        using (var k = KeyBeside(store.DbPath)) ownId = k.KeyId;

        // Another key (the forger's own) under the robot's key id: the signature does not verify.
        using var forger = ReportSigningKey.LoadOrCreate(store.PathFor("forger/key.pem"));
        Edit(store, "UPDATE reports SET signature = $v WHERE sequence = 2", forger.Sign([1, 2, 3]));
        Assert.Equal((2L, ChainBreakKind.SignatureInvalid), Break(store, own));
        // ...and under its own key id: a key the verifier does not know.
        Edit(store, $"UPDATE reports SET key_id = '{forger.KeyId}' WHERE sequence = 2", forger.Sign([1]));
        Assert.Equal((2L, ChainBreakKind.UnknownKey), Break(store, own));
        // Without the signature, after a signed report 1: a dropped signature.
        Edit(store, "UPDATE reports SET signature = NULL, key_id = NULL WHERE sequence = $v", 2L);
        Assert.Equal((2L, ChainBreakKind.Unsigned), Break(store, own));

        // Every signature dropped, the head's too: only unsigned reports remain, which --require-signed refuses.
        Edit(store, "UPDATE reports SET signature = NULL, key_id = NULL WHERE sequence <> $v", 2L);
        Edit(store, "UPDATE chain_head SET signature = NULL, key_id = NULL WHERE id = $v", 1L);
        var stripped = Verify("--db", store.DbPath);
        Assert.Equal(0, stripped.Code);
        Assert.Contains("3 reports, chain OK, 3 unsigned (reports 1-3", stripped.Stdout, StringComparison.Ordinal);
        var required = Verify("--db", store.DbPath, "--require-signed");
        Assert.Equal(1, required.Code);
        Assert.Contains("3 reports are unsigned and --require-signed was given", required.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(ownId, forger.KeyId);
    }

    [Fact]
    public void Removing_the_newest_report_and_winding_the_head_back_breaks_the_heads_signature()
    {
        using var store = new TempStore();
        List<InspectionReport> reports;
        using (var journal = Open(store.DbPath, Clock()))
        {
            reports = new[] { "insp-1", "insp-2", "insp-3" }.Select(id => journal.FileReport(RunAndDraft(journal, id))).ToList();
        }
        Edit(store, "DELETE FROM reports WHERE sequence = $v", 3L);
        Edit(store, $"UPDATE chain_head SET sequence = 2, report_hash = '{reports[1].ReportHash}' WHERE id = $v", 1L);

        var result = Verify("--db", store.DbPath);
        Assert.Equal(1, result.Code);
        Assert.Contains("2 reports, chain BROKEN at report 2: signature invalid: the chain head:", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_journal_without_the_key_refuses_to_file_into_a_signed_store()
    {
        using var store = new TempStore();
        using (var journal = Open(store.DbPath, Clock())) journal.FileReport(RunAndDraft(journal, "insp-1"));
        using (var unsigned = OpenUnsigned(store.DbPath, Clock()))
        {
            var draft = RunAndDraft(unsigned, "insp-2");
            var ex = Assert.Throws<RecordStoreException>(() => unsigned.FileReport(draft));
            Assert.Contains("signing key", ex.Message, StringComparison.Ordinal);
        }
        using var again = Open(store.DbPath, Clock());
        var ok = again.VerifyChain();
        Assert.True(ok.Ok, ok.ToString());
        Assert.Equal(1, ok.Count);
    }

    [Fact]
    public void An_unsigned_store_says_its_reports_are_unsigned()
    {
        using var store = new TempStore();
        using (var journal = OpenUnsigned(store.DbPath, Clock()))
        {
            journal.FileReport(RunAndDraft(journal, "insp-1"));
            journal.FileReport(RunAndDraft(journal, "insp-2"));
        }
        var (code, stdout, stderr) = Verify("--db", store.DbPath);
        Assert.Equal(0, code);
        Assert.Equal($"verify-records: {store.DbPath}: 2 reports, chain OK, 2 unsigned (reports 1-2: filed before reports were signed, their content is only hash-chained)", stdout.Trim());
        Assert.Empty(stderr);
    }

    [Fact]
    public void Without_the_robots_public_key_a_signed_store_names_the_missing_key_file()
    {
        using var store = new TempStore();
        using (var journal = Open(store.DbPath, Clock())) journal.FileReport(RunAndDraft(journal, "insp-1"));
        File.Move(PublicKeyBeside(store.DbPath), store.PathFor("elsewhere.pem"));

        var (code, stdout, stderr) = Verify("--db", store.DbPath);

        Assert.Equal(1, code);
        Assert.Contains("chain BROKEN at report 1: unknown key:", stdout, StringComparison.Ordinal);
        Assert.Contains("no public key was given", stdout, StringComparison.Ordinal);
        Assert.Contains($"there is no public key at {PublicKeyBeside(store.DbPath)}", stderr, StringComparison.Ordinal);
        Assert.Equal(0, Verify("--db", store.DbPath, "--public-key", store.PathFor("elsewhere.pem")).Code);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_store_from_before_signatures_verifies_read_only_without_migrating(int version)
    {
        using var store = new TempStore();
        using (var raw = store.Raw()) JournalSchema.Migrate(raw, Clock(), target: version);

        var (code, stdout, stderr) = Verify("--db", store.DbPath);

        Assert.True(code == 0, stderr);
        Assert.Equal($"verify-records: {store.DbPath}: 0 reports, chain OK", stdout.Trim());
        using (var raw = store.Raw()) Assert.Equal(version, JournalSchema.VersionOf(raw));
    }

    [Fact]
    public void The_key_is_created_owner_only_with_its_public_key_world_readable_and_loaded_again_unchanged()
    {
        using var store = new TempStore();
        var path = store.PathFor("etc/records-signing-key.pem");
        string id;
        using (var created = ReportSigningKey.LoadOrCreate(path)) id = created.KeyId;
        var pem = File.ReadAllText(path);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem, StringComparison.Ordinal); // PKCS#8
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(store.PathFor("etc/records-signing-key-public.pem")), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                File.GetUnixFileMode(store.PathFor("etc/records-signing-key-public.pem")));
        }
        using (var loaded = ReportSigningKey.LoadOrCreate(path)) Assert.Equal(id, loaded.KeyId);
        Assert.Equal(pem, File.ReadAllText(path));
        Assert.Equal(["records-signing-key-public.pem", "records-signing-key.pem"], Directory.GetFiles(store.PathFor("etc")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_new_key_in_place_of_a_removed_one_keeps_the_old_public_key_under_its_key_id()
    {
        using var store = new TempStore();
        var path = store.PathFor("records-signing-key.pem");
        string oldId, newId;
        using (var old = ReportSigningKey.LoadOrCreate(path)) oldId = old.KeyId;
        var oldPublic = File.ReadAllText(store.PathFor("records-signing-key-public.pem"));
        File.Delete(path);

        using (var rotated = ReportSigningKey.LoadOrCreate(path)) newId = rotated.KeyId;

        Assert.NotEqual(oldId, newId);
        Assert.Equal(oldPublic, File.ReadAllText(store.PathFor($"records-signing-key-public-{oldId}.pem")));
        using var keys = ReportPublicKeys.Load([store.PathFor("records-signing-key-public.pem")]);
        Assert.Equal([newId], keys.KeyIds);
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    public void A_key_file_others_can_access_is_refused_and_left_as_it_is(UnixFileMode extra)
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes; the robot and CI are Linux
        using var store = new TempStore();
        var path = store.PathFor("records-signing-key.pem");
        using (ReportSigningKey.LoadOrCreate(path)) { }
        var pem = File.ReadAllText(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);

        var ex = Assert.Throws<ReportSigningKeyException>(() => ReportSigningKey.LoadOrCreate(path));
        Assert.Contains($"{path} is accessible to group or others", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"chmod 600 {path}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(pem, File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | extra, File.GetUnixFileMode(path));
    }

    [Fact]
    public void A_public_key_in_place_of_the_private_key_is_refused()
    {
        using var store = new TempStore();
        var path = store.PathFor("records-signing-key.pem");
        using (ReportSigningKey.LoadOrCreate(store.PathFor("other.pem"))) { }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var w = new StreamWriter(new FileStream(path, options))) w.Write(File.ReadAllText(store.PathFor("other-public.pem")));

        var ex = Assert.Throws<ReportSigningKeyException>(() => ReportSigningKey.LoadOrCreate(path));
        Assert.Contains("is not a PEM PKCS#8 EC private key", ex.Message, StringComparison.Ordinal);

        // An EC key on another curve is refused too (signatures are P-256 only), and left as it is.
        using var p384 = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        var other = store.PathFor("p384.pem");
        using (var w = new StreamWriter(new FileStream(other, options))) w.Write(p384.ExportPkcs8PrivateKeyPem());
        var curve = Assert.Throws<ReportSigningKeyException>(() => ReportSigningKey.LoadOrCreate(other));
        Assert.Contains("is not on curve P-256", curve.Message, StringComparison.Ordinal);
        Assert.Equal(p384.ExportPkcs8PrivateKeyPem(), File.ReadAllText(other));
    }

    [Fact]
    public async Task The_host_refuses_to_start_with_a_key_others_can_read_in_one_line_exit_2()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes; the robot and CI are Linux
        using var store = new TempStore();
        var key = store.PathFor("robot-host/records-signing-key.pem");
        using (ReportSigningKey.LoadOrCreate(key)) { }
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var config = store.PathFor("appsettings.json");
        await File.WriteAllTextAsync(config, $$$"""
            {"Hardware":{"Kind":"virtual"},"Broker":{"Embedded":false},"Link":{"BrokerUri":"mqtt://127.0.0.1:1"},
             "Records":{"DatabasePath":"{{{store.DbPath}}}","SigningKeyFile":"{{{key}}}"}}
            """);
        var stderr = new StringWriter();

        var exit = await Robot.Host.Hosting.RobotHostCli.RunAsync(["run", "--config", config], new StringWriter(), stderr);

        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"signing key error: the report signing key {key} is accessible to group or others (mode 0604)", line, StringComparison.Ordinal);
        Assert.Contains("Records:SigningKeyFile", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_records_refuses_a_public_key_file_that_is_missing_or_not_a_key()
    {
        using var store = new TempStore();
        using (var journal = Open(store.DbPath, Clock())) journal.FileReport(RunAndDraft(journal, "insp-1"));
        File.WriteAllText(store.PathFor("junk.pem"), "not a key");

        var missing = Verify("--db", store.DbPath, "--public-key", store.PathFor("none.pem"));
        Assert.Equal((1, ""), (missing.Code, missing.Stdout));
        Assert.Contains("cannot read the public key", missing.Stderr, StringComparison.Ordinal);
        var junk = Verify("--db", store.DbPath, "--public-key", store.PathFor("junk.pem"));
        Assert.Equal((1, ""), (junk.Code, junk.Stdout));
        Assert.Contains("junk.pem is not a PEM EC public key", junk.Stderr, StringComparison.Ordinal);
        var empty = Verify("--db", store.DbPath, "--public-key=");
        Assert.Equal(1, empty.Code);
        Assert.Contains("--public-key needs a file", empty.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_records_key_verb_creates_the_key_once_and_refuses_an_unsafe_one()
    {
        using var store = new TempStore();
        var key = store.PathFor("etc/robot-host/records-signing-key.pem");
        var stdout = new StringWriter();
        Assert.Equal(0, await Robot.Host.Hosting.RobotHostCli.RunAsync(["records-key", "--key", key], stdout, new StringWriter()));
        using (var created = ReportSigningKey.LoadOrCreate(key))
        {
            Assert.Equal($"records-key: key id {created.KeyId}: private key {key}, public key {store.PathFor("etc/robot-host/records-signing-key-public.pem")}", stdout.ToString().Trim());
        }
        // Through the config, as the service resolves it: the same key, not a new one.
        var config = store.PathFor("appsettings.json");
        File.WriteAllText(config, $$$"""{"Records":{"DatabasePath":"{{{store.DbPath}}}","SigningKeyFile":"{{{key}}}"}}""");
        var again = new StringWriter();
        Assert.Equal(0, RecordsKeyVerb.Run(["--config", config], again, new StringWriter()));
        Assert.Equal(stdout.ToString(), again.ToString());

        if (OperatingSystem.IsWindows()) return; // Unix file modes; the robot and CI are Linux
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var stderr = new StringWriter();
        Assert.Equal(1, RecordsKeyVerb.Run(["--key", key], new StringWriter(), stderr));
        Assert.Contains("chmod 600", stderr.ToString(), StringComparison.Ordinal);
    }

    private static (long, ChainBreakKind) Break(TempStore store, string publicKey)
    {
        using var keys = ReportPublicKeys.Load([publicKey]);
        var result = InspectionJournal.VerifyFile(store.DbPath, keys);
        Assert.False(result.Ok, result.ToString());
        return (result.FirstBreak!.Sequence, result.FirstBreak.Kind);
    }

    /// <summary>What someone with sqlite3 and intent could do: drop the guard triggers and edit.</summary>
    private static void Edit(TempStore store, string sql, object value)
    {
        using var raw = store.Raw();
        TempStore.Exec(raw, "DROP TRIGGER IF EXISTS reports_are_immutable; DROP TRIGGER IF EXISTS reports_are_never_deleted");
        using var cmd = raw.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$v", value);
        Assert.True(cmd.ExecuteNonQuery() >= 1);
    }

    internal static (int Code, string Stdout, string Stderr) Verify(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = VerifyRecordsVerb.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>What someone who can write the database file (and knows the code) can do to it.</summary>
internal static class Forgery
{
    /// <summary>
    /// Change one report's verdict, then recompute every hash from there on (canonical bytes,
    /// report_hash, the next report's previousReportHash, the columns and the chain head), as FileReport computes them.
    /// </summary>
    public static void ChangeVerdictAndRehash(TempStore store, long sequence, string verdict)
    {
        using var raw = store.Raw();
        TempStore.Exec(raw, "DROP TRIGGER IF EXISTS reports_are_immutable; DROP TRIGGER IF EXISTS reports_are_never_deleted");
        var rows = new List<InspectionReport>();
        using (var read = raw.CreateCommand())
        {
            read.CommandText = "SELECT canonical_json FROM reports ORDER BY sequence";
            using var r = read.ExecuteReader();
            while (r.Read())
            {
                Assert.True(ProtocolCodec.TryDecode<InspectionReport>((byte[])r.GetValue(0), out var report, out var error), error?.ToString());
                rows.Add(report!);
            }
        }
        var previous = sequence == 1 ? new string('0', 64) : ReportSeal.Hash(rows[(int)sequence - 2]);
        foreach (var report in rows.Where(r => r.Sequence >= sequence))
        {
            var forged = report with { PreviousReportHash = previous, ReportHash = null };
            if (report.Sequence == sequence) forged = forged with { Verdict = verdict, VerdictReason = "forged" };
            var canonical = ReportSeal.CanonicalBytes(forged);
            var hash = ReportSeal.Hash(canonical);
            using var write = raw.CreateCommand();
            write.CommandText = """
                UPDATE reports SET canonical_json = $json, report_hash = $hash, previous_hash = $prev, verdict = $verdict WHERE sequence = $seq;
                UPDATE chain_head SET report_hash = $hash WHERE sequence = $seq;
                """;
            write.Parameters.AddWithValue("$json", canonical);
            write.Parameters.AddWithValue("$hash", hash);
            write.Parameters.AddWithValue("$prev", previous);
            write.Parameters.AddWithValue("$verdict", forged.Verdict);
            write.Parameters.AddWithValue("$seq", report.Sequence);
            write.ExecuteNonQuery();
            previous = hash;
        }
    }
}
