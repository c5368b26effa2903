using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Robot.Remote.Cli;
using Robot.Remote.Web;
using static Robot.Remote.BrowserTests.Phones;

namespace Robot.Remote.BrowserTests;

/// <summary>The web remote's server rules over plain HTTP against the real server of the demo host.</summary>
[Collection(DemoCollection.Name)]
public sealed class ServerTests(DemoFixture demo)
{
    private const string Robot = DemoFixture.Serial;

    [Fact]
    public async Task Nothing_but_sign_in_is_served_to_a_stranger()
    {
        using var http = Client(out _);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/robots")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync($"/api/robots/{Robot}/estop", new { })).StatusCode);
        var wrong = await http.PostAsJsonAsync("/api/signin", new { user = "officer", password = "not the password" });
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("wrong user name or password", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_five_failed_sign_ins_this_device_waits_even_with_the_right_password()
    {
        var users = demo.Demo.Web!.Services.GetRequiredService<UserStore>();
        users.Add("locktest", Roles.Officer, "right-password-1");
        using var http = Client(out _);
        for (var i = 0; i < UserStore.MaxFailures - 1; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/api/signin", new { user = "locktest", password = "wrong-" + i })).StatusCode);
        var fifth = await http.PostAsJsonAsync("/api/signin", new { user = "locktest", password = "wrong-5" });
        Assert.Equal(HttpStatusCode.TooManyRequests, fifth.StatusCode);
        Assert.NotNull(fifth.Headers.RetryAfter?.Delta);
        var right = await http.PostAsJsonAsync("/api/signin", new { user = "locktest", password = "right-password-1" });
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.Contains("try again in", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_changing_request_without_the_CSRF_token_is_refused_and_changes_nothing()
    {
        using var http = await SignedInAsync("officer");
        http.DefaultRequestHeaders.Remove(RemoteWebApp.CsrfHeader);
        var before = Audit().Count;
        var response = await http.PostAsJsonAsync($"/api/robots/{Robot}/lift", new { heightM = 1.0 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("CSRF", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, Audit().Count);
    }

    [Theory]
    [InlineData("TGHU7720310", "40ft", 14, -6, "the check digit is 0, it should be 3")]
    [InlineData("TGHU772031", "40ft", 14, -6, "has 10 characters")]
    [InlineData("TGHU7720313", "45ft", 14, -6, "the container type must be one of")]
    [InlineData("TGHU7720313", "40ft", 5000, -6, "outside the yard")]
    [InlineData("TGHU7720313", "40ft", 14, -900, "outside the yard")]
    public async Task Bad_inspection_input_is_refused_with_a_clear_message_and_audited(string number, string type, double x, double y, string message)
    {
        using var http = await SignedInAsync("officer");
        var response = await http.PostAsJsonAsync($"/api/robots/{Robot}/inspect", new { containerNumber = number, containerType = type, x, y, theta = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var entry = Audit()[0];
        Assert.Equal(("officer", "inspect", "rejected"), (entry.User, entry.Command, entry.Result));
    }

    [Fact]
    public async Task A_lift_height_out_of_range_is_refused()
    {
        using var http = await SignedInAsync("officer");
        var response = await http.PostAsJsonAsync($"/api/robots/{Robot}/lift", new { heightM = 99.0 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("lift height must be between 0 and", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_command_is_audited_and_only_maintainers_read_the_audit()
    {
        using var officer = await SignedInAsync("officer");
        var lift = await officer.PostAsJsonAsync($"/api/robots/{Robot}/lift", new { heightM = 0.4 });
        Assert.Equal(HttpStatusCode.OK, lift.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/api/audit")).StatusCode);
        using var maintainer = await SignedInAsync("maintainer");
        var audit = await maintainer.GetStringAsync("/api/audit");
        using var doc = JsonDocument.Parse(audit);
        var first = doc.RootElement.EnumerateArray().First(e => e.GetProperty("command").GetString() == "liftTo");
        Assert.Equal("officer", first.GetProperty("user").GetString());
        Assert.Equal(Robot, first.GetProperty("robot").GetString());
        Assert.Equal("accepted", first.GetProperty("result").GetString());
        Assert.True(first.TryGetProperty("at", out _));
    }

    [Fact]
    public async Task The_server_stops_teleop_when_its_page_goes_quiet_with_the_socket_still_open()
    {
        using var http = await SignedInAsync("officer", out var cookies);
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        await socket.ConnectAsync(new Uri(demo.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/" + Robot), CancellationToken.None);
        var drive = demo.Robot.World.Drive;
        // Keep pushing until the robot drives, then go quiet without closing or saying "stop".
        using (var push = new CancellationTokenSource(DemoFixture.Patience))
        {
            while (drive.Command.Linear <= 0)
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes("""{"t":"joy","linear":0.5,"angular":0}"""), WebSocketMessageType.Text, true, push.Token);
                await Task.Delay(100, push.Token);
            }
        }
        await WaitUntilAsync(() => drive.Command.Linear == 0, "the robot stops after the page goes quiet");
        Assert.Equal(WebSocketState.Open, socket.State);
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    [Fact]
    public async Task A_socket_from_another_origin_is_refused()
    {
        using var http = await SignedInAsync("officer", out var cookies);
        using var socket = new ClientWebSocket();
        socket.Options.Cookies = cookies;
        socket.Options.SetRequestHeader("Origin", "http://evil.example");
        await Assert.ThrowsAsync<WebSocketException>(() =>
            socket.ConnectAsync(new Uri(demo.Url.Replace("http://", "ws://", StringComparison.Ordinal) + "/ws/" + Robot), CancellationToken.None));
    }

    [Fact]
    public async Task The_users_verbs_keep_salted_hashes_in_a_file_and_serve_refuses_without_accounts()
    {
        var dir = Directory.CreateTempSubdirectory("remote-users-");
        try
        {
            var file = Path.Combine(dir.FullName, "users.json");
            var (code, output) = await CliAsync("users", "add", "alice", "--role", "officer", "--password", "alice-secret-1", "--users-file", file);
            Assert.Equal(0, code);
            Assert.DoesNotContain("alice-secret-1", await File.ReadAllTextAsync(file), StringComparison.Ordinal);
            (code, output) = await CliAsync("users", "add", "bob", "--role", "observer", "--password", "short", "--users-file", file);
            Assert.Equal(ExitCodes.BadArguments, code);
            Assert.Contains("at least 10 characters", output, StringComparison.Ordinal);
            (code, output) = await CliAsync("users", "passwd", "alice", "--password", "alice-secret-2", "--users-file", file);
            Assert.Equal(0, code);
            var store = UserStore.Open(file, TimeProvider.System);
            Assert.Equal(SignInResult.Ok, store.SignIn("alice", "alice-secret-2", IPAddress.Loopback).Result);
            Assert.Equal(SignInResult.BadCredentials, store.SignIn("alice", "alice-secret-1", IPAddress.Loopback).Result);
            (code, output) = await CliAsync("users", "list", "--users-file", file);
            Assert.Contains("alice\tofficer", output, StringComparison.Ordinal);
            (code, _) = await CliAsync("users", "remove", "alice", "--users-file", file);
            Assert.Equal(0, code);
            (code, output) = await CliAsync("serve", "--http-port", "1", "--users-file", file);
            Assert.Equal(ExitCodes.BadArguments, code);
            Assert.Contains("no accounts", output, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await RemoteCli.RunAsync(args, stdout, stderr, TimeProvider.System);
        return (code, stdout.ToString() + stderr);
    }

    private IReadOnlyList<AuditEntry> Audit() => demo.Demo.Web!.Services.GetRequiredService<AuditLog>().Newest(1000);

    private HttpClient Client(out CookieContainer cookies)
    {
        cookies = new CookieContainer();
        return new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(demo.Url) };
    }

    private Task<HttpClient> SignedInAsync(string user) => SignedInAsync(user, out _);

    private Task<HttpClient> SignedInAsync(string user, out CookieContainer cookies)
    {
        var http = Client(out cookies);
        return SignInAsync(http, user);
    }

    private async Task<HttpClient> SignInAsync(HttpClient http, string user)
    {
        var response = await http.PostAsJsonAsync("/api/signin", new { user, password = demo.Demo.Accounts[user] });
        response.EnsureSuccessStatusCode();
        using var me = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        http.DefaultRequestHeaders.Add(RemoteWebApp.CsrfHeader, me.RootElement.GetProperty("csrfToken").GetString());
        return http;
    }
}
