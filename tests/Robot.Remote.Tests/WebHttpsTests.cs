using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Time.Testing;
using Robot.Remote.Tests.Support;
using Robot.Remote.Web;

namespace Robot.Remote.Tests;

/// <summary>A self-signed certificate made here; the phones trust exactly it (pinned).</summary>
internal sealed class TestCertificate : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("remote-cert-");

    public TestCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=robot-remote test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        // TLS checks validity on the real clock (the pinned test phones do not care).
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        File.WriteAllText(CertPath, Certificate.ExportCertificatePem());
        File.WriteAllText(KeyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllBytes(PfxPath, Certificate.Export(X509ContentType.Pkcs12, PfxPassword));
    }

    public const string PfxPassword = "pfx-password-1";
    public X509Certificate2 Certificate { get; }
    public string CertPath => Path.Combine(_dir.FullName, "remote.crt");
    public string KeyPath => Path.Combine(_dir.FullName, "remote.key");
    public string PfxPath => Path.Combine(_dir.FullName, "remote.pfx");

    public void Dispose()
    {
        Certificate.Dispose();
        _dir.Delete(recursive: true);
    }
}

/// <summary>
/// The remote over HTTPS with a PEM certificate and key on loopback: sign-in, cookies Secure,
/// HttpOnly and SameSite=Strict, the live socket over wss.
/// </summary>
public sealed class WebHttpsTests : WebRemoteTestBase, IDisposable
{
    private readonly TestCertificate _certificate = new();

    public void Dispose() => _certificate.Dispose();

    protected override void Configure(RemoteWebOptions options)
    {
        options.CertificatePath = _certificate.CertPath;
        options.CertificateKeyPath = _certificate.KeyPath;
        TrustedCertificate = _certificate.Certificate;
    }

    [Fact]
    public async Task Over_HTTPS_every_cookie_is_Secure_HttpOnly_and_SameSite_Strict()
    {
        Assert.StartsWith("https://", Url, StringComparison.Ordinal);
        using var phone = Stranger();
        var response = await phone.Http.PostAsJsonAsync("/api/signin", new { user = "officerA", password = Accounts["officerA"].Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith("robot-remote=", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("robot-remote-csrf=", StringComparison.Ordinal));
        Assert.All(cookies, c =>
        {
            var attributes = c.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
            Assert.Contains("secure", attributes);
            Assert.Contains("httponly", attributes);
            Assert.Contains("samesite=strict", attributes);
        });
        Assert.Equal("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Equal(HttpStatusCode.OK, (await phone.Http.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task The_live_socket_works_over_wss()
    {
        using var phone = await SignInAsync("officerA");
        await using var socket = await phone.OpenSocketAsync(); // wss://, the test certificate pinned
        await socket.NextAsync("lease");
    }

    [Fact]
    public async Task Plain_HTTP_to_the_HTTPS_port_gets_no_page()
    {
        using var http = new HttpClient { BaseAddress = new Uri(Url.Replace("https://", "http://", StringComparison.Ordinal)) };
        // Kestrel drops a connection that does not start with a TLS handshake.
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("/"));
    }
}

/// <summary>What the remote refuses to start with, and the PKCS#12 form of the certificate.</summary>
public sealed class WebListenTests : IDisposable
{
    private readonly TestCertificate _certificate = new();
    private readonly FakeTimeProvider _time = new();

    public void Dispose() => _certificate.Dispose();

    private RemoteWebOptions Options(bool listenAny = false) => new()
    {
        HttpPort = Robot.Protocol.Broker.EmbeddedBroker.FreePort(IPAddress.Loopback),
        ListenAnyAddress = listenAny,
        Users = UserStore.InMemory(_time),
    };

    [Fact]
    public void Listening_on_every_address_without_a_certificate_refuses_to_start()
    {
        var refused = Assert.Throws<ArgumentException>(() => RemoteWebApp.Build(Options(listenAny: true), _time));
        Assert.Contains("will not listen on every address over plain HTTP", refused.Message, StringComparison.Ordinal);
        Assert.Contains("--cert", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PKCS12_certificate_with_its_password_serves_HTTPS()
    {
        var options = Options();
        options.CertificatePath = _certificate.PfxPath;
        options.CertificatePassword = TestCertificate.PfxPassword;
        await using var app = RemoteWebApp.Build(options, _time);
        await app.StartAsync();
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c is not null && c.GetCertHash().AsSpan().SequenceEqual(_certificate.Certificate.GetCertHash()) };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{options.HttpPort}") };
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/me")).StatusCode);
        await app.StopAsync();
    }

    [Fact]
    public void A_wrong_PKCS12_password_is_refused_naming_the_file()
    {
        var options = Options();
        options.CertificatePath = _certificate.PfxPath;
        options.CertificatePassword = "not-the-password";
        var refused = Assert.Throws<ArgumentException>(() => RemoteWebApp.Build(options, _time));
        Assert.StartsWith($"certificate {_certificate.PfxPath}: ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PEM_certificate_without_its_key_is_refused()
    {
        var options = Options();
        options.CertificatePath = _certificate.CertPath;
        var refused = Assert.Throws<ArgumentException>(() => RemoteWebApp.Build(options, _time));
        Assert.Contains(_certificate.CertPath, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_certificate_file_is_refused_naming_it()
    {
        var options = Options(listenAny: true);
        options.CertificatePath = _certificate.CertPath + ".missing";
        var refused = Assert.Throws<ArgumentException>(() => RemoteWebApp.Build(options, _time));
        Assert.StartsWith($"certificate {options.CertificatePath}", refused.Message, StringComparison.Ordinal);
    }
}
