using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Robot.Remote.Client;

namespace Robot.Remote.Web;

/// <summary>How the web remote runs: where it listens, which broker it uses, where accounts and the audit log live.</summary>
public sealed class RemoteWebOptions
{
    /// <summary>Listen on 127.0.0.1 unless <see cref="ListenAnyAddress"/>; HTTPS on this port when there is a certificate.</summary>
    public int HttpPort { get; set; } = 8080;
    /// <summary>Listen on every address: only with a certificate (<see cref="Problem"/>).</summary>
    public bool ListenAnyAddress { get; set; }
    /// <summary>
    /// The server certificate: a PEM file (with its private key in <see cref="CertificateKeyPath"/>
    /// or in the same file) or a PKCS#12 file (.pfx/.p12, password in <see cref="CertificatePassword"/>).
    /// With it the remote speaks HTTPS only, and its cookies are Secure.
    /// </summary>
    public string? CertificatePath { get; set; }
    public string? CertificateKeyPath { get; set; }
    public string? CertificatePassword { get; set; }
    public bool UsesHttps => CertificatePath is not null;
    /// <summary>The remote's own broker connection (credentials stay on the server).</summary>
    public RobotClientOptions Broker { get; set; } = new() { ClientIdPrefix = "robot-web" };
    public required UserStore Users { get; init; }
    /// <summary>JSON-lines audit file; null keeps the audit only in memory.</summary>
    public string? AuditPath { get; set; }
    public YardBounds Yard { get; set; } = YardBounds.Default;
    /// <summary>The containers the yard map shows (tap one to fill the inspection form).</summary>
    public IReadOnlyList<YardContainer> Containers { get; set; } = [];
    /// <summary>A control lease lapses when its holder's phone has been quiet (no command, no WebSocket message) this long.</summary>
    public TimeSpan LeaseQuiet { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>The server stops streaming teleop when the page has sent nothing for this long.</summary>
    public TimeSpan JoystickQuiet { get; set; } = TimeSpan.FromMilliseconds(400);
    /// <summary>Cookie session lifetime (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
    public double MaxLinearMps { get; set; } = 0.5;
    public double MaxAngularRadps { get; set; } = 0.8;
    public double MaxLiftHeightM { get; set; } = 3.0;

    /// <summary>Null when the remote may start so, otherwise why not (plain HTTP off loopback would send passwords and sessions in clear).</summary>
    public string? Problem() => ListenProblem(HttpPort, ListenAnyAddress, CertificatePath, CertificateKeyPath);

    internal static string? ListenProblem(int port, bool listenAny, string? certificatePath, string? certificateKeyPath)
    {
        if (port is < 0 or > 65535) return $"the web remote's port must be 0 to 65535, got {port}";
        if (certificatePath is null && certificateKeyPath is not null)
            return "a certificate key was given without the certificate (--cert FILE)";
        if (listenAny && certificatePath is null)
        {
            return "the web remote will not listen on every address over plain HTTP: passwords and session cookies would cross the network in clear. "
                   + "Give it a certificate (--cert FILE, with --cert-key FILE for a PEM key) or listen on 127.0.0.1 only";
        }
        return null;
    }

    /// <summary>The certificate with its private key; null for plain HTTP. Throws <see cref="ArgumentException"/> saying what is wrong.</summary>
    public X509Certificate2? LoadCertificate()
    {
        if (CertificatePath is not { } path) return null;
        try
        {
            var text = File.ReadAllBytes(path);
            X509Certificate2 certificate;
            if (System.Text.Encoding.ASCII.GetString(text).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                using var pem = CertificatePassword is { } password
                    ? X509Certificate2.CreateFromEncryptedPemFile(path, password, CertificateKeyPath)
                    : X509Certificate2.CreateFromPemFile(path, CertificateKeyPath);
                // A PEM key is ephemeral; TLS on every platform wants it in a PKCS#12 store (as Kestrel itself does).
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
            else
            {
                if (CertificateKeyPath is not null) throw new ArgumentException($"certificate {path} is not PEM, so it takes no separate key file (--cert-key)");
                certificate = X509CertificateLoader.LoadPkcs12(text, CertificatePassword);
            }
            if (!certificate.HasPrivateKey)
            {
                certificate.Dispose();
                throw new ArgumentException($"certificate {path} has no private key: give the key (--cert-key FILE) or a .pfx with it");
            }
            return certificate;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"certificate {path}{(CertificateKeyPath is { } key ? $" (key {key})" : "")}: {ex.Message}", ex);
        }
    }
}
