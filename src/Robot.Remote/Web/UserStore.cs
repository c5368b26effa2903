using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;

namespace Robot.Remote.Web;

/// <summary>The three roles of the web remote, weakest first.</summary>
public static class Roles
{
    public const string Observer = "observer";
    public const string Officer = "officer";
    public const string Maintainer = "maintainer";
    public static readonly IReadOnlyList<string> All = [Observer, Officer, Maintainer];
}

/// <summary>One account: a salted hash from ASP.NET Core's PasswordHasher, never the password.</summary>
public sealed record WebUser
{
    public required string Name { get; init; }
    public required string Role { get; init; }
    public required string PasswordHash { get; init; }
}

/// <summary>The accounts file: JSON, written whole, atomically (write a temp file, then rename).</summary>
public sealed class UserFile
{
    public List<WebUser> Users { get; set; } = [];
}

/// <summary>Why a sign-in failed (the page shows one message for wrong name and wrong password).</summary>
public enum SignInResult { Ok, BadCredentials, Throttled, Unavailable }

/// <summary>
/// The answer to one sign-in: the account on <see cref="SignInResult.Ok"/>; how long to wait on
/// <see cref="SignInResult.Throttled"/>; what is wrong with the accounts file on <see cref="SignInResult.Unavailable"/>.
/// </summary>
public sealed record SignInAttempt(SignInResult Result, WebUser? User = null, TimeSpan RetryAfter = default, string? Problem = null);

/// <summary>
/// Accounts of the web remote, in a JSON file (or only in memory, for the demo).
/// The file is owner-only (0600 on Unix): it is written so, and a file that group or others may
/// read or write is refused, as ssh refuses a readable private key. It is read again whenever its
/// last-write time or size changes (checked on every use), so `robot-remote users remove|passwd`
/// takes effect on a running server at the next request; an unusable file then fails closed.
/// Failed sign-ins are throttled per (user name, client address), never per account alone (that
/// let anyone lock an officer out): after <see cref="MaxFailures"/> failures from one address that
/// address waits <see cref="FirstDelay"/>, doubling with each further failure up to
/// <see cref="MaxDelay"/>; the officer on another device is not slowed. Every attempt that is not
/// throttled runs one password verification, against a dummy hash of the same parameters when the
/// name is unknown, so the answer's timing does not tell which names exist.
/// </summary>
public sealed partial class UserStore
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);
    /// <summary>Failures older than this (since the last one) are forgotten.</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromHours(1);
    /// <summary>Past this many throttle entries the forgotten ones are swept (a bound on memory under a spray of names).</summary>
    private const int SweepAbove = 1024;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                              | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly IPasswordHasher<WebUser> _hasher;
    private readonly WebUser _dummy;
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<(string User, string From), Failures> _failures = new();
    private UserFile _file;
    private (DateTime WriteTime, long Length) _loaded;
    private string? _problem;

    private UserStore(string? path, TimeProvider time, IPasswordHasher<WebUser>? hasher)
    {
        _path = path;
        _time = time;
        _hasher = hasher ?? new PasswordHasher<WebUser>();
        // The same hasher and parameters as a real account: an unknown name costs one full verification too.
        var dummy = new WebUser { Name = "", Role = Roles.Observer, PasswordHash = "" };
        _dummy = dummy with { PasswordHash = _hasher.HashPassword(dummy, Convert.ToHexString(RandomNumberGenerator.GetBytes(16))) };
        _file = new UserFile();
        if (path is not null)
        {
            lock (_gate)
            {
                Reload();
                if (_problem is not null) throw new ArgumentException(_problem);
            }
        }
    }

    /// <summary>Accounts kept only in memory (the demo and tests).</summary>
    public static UserStore InMemory(TimeProvider time) => new(null, time, null);

    internal static UserStore InMemory(TimeProvider time, IPasswordHasher<WebUser> hasher) => new(null, time, hasher);

    /// <summary>
    /// Open (or start) an accounts file; throws <see cref="ArgumentException"/> when it cannot be
    /// used (unreadable JSON, or readable by group or others).
    /// </summary>
    public static UserStore Open(string path, TimeProvider time) => new(path, time, null);

    public IReadOnlyList<WebUser> Users
    {
        get
        {
            lock (_gate)
            {
                ReloadIfChanged();
                return [.. _file.Users.OrderBy(u => u.Name, StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Null when the name is usable, otherwise why not.</summary>
    public static string? NameProblem(string name) =>
        NamePattern().IsMatch(name) ? null : $"user name '{name}': use 1 to 32 letters, digits, '.', '_' or '-'";

    /// <summary>Null when the password is acceptable, otherwise why not.</summary>
    public static string? PasswordProblem(string password) =>
        password.Length >= 10 ? null : "the password must have at least 10 characters";

    public static string? RoleProblem(string role) =>
        Roles.All.Contains(role) ? null : $"role '{role}': must be one of {string.Join(", ", Roles.All)}";

    /// <summary>Add an account; throws <see cref="ArgumentException"/> with a clear message when it cannot.</summary>
    public void Add(string name, string role, string password)
    {
        Check(NameProblem(name) ?? RoleProblem(role) ?? PasswordProblem(password));
        lock (_gate)
        {
            ReloadIfChanged();
            Check(_problem);
            if (_file.Users.Any(u => u.Name == name)) throw new ArgumentException($"user '{name}' already exists");
            _file.Users.Add(new WebUser { Name = name, Role = role, PasswordHash = Hash(name, role, password) });
            Save();
        }
    }

    public void SetPassword(string name, string password)
    {
        Check(PasswordProblem(password));
        lock (_gate)
        {
            ReloadIfChanged();
            Check(_problem);
            var i = IndexOf(name);
            var user = _file.Users[i];
            _file.Users[i] = user with { PasswordHash = Hash(name, user.Role, password) };
            Save();
        }
        foreach (var key in _failures.Keys.Where(k => k.User == name)) _failures.TryRemove(key, out _);
    }

    public void Remove(string name)
    {
        lock (_gate)
        {
            ReloadIfChanged();
            Check(_problem);
            _file.Users.RemoveAt(IndexOf(name));
            Save();
        }
    }

    /// <summary>The account as the file says now (read again if it changed); null when there is none.</summary>
    public WebUser? Find(string name)
    {
        lock (_gate)
        {
            ReloadIfChanged();
            return _file.Users.FirstOrDefault(u => u.Name == name);
        }
    }

    /// <summary>
    /// Check a password from client address <paramref name="from"/> (null: not over the network),
    /// throttling that address for that name after too many failures.
    /// </summary>
    public SignInAttempt SignIn(string name, string password, IPAddress? from)
    {
        var key = (name, ClientKey(from));
        var now = _time.GetUtcNow();
        if (_failures.TryGetValue(key, out var f) && f.BlockedUntil > now) return new SignInAttempt(SignInResult.Throttled, RetryAfter: f.BlockedUntil - now);
        WebUser? found;
        string? problem;
        lock (_gate)
        {
            ReloadIfChanged();
            found = _file.Users.FirstOrDefault(u => u.Name == name);
            problem = _problem;
        }
        // Always one verification with the same parameters, known name or not.
        var verified = _hasher.VerifyHashedPassword(found ?? _dummy, found?.PasswordHash ?? _dummy.PasswordHash, password) != PasswordVerificationResult.Failed;
        if (problem is not null) return new SignInAttempt(SignInResult.Unavailable, Problem: problem);
        if (found is not null && verified)
        {
            _failures.TryRemove(key, out _);
            return new SignInAttempt(SignInResult.Ok, found);
        }
        var failures = _failures.AddOrUpdate(key,
            _ => Failures.First(now),
            (_, old) => old.Next(now));
        if (_failures.Count > SweepAbove) Sweep(now);
        return failures.BlockedUntil > now
            ? new SignInAttempt(SignInResult.Throttled, RetryAfter: failures.BlockedUntil - now)
            : new SignInAttempt(SignInResult.BadCredentials);
    }

    /// <summary>
    /// Who is throttled: an IPv4 address (also when it arrives IPv4-mapped on a dual-stack socket);
    /// an IPv6 client by its /64, which one host usually owns whole and could otherwise walk through.
    /// </summary>
    internal static string ClientKey(IPAddress? from)
    {
        if (from is null) return "-";
        if (from.IsIPv4MappedToIPv6) from = from.MapToIPv4();
        if (from.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(from)) return from.ToString();
        var bytes = from.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>A stamp of the account's password and role: a session issued under another stamp has ended.</summary>
    internal static byte[] Stamp(WebUser user) => SHA256.HashData(Encoding.UTF8.GetBytes(user.Role + "\n" + user.PasswordHash));

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, value) in _failures)
        {
            if (value.Last + ForgetAfter <= now && value.BlockedUntil <= now) _failures.TryRemove(key, out _);
        }
    }

    private string Hash(string name, string role, string password) =>
        _hasher.HashPassword(new WebUser { Name = name, Role = role, PasswordHash = "" }, password);

    private int IndexOf(string name)
    {
        var i = _file.Users.FindIndex(u => u.Name == name);
        return i >= 0 ? i : throw new ArgumentException($"no user '{name}'");
    }

    private static (DateTime, long) Identify(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    /// <summary>Under _gate.</summary>
    private void ReloadIfChanged()
    {
        if (_path is not null && Identify(_path) != _loaded) Reload();
    }

    /// <summary>Under _gate. Fails closed: an unusable file leaves no accounts and says why.</summary>
    private void Reload()
    {
        var path = _path!;
        var seen = Identify(path);
        try
        {
            if (seen.Item2 < 0)
            {
                _file = new UserFile();
            }
            else
            {
                if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
                {
                    throw new InvalidDataException(
                        $"accounts file {path} may be read or written by group or others (mode {Convert.ToString((int)File.GetUnixFileMode(path), 8).PadLeft(4, '0')}): it holds password hashes; run 'chmod 600 {path}'");
                }
                _file = JsonSerializer.Deserialize(File.ReadAllText(path), WebJson.Default.UserFile) ?? new UserFile();
            }
            _problem = null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidDataException)
        {
            _file = new UserFile();
            _problem = ex is InvalidDataException ? ex.Message : $"accounts file {path}: {ex.Message}";
        }
        _loaded = seen;
    }

    /// <summary>Under _gate. Written owner-only into a fresh temp file, then renamed over the old one.</summary>
    private void Save()
    {
        if (_path is null) return;
        var dir = Path.GetDirectoryName(Path.GetFullPath(_path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var temp = _path + ".tmp";
        // A left-over temp file may have another mode: the new one is created, never reused.
        File.Delete(temp);
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) create.UnixCreateMode = OwnerOnly;
        using (var stream = new FileStream(temp, create))
        {
            JsonSerializer.Serialize(stream, _file, WebJson.Default.UserFile);
        }
        File.Move(temp, _path, overwrite: true);
        _loaded = Identify(_path);
    }

    private static void Check(string? problem)
    {
        if (problem is not null) throw new ArgumentException(problem);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,32}$")]
    private static partial Regex NamePattern();

    /// <summary>Failures in a row from one address for one name, and until when that address must wait.</summary>
    private readonly record struct Failures(int Count, DateTimeOffset Last, DateTimeOffset BlockedUntil)
    {
        public static Failures First(DateTimeOffset now) => new(1, now, DelayAfter(1, now));

        public Failures Next(DateTimeOffset now) =>
            Last + ForgetAfter <= now ? First(now) : new(Count + 1, now, DelayAfter(Count + 1, now));

        private static DateTimeOffset DelayAfter(int count, DateTimeOffset now)
        {
            if (count < MaxFailures) return DateTimeOffset.MinValue;
            var doublings = Math.Min(count - MaxFailures, 20);
            var delay = TimeSpan.FromTicks(Math.Min(FirstDelay.Ticks << doublings, MaxDelay.Ticks));
            return now + delay;
        }
    }
}
