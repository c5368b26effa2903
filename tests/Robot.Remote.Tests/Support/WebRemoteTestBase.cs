using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Robot.Protocol.Broker;
using Robot.Protocol.Extensions;
using Robot.Remote.Client;
using Robot.Remote.Web;

namespace Robot.Remote.Tests.Support;

/// <summary>
/// The web remote's real server (Kestrel on a free loopback port) on a fake clock, in front of a
/// real embedded broker and the fake robot R1 that takes orders and answers instant actions. Four
/// accounts: officerA, officerB, maintainer, observer. The yard is 60 x 40 m with two containers.
/// </summary>
public abstract class WebRemoteTestBase : IAsyncLifetime
{
    /// <summary>Guards against hangs; never a measurement.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    protected const string Serial = "R1";
    /// <summary>10:42 UTC; the fake clock's local time zone is UTC, so the server says "since 10:42".</summary>
    protected static readonly DateTimeOffset Start = new(2026, 5, 4, 10, 42, 0, TimeSpan.Zero);
    protected static readonly TimeSpan LeaseQuiet = TimeSpan.FromSeconds(15);
    protected static readonly YardContainer Hot = new("TGHU7720313", "40ft", 14, -6, 0);
    protected static readonly YardContainer Clean = new("CSQU3054383", "20ft", 12, 4, 0);

    protected static readonly Dictionary<string, (string Role, string Password)> Accounts = new()
    {
        ["officerA"] = (Roles.Officer, "officer-a-password"),
        ["officerB"] = (Roles.Officer, "officer-b-password"),
        ["maintainer"] = (Roles.Maintainer, "maintainer-password"),
        ["observer"] = (Roles.Observer, "observer-password"),
    };

    protected FakeTimeProvider Time { get; } = new(Start);
    private protected EmbeddedBroker Broker { get; private set; } = null!;
    private protected FakeRobot Robot { get; private set; } = null!;
    protected WebApplication App { get; private set; } = null!;
    protected string Url { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        Robot = await FakeRobot.StartAsync(Broker, Serial);
        Robot.AnswerOrders = true;
        var users = UserStore.InMemory(Time);
        foreach (var (name, (role, password)) in Accounts) users.Add(name, role, password);
        var port = EmbeddedBroker.FreePort(IPAddress.Loopback);
        var options = new RemoteWebOptions
        {
            HttpPort = port,
            Users = users,
            Broker = new RobotClientOptions { BrokerUri = Broker.Uri, ClientIdPrefix = "robot-web-test", Username = "web-remote", Password = Broker.Accounts.Issue("web-remote", ClientRole.Officer) },
            Yard = new YardBounds(-10, -20, 50, 20),
            Containers = [Clean, Hot],
            LeaseQuiet = LeaseQuiet,
        };
        Configure(options);
        App = RemoteWebApp.Build(options, Time);
        await App.StartAsync();
        Url = $"{(options.UsesHttps ? "https" : "http")}://127.0.0.1:{port}";
    }

    /// <summary>A test class's changes to the server's options (a certificate, say) before it starts.</summary>
    protected virtual void Configure(RemoteWebOptions options)
    {
    }

    /// <summary>The one server certificate the phones trust (pinned), when the server speaks HTTPS.</summary>
    protected X509Certificate2? TrustedCertificate { get; set; }

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Robot.DisposeAsync();
        await Broker.DisposeAsync();
    }

    protected IReadOnlyList<AuditEntry> Audit() => App.Services.GetRequiredService<AuditLog>().Newest(1000);

    /// <summary>A phone nobody signed in on (connecting from <paramref name="from"/>, another loopback address, if given).</summary>
    protected Phone Stranger(string? from = null) => new(this, "", from);

    /// <summary>A phone signed in as <paramref name="user"/>, with its CSRF token set.</summary>
    protected async Task<Phone> SignInAsync(string user, string? from = null)
    {
        var phone = new Phone(this, user, from);
        var response = await phone.Http.PostAsJsonAsync("/api/signin", new { user, password = Accounts[user].Password });
        response.EnsureSuccessStatusCode();
        using var me = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        phone.Http.DefaultRequestHeaders.Add(RemoteWebApp.CsrfHeader, me.RootElement.GetProperty("csrfToken").GetString());
        return phone;
    }

    /// <summary>Wait (with a real-time guard, not a measurement) until <paramref name="condition"/> holds.</summary>
    protected static async Task WaitUntil(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            if (timeout.IsCancellationRequested) Assert.Fail("timed out waiting until " + what);
            await Task.Delay(10, CancellationToken.None);
        }
    }

    /// <summary>
    /// A marker through the whole path (server, broker, robot): silence-alarm needs no lease, so any
    /// officer may send it. Whatever the server published for earlier ticks has reached the robot
    /// before the marker does, so a test can then check that nothing else came.
    /// </summary>
    private protected async Task MarkerAsync(Phone officer)
    {
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync("silence-alarm")).StatusCode);
        while ((await NextAsync(Robot.Commands)).Command != CommandNames.SilenceAlarm)
        {
        }
    }

    protected static async Task<T> NextAsync<T>(System.Threading.Channels.Channel<T> channel) =>
        await channel.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    /// <summary>
    /// One signed-in browser: cookies, CSRF header, and its live socket. From another loopback
    /// address (127.0.0.2, ...) when <paramref name="from"/> is given: the server sees another device.
    /// </summary>
    protected sealed class Phone(WebRemoteTestBase test, string user, string? from = null) : IDisposable
    {
        private readonly CookieContainer _cookies = new();
        private HttpClient? _http;

        public string User { get; } = user;
        public CookieContainer Cookies => _cookies;
        public HttpClient Http => _http ??= new HttpClient(Handler()) { BaseAddress = new Uri(test.Url) };

        private SocketsHttpHandler Handler()
        {
            var handler = new SocketsHttpHandler { CookieContainer = _cookies };
            if (test.TrustedCertificate is { } trusted)
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHash().AsSpan().SequenceEqual(trusted.GetCertHash());
            if (from is not null)
            {
                handler.ConnectCallback = async (context, ct) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(IPAddress.Parse(from), 0));
                        await socket.ConnectAsync(context.DnsEndPoint, ct);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                };
            }
            return handler;
        }

        public Task<HttpResponseMessage> PostAsync(string path, object? body = null) =>
            Http.PostAsJsonAsync($"/api/robots/{Serial}/{path}", body ?? new { });

        public async Task<PageSocket> OpenSocketAsync()
        {
            var socket = new ClientWebSocket();
            socket.Options.Cookies = _cookies;
            if (test.TrustedCertificate is { } trusted)
                socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHash().AsSpan().SequenceEqual(trusted.GetCertHash());
            // http -> ws, https -> wss
            await socket.ConnectAsync(new Uri("ws" + test.Url["http".Length..] + "/ws/" + Serial), CancellationToken.None);
            return new PageSocket(socket);
        }

        public void Dispose() => _http?.Dispose();
    }

    /// <summary>The page's WebSocket as a test drives it.</summary>
    protected sealed class PageSocket(ClientWebSocket socket) : IAsyncDisposable
    {
        public ClientWebSocket Socket => socket;

        public Task SendAsync(string json) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, CancellationToken.None);

        /// <summary>The next message (of kind <paramref name="t"/>) that satisfies <paramref name="match"/>; others are skipped.</summary>
        public async Task<JsonElement> NextAsync(string t, Func<JsonElement, bool>? match = null)
        {
            using var timeout = new CancellationTokenSource(Patience);
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close) Assert.Fail($"the server closed the socket while we waited for '{t}'");
                using var doc = JsonDocument.Parse(buffer.AsMemory(0, result.Count));
                var root = doc.RootElement;
                if (root.GetProperty("t").GetString() == t && (match is null || match(root))) return root.Clone();
            }
        }

        /// <summary>Read on (skipping messages) until the server closes the socket; its close status and reason.</summary>
        public async Task<(WebSocketCloseStatus? Status, string? Reason)> ClosedAsync()
        {
            using var timeout = new CancellationTokenSource(Patience);
            var buffer = new byte[64 * 1024];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, timeout.Token);
                if (result.MessageType == WebSocketMessageType.Close) return (result.CloseStatus, result.CloseStatusDescription);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (socket.State == WebSocketState.Open)
            {
                using var timeout = new CancellationTokenSource(Patience);
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token);
            }
            socket.Dispose();
        }
    }
}
