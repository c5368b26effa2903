using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Server;
using Robot.Protocol.Broker;

namespace Robot.TestSupport;

/// <summary>
/// A port network's PKI in miniature, made fresh for each test: a certificate authority, a broker
/// certificate it signed (for 127.0.0.1 and localhost unless told otherwise), and an MQTTnet broker
/// that listens on a TLS endpoint on 127.0.0.1 only. <see cref="CaFile"/> is the CA as PEM, as a
/// maintainer would install it; <see cref="OtherCaFile"/> is a CA that signed nothing here.
/// </summary>
public sealed class TlsTestBroker : IAsyncDisposable
{
    private readonly MqttServer _server;

    private TlsTestBroker(MqttServer server, int port, string caFile, string otherCaFile)
    {
        _server = server;
        Port = port;
        CaFile = caFile;
        OtherCaFile = otherCaFile;
    }

    public int Port { get; }
    public Uri Uri => new($"mqtts://127.0.0.1:{Port}");
    public string CaFile { get; }
    public string OtherCaFile { get; }

    /// <param name="directory">Where the PEM files go.</param>
    /// <param name="names">The names the broker's certificate is for (IP addresses or DNS names).</param>
    public static async Task<TlsTestBroker> StartAsync(string directory, params string[] names)
    {
        if (names.Length == 0) names = ["127.0.0.1", "localhost"];
        var now = DateTimeOffset.UtcNow;
        using var ca = CreateAuthority("CN=Test Port Customs CA", now);
        using var other = CreateAuthority("CN=Some Other CA", now);
        using var brokerCertificate = CreateServerCertificate(ca, names, now);
        var caFile = Path.Combine(directory, "port-ca.pem");
        var otherCaFile = Path.Combine(directory, "other-ca.pem");
        await File.WriteAllTextAsync(caFile, ca.ExportCertificatePem());
        await File.WriteAllTextAsync(otherCaFile, other.ExportCertificatePem());

        // Reloaded from PKCS#12 so that SslStream gets a certificate with a usable private key.
        var pfx = X509CertificateLoader.LoadPkcs12(brokerCertificate.Export(X509ContentType.Pkcs12), null);
        var port = EmbeddedBroker.FreePort(IPAddress.Loopback);
        var options = new MqttServerOptionsBuilder()
            .WithoutDefaultEndpoint()
            .WithEncryptedEndpoint()
            .WithEncryptedEndpointBoundIPAddress(IPAddress.Loopback)
            .WithEncryptedEndpointBoundIPV6Address(IPAddress.None)
            .WithEncryptedEndpointPort(port)
            .WithEncryptionCertificate(pfx)
            .WithEncryptionSslProtocol(SslProtocols.Tls12 | SslProtocols.Tls13)
            .Build();
        var server = new MqttServerFactory().CreateMqttServer(options);
        await server.StartAsync();
        return new TlsTestBroker(server, port, caFile, otherCaFile);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync();
        _server.Dispose();
    }

    internal static X509Certificate2 CreateAuthority(string subject, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
    }

    internal static X509Certificate2 CreateServerCertificate(X509Certificate2 authority, string[] names, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + names[0], key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in names)
        {
            if (IPAddress.TryParse(name, out var ip)) san.AddIpAddress(ip);
            else san.AddDnsName(name);
        }
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server authentication
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        using var signed = request.Create(authority, now.AddDays(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(8));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>A client certificate (client authentication) for <paramref name="commonName"/>, signed by <paramref name="authority"/>.</summary>
    internal static X509Certificate2 CreateClientCertificate(X509Certificate2 authority, string commonName, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=" + commonName, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false)); // client authentication
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        using var signed = request.Create(authority, now.AddDays(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(8));
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>Writes a certificate and its private key as PEM files.</summary>
    internal static void WritePem(X509Certificate2 certificate, string certificateFile, string keyFile)
    {
        File.WriteAllText(certificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }
}
