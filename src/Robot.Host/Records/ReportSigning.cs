using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Robot.Host.Records;

/// <summary>The signing key cannot be used as asked (unsafe permissions, unreadable, not a P-256 key). The message says why.</summary>
public sealed class ReportSigningKeyException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Report signatures: ECDSA P-256 with SHA-256 over the report's canonical bytes (the same bytes
/// its hash covers, previousReportHash included, so a signature also pins the report's place in
/// the chain), IEEE P1363 format (r || s, 64 bytes), base64. A key is named by its key id: the
/// first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo (DER), so anyone holding the
/// public key file computes the same id.
/// </summary>
public static class ReportSignature
{
    public const DSASignatureFormat Format = DSASignatureFormat.IeeeP1363FixedFieldConcatenation;
    public const int KeyIdLength = 16;

    public static string KeyIdOf(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..KeyIdLength];

    /// <summary>The bytes the chain head's signature covers: it pins the count and the newest hash (a truncated store cannot re-sign it).</summary>
    public static byte[] HeadBytes(long sequence, string reportHash) =>
        Encoding.UTF8.GetBytes(FormattableString.Invariant($"robot-host chain head\n{sequence}\n{reportHash}"));

    /// <summary>The public key file written beside a private key file: records-signing-key.pem → records-signing-key-public.pem.</summary>
    public static string PublicKeyPathFor(string privateKeyPath)
    {
        var full = Path.GetFullPath(privateKeyPath);
        var name = Path.GetFileName(full);
        var stem = name.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) ? name[..^4] : name;
        return Path.Combine(Path.GetDirectoryName(full)!, stem + "-public.pem");
    }

    internal static bool IsP256(ECDsa key) =>
        key.KeySize == 256 && key.ExportParameters(false).Curve is { IsNamed: true } curve
        && (curve.Oid.Value == ECCurve.NamedCurves.nistP256.Oid.Value || curve.Oid.FriendlyName is "nistP256" or "ECDSA_P256");
}

/// <summary>
/// The robot's private signing key (PEM PKCS#8, ECDSA P-256), kept in a file only its owner can
/// read. <see cref="LoadOrCreate"/> makes one on first start (0600, with the public key beside it,
/// 0644, for the office) and refuses a key file that group or others can read.
/// </summary>
public sealed class ReportSigningKey : IDisposable
{
    private const UnixFileMode GroupOrOthers = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                               | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PublicMode = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly ECDsa _key;
    private readonly Lock _gate = new();

    private ReportSigningKey(ECDsa key, string path)
    {
        _key = key;
        Path = path;
        KeyId = ReportSignature.KeyIdOf(key);
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
    }

    /// <summary>The private key file.</summary>
    public string Path { get; }
    /// <summary>The public key file beside it.</summary>
    public string PublicKeyPath => ReportSignature.PublicKeyPathFor(Path);
    public string KeyId { get; }
    public string PublicKeyPem { get; }

    /// <summary>Base64 P1363 signature of <paramref name="data"/>.</summary>
    public string Sign(ReadOnlySpan<byte> data)
    {
        lock (_gate) return Convert.ToBase64String(_key.SignData(data, HashAlgorithmName.SHA256, ReportSignature.Format));
    }

    /// <summary>This key's public half, for verifying what it signed.</summary>
    public ReportPublicKeys PublicKeys() => ReportPublicKeys.FromPem([(PublicKeyPem, Path)]);

    /// <summary>
    /// Load the key at <paramref name="path"/>, or create it (and its folder) when the file is
    /// missing. The file must not be readable, writable or executable by group or others.
    /// The public key file beside it is written when missing; one of another key (rotated) is kept
    /// as "…-public-{its key id}.pem" and replaced.
    /// </summary>
    public static ReportSigningKey LoadOrCreate(string path, ILogger? logger = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var log = logger ?? NullLogger.Instance;
        var full = System.IO.Path.GetFullPath(path);
        ReportSigningKey key;
        if (File.Exists(full))
        {
            key = Load(full);
        }
        else
        {
            key = Create(full);
            log.LogInformation("created the report signing key {Path} (key id {KeyId}); its public key is {PublicPath}: give it to whoever verifies this robot's reports",
                full, key.KeyId, key.PublicKeyPath);
        }
        try
        {
            key.WritePublicKey(log);
        }
        catch
        {
            key.Dispose();
            throw;
        }
        return key;
    }

    private static ReportSigningKey Load(string full)
    {
        if (!OperatingSystem.IsWindows())
        {
            var mode = File.GetUnixFileMode(full);
            if ((mode & GroupOrOthers) != 0)
            {
                throw new ReportSigningKeyException(
                    $"the report signing key {full} is accessible to group or others (mode {Octal(mode)}); it must be owner-only: chmod 600 {full}");
            }
        }
        string pem;
        try
        {
            pem = File.ReadAllText(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReportSigningKeyException($"cannot read the report signing key {full}: {ex.Message}", ex);
        }
        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
            // A public key alone imports too; it cannot sign.
            ecdsa.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            ecdsa.Dispose();
            throw new ReportSigningKeyException($"the report signing key {full} is not a PEM PKCS#8 EC private key ({ex.Message.Split('\n')[0].Trim()})", ex);
        }
        if (!ReportSignature.IsP256(ecdsa))
        {
            ecdsa.Dispose();
            throw new ReportSigningKeyException($"the report signing key {full} is not on curve P-256");
        }
        return new ReportSigningKey(ecdsa, full);
    }

    private static ReportSigningKey Create(string full)
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var temp = full + ".new-" + Guid.NewGuid().ToString("N");
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            // Mode set at creation: the key is never readable by others, not even for a moment.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
            using (var stream = new FileStream(temp, options))
            using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
            {
                writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
                writer.Write('\n');
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            // Complete or not there: a concurrent start never reads half a key, and never replaces one.
            File.Move(temp, full, overwrite: false);
            return new ReportSigningKey(ecdsa, full);
        }
        catch (IOException) when (File.Exists(full))
        {
            // Another process created it first: use that one.
            ecdsa.Dispose();
            TryDelete(temp);
            return Load(full);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            ecdsa.Dispose();
            TryDelete(temp);
            throw new ReportSigningKeyException($"cannot create the report signing key {full}: {ex.Message}", ex);
        }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void WritePublicKey(ILogger log)
    {
        var publicPath = PublicKeyPath;
        if (File.Exists(publicPath))
        {
            var existing = PublicKeyIdOf(publicPath);
            if (existing == KeyId) return;
            // Another key's public half (the key was rotated): kept under its key id for verifying the reports it signed.
            var retired = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(publicPath)!,
                System.IO.Path.GetFileNameWithoutExtension(publicPath) + "-" + (existing ?? "unreadable-" + Guid.NewGuid().ToString("N")[..8]) + ".pem");
            try
            {
                File.Move(publicPath, retired, overwrite: false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ReportSigningKeyException(
                    $"the public key file {publicPath} is not that of the signing key {Path} (key {KeyId}) and cannot be moved aside ({ex.Message}); move it yourself (keep it: it verifies the reports its key signed)", ex);
            }
            log.LogWarning("the public key file {PublicPath} belonged to key {OldKeyId}, not to the signing key {KeyId}: kept as {Retired}", publicPath, existing, KeyId, retired);
        }
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = PublicMode;
            using var stream = new FileStream(publicPath, options);
            using var writer = new StreamWriter(stream, new UTF8Encoding(false));
            writer.Write(PublicKeyPem);
            writer.Write('\n');
        }
        catch (IOException) when (File.Exists(publicPath))
        {
            // Written by a concurrent start.
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ReportSigningKeyException($"cannot write the report signing key's public key {publicPath}: {ex.Message}", ex);
        }
        log.LogInformation("wrote the public key of report signing key {KeyId} to {PublicPath}", KeyId, publicPath);
    }

    /// <summary>The key id of a public key file, or null when it is not a readable EC public key.</summary>
    private static string? PublicKeyIdOf(string file)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(file));
            return ReportSignature.KeyIdOf(key);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or CryptographicException)
        {
            return null;
        }
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');

    public void Dispose()
    {
        lock (_gate) _key.Dispose();
    }
}

/// <summary>Public keys by key id: what a verifier trusts (the robot's own key, an office's list, retired keys).</summary>
public sealed class ReportPublicKeys : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys;

    private ReportPublicKeys(Dictionary<string, ECDsa> keys, IReadOnlyList<string> sources)
    {
        _keys = keys;
        Sources = sources;
    }

    public static ReportPublicKeys None { get; } = new([], []);

    /// <summary>Where the keys came from (for messages).</summary>
    public IReadOnlyList<string> Sources { get; }
    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Load public key files (PEM SubjectPublicKeyInfo; a private key file is accepted too, only its public half is kept).</summary>
    public static ReportPublicKeys Load(IEnumerable<string> files)
    {
        var list = new List<(string Pem, string Source)>();
        foreach (var file in files)
        {
            var full = System.IO.Path.GetFullPath(file);
            try
            {
                list.Add((File.ReadAllText(full), full));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new ReportSigningKeyException($"cannot read the public key {full}: {ex.Message}", ex);
            }
        }
        return FromPem(list);
    }

    internal static ReportPublicKeys FromPem(IEnumerable<(string Pem, string Source)> pems)
    {
        var keys = new Dictionary<string, ECDsa>(StringComparer.Ordinal);
        var sources = new List<string>();
        foreach (var (pem, source) in pems)
        {
            using var imported = ECDsa.Create();
            try
            {
                imported.ImportFromPem(pem);
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                foreach (var k in keys.Values) k.Dispose();
                throw new ReportSigningKeyException($"{source} is not a PEM EC public key ({ex.Message.Split('\n')[0].Trim()})", ex);
            }
            if (!ReportSignature.IsP256(imported))
            {
                foreach (var k in keys.Values) k.Dispose();
                throw new ReportSigningKeyException($"{source} is not a P-256 key");
            }
            // Keep the public half only.
            var publicOnly = ECDsa.Create(imported.ExportParameters(includePrivateParameters: false));
            var id = ReportSignature.KeyIdOf(publicOnly);
            if (!keys.TryAdd(id, publicOnly)) publicOnly.Dispose();
            sources.Add(source);
        }
        return new ReportPublicKeys(keys, sources);
    }

    public bool Knows(string keyId) => _keys.ContainsKey(keyId);

    /// <summary>True when <paramref name="signature"/> (base64 P1363) is the key's signature of <paramref name="data"/>. False for an unknown key or a malformed signature.</summary>
    public bool Verify(string keyId, ReadOnlySpan<byte> data, string signature)
    {
        if (!_keys.TryGetValue(keyId, out var key)) return false;
        var bytes = new byte[(signature.Length * 3 / 4) + 3];
        if (!Convert.TryFromBase64String(signature, bytes, out var written)) return false;
        lock (key) return key.VerifyData(data, bytes.AsSpan(0, written), HashAlgorithmName.SHA256, ReportSignature.Format);
    }

    public void Dispose()
    {
        if (ReferenceEquals(this, None)) return;
        foreach (var k in _keys.Values) k.Dispose();
    }
}
