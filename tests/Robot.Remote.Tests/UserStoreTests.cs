using System.Net;
using System.Runtime.Versioning;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Time.Testing;
using Robot.Remote.Web;
using SignInResult = Robot.Remote.Web.SignInResult;

namespace Robot.Remote.Tests;

/// <summary>
/// The accounts file: owner-only, refused when others may read it, read again when another process
/// (robot-remote users ...) changes it; sign-in costs one hash verification whether the name exists or not.
/// </summary>
public sealed class UserStoreTests : IDisposable
{
    private static readonly IPAddress Phone = IPAddress.Parse("10.0.0.7");
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("remote-users-");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 4, 10, 42, 0, TimeSpan.Zero));

    private string File => Path.Combine(_dir.FullName, "users.json");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void The_accounts_file_is_written_owner_only()
    {
        var store = UserStore.Open(File, _time);
        store.Add("alice", Roles.Officer, "alice-secret-1");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File));
        store.SetPassword("alice", "alice-secret-2");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.GroupWrite)]
    [UnsupportedOSPlatform("windows")]
    public void A_file_that_group_or_others_may_use_is_refused_saying_how_to_fix_it(UnixFileMode extra)
    {
        UserStore.Open(File, _time).Add("alice", Roles.Officer, "alice-secret-1");
        System.IO.File.SetUnixFileMode(File, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);
        var refused = Assert.Throws<ArgumentException>(() => UserStore.Open(File, _time));
        Assert.Contains($"chmod 600 {File}", refused.Message, StringComparison.Ordinal);
        Assert.Contains("group or others", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void A_file_opened_to_others_while_serving_stops_all_sign_ins_until_fixed()
    {
        var server = UserStore.Open(File, _time);
        server.Add("alice", Roles.Officer, "alice-secret-1");
        System.IO.File.SetUnixFileMode(File, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        // (a chmod does not change the last-write time: a write does, e.g. an editor saving it)
        System.IO.File.SetLastWriteTimeUtc(File, System.IO.File.GetLastWriteTimeUtc(File).AddSeconds(1));
        var attempt = server.SignIn("alice", "alice-secret-1", Phone);
        Assert.Equal(SignInResult.Unavailable, attempt.Result);
        Assert.Contains("chmod 600", attempt.Problem, StringComparison.Ordinal);
        Assert.Null(server.Find("alice"));

        System.IO.File.SetUnixFileMode(File, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        System.IO.File.SetLastWriteTimeUtc(File, System.IO.File.GetLastWriteTimeUtc(File).AddSeconds(1));
        Assert.Equal(SignInResult.Ok, server.SignIn("alice", "alice-secret-1", Phone).Result);
    }

    [Fact]
    public void An_account_removed_by_another_process_cannot_sign_in_on_the_running_server()
    {
        var server = UserStore.Open(File, _time);
        server.Add("alice", Roles.Officer, "alice-secret-1");
        server.Add("bob", Roles.Officer, "bob-secret-11");
        Assert.Equal(SignInResult.Ok, server.SignIn("alice", "alice-secret-1", Phone).Result);

        UserStore.Open(File, _time).Remove("alice"); // robot-remote users remove alice

        Assert.Equal(SignInResult.BadCredentials, server.SignIn("alice", "alice-secret-1", Phone).Result);
        Assert.Null(server.Find("alice"));
        Assert.Equal(["bob"], server.Users.Select(u => u.Name));
    }

    [Fact]
    public void A_password_changed_by_another_process_takes_effect_on_the_running_server()
    {
        var server = UserStore.Open(File, _time);
        server.Add("alice", Roles.Officer, "alice-secret-1");
        UserStore.Open(File, _time).SetPassword("alice", "alice-secret-2");
        Assert.Equal(SignInResult.BadCredentials, server.SignIn("alice", "alice-secret-1", Phone).Result);
        Assert.Equal(SignInResult.Ok, server.SignIn("alice", "alice-secret-2", Phone).Result);
    }

    [Fact]
    public void An_unreadable_file_is_refused_with_its_name()
    {
        System.IO.File.WriteAllText(File, "{ not json");
        if (!OperatingSystem.IsWindows()) System.IO.File.SetUnixFileMode(File, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var refused = Assert.Throws<ArgumentException>(() => UserStore.Open(File, _time));
        Assert.StartsWith($"accounts file {File}: ", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_name_costs_the_same_one_verification_as_a_known_one()
    {
        var hasher = new CountingHasher();
        var store = UserStore.InMemory(_time, hasher);
        store.Add("alice", Roles.Officer, "alice-secret-1");
        hasher.Verified.Clear();

        Assert.Equal(SignInResult.BadCredentials, store.SignIn("alice", "wrong-password", Phone).Result);
        Assert.Equal(SignInResult.BadCredentials, store.SignIn("mallory", "wrong-password", Phone).Result);

        Assert.Equal(2, hasher.Verified.Count);
        var (known, unknown) = (hasher.Verified[0], hasher.Verified[1]);
        // The same format, pseudo-random function, iteration count and salt length: the same work.
        Assert.Equal(Header(known), Header(unknown));
        Assert.Equal(known.Length, unknown.Length);
        Assert.NotEqual(known, unknown);
    }

    [Fact]
    public void Failures_are_throttled_per_address_doubling_and_forgotten_after_an_hour()
    {
        var store = UserStore.InMemory(_time);
        store.Add("alice", Roles.Officer, "alice-secret-1");
        var attacker = IPAddress.Parse("10.0.0.66");
        for (var i = 1; i < UserStore.MaxFailures; i++) Assert.Equal(SignInResult.BadCredentials, store.SignIn("alice", "x" + i, attacker).Result);
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            var attempt = store.SignIn("alice", "y" + i, attacker);
            Assert.Equal(SignInResult.Throttled, attempt.Result);
            delays.Add(attempt.RetryAfter);
            // Asking early is refused without counting as another failure.
            _time.Advance(attempt.RetryAfter - TimeSpan.FromSeconds(1));
            Assert.Equal(SignInResult.Throttled, store.SignIn("alice", "alice-secret-1", attacker).Result);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        Assert.Equal([30, 60, 120, 240, 480, 900, 900, 900], delays.Select(d => d.TotalSeconds));
        Assert.Equal(SignInResult.Ok, store.SignIn("alice", "alice-secret-1", Phone).Result);

        _time.Advance(UserStore.ForgetAfter);
        Assert.Equal(SignInResult.BadCredentials, store.SignIn("alice", "z", attacker).Result);
    }

    [Fact]
    public void A_successful_sign_in_clears_that_addresss_failures()
    {
        var store = UserStore.InMemory(_time);
        store.Add("alice", Roles.Officer, "alice-secret-1");
        for (var i = 1; i < UserStore.MaxFailures; i++) store.SignIn("alice", "x" + i, Phone);
        Assert.Equal(SignInResult.Ok, store.SignIn("alice", "alice-secret-1", Phone).Result);
        for (var i = 1; i < UserStore.MaxFailures; i++) Assert.Equal(SignInResult.BadCredentials, store.SignIn("alice", "x" + i, Phone).Result);
    }

    [Theory]
    [InlineData("10.0.0.7", "10.0.0.7")]
    [InlineData("::ffff:10.0.0.7", "10.0.0.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("::1", "::1")]
    public void Clients_are_told_apart_by_IPv4_address_or_IPv6_slash_64(string address, string key) =>
        Assert.Equal(key, UserStore.ClientKey(IPAddress.Parse(address)));

    /// <summary>ASP.NET Core Identity v3 hash: format byte, PRF, iteration count, salt length (13 bytes).</summary>
    private static string Header(string hash) => Convert.ToHexString(Convert.FromBase64String(hash).AsSpan(0, 13));

    private sealed class CountingHasher : IPasswordHasher<WebUser>
    {
        private readonly PasswordHasher<WebUser> _inner = new();
        public List<string> Verified { get; } = [];

        public string HashPassword(WebUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(WebUser user, string hashedPassword, string providedPassword)
        {
            Verified.Add(hashedPassword);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
