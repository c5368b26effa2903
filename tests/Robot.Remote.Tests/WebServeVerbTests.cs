using System.Net;
using System.Runtime.Versioning;
using Robot.Protocol.Broker;
using Robot.Remote.Cli;

namespace Robot.Remote.Tests;

/// <summary>`robot-remote serve` and `users`: HTTPS from --cert, no plain HTTP off loopback, an owner-only accounts file.</summary>
public sealed class WebServeVerbTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("remote-serve-");
    private readonly TestCertificate _certificate = new();

    private string UsersFile => Path.Combine(_dir.FullName, "users.json");

    public void Dispose()
    {
        _certificate.Dispose();
        _dir.Delete(recursive: true);
    }

    [Fact]
    public async Task Serve_on_every_address_without_a_certificate_refuses_before_reading_anything()
    {
        var (code, output) = await CliAsync("serve", "--http-port", "8443", "--listen-any", "--users-file", UsersFile);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("will not listen on every address over plain HTTP", output, StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task The_users_verbs_write_an_owner_only_file_and_serve_refuses_one_others_may_read()
    {
        var (code, _) = await CliAsync("users", "add", "alice", "--role", "officer", "--password", "alice-secret-1", "--users-file", UsersFile);
        Assert.Equal(0, code);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(UsersFile));

        File.SetUnixFileMode(UsersFile, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        (code, var output) = await CliAsync("serve", "--http-port", "1", "--users-file", UsersFile);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains($"chmod 600 {UsersFile}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_a_certificate_speaks_HTTPS()
    {
        Assert.Equal(0, (await CliAsync("users", "add", "alice", "--role", "officer", "--password", "alice-secret-1", "--users-file", UsersFile)).Code);
        var port = EmbeddedBroker.FreePort(IPAddress.Loopback);
        using var stop = new CancellationTokenSource();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var serve = Task.Run(() => RemoteCli.RunAsync(
            ["serve", "--http-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cert", _certificate.CertPath, "--cert-key", _certificate.KeyPath,
             "--users-file", UsersFile, "--audit-file", Path.Combine(_dir.FullName, "audit.jsonl")],
            stdout, stderr, TimeProvider.System, stop.Token));
        using var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, c, _, _) => c is not null && c.GetCertHash().AsSpan().SequenceEqual(_certificate.Certificate.GetCertHash()),
        };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(20)))
        {
            while (true)
            {
                Assert.False(serve.IsCompleted, $"serve ended: {stderr}");
                try
                {
                    Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/me", patience.Token)).StatusCode);
                    break;
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(50, patience.Token); // not listening yet
                }
            }
        }
        await stop.CancelAsync();
        Assert.Equal(0, await serve.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains($"web remote on https://127.0.0.1:{port}", stdout.ToString(), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await RemoteCli.RunAsync(args, stdout, stderr, TimeProvider.System);
        return (code, stdout.ToString() + stderr);
    }
}
