using System.Collections.Concurrent;
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

/// <summary>Why a sign-in failed (the page shows one message for all but lockout).</summary>
public enum SignInResult { Ok, BadCredentials, LockedOut }

/// <summary>
/// Accounts of the web remote, in a JSON file (or only in memory, for the demo). Sign-in counts
/// failures per account: after <see cref="MaxFailures"/> in a row the account is locked for
/// <see cref="LockoutTime"/>.
/// </summary>
public sealed partial class UserStore
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutTime = TimeSpan.FromMinutes(5);

    private readonly string? _path;
    private readonly TimeProvider _time;
    private readonly PasswordHasher<WebUser> _hasher = new();
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, (int Failures, DateTimeOffset LockedUntil)> _failures = new(StringComparer.Ordinal);
    private UserFile _file;

    private UserStore(string? path, UserFile file, TimeProvider time)
    {
        _path = path;
        _file = file;
        _time = time;
    }

    /// <summary>Accounts kept only in memory (the demo and tests).</summary>
    public static UserStore InMemory(TimeProvider time) => new(null, new UserFile(), time);

    /// <summary>Open (or start) an accounts file.</summary>
    public static UserStore Open(string path, TimeProvider time)
    {
        var file = File.Exists(path)
            ? JsonSerializer.Deserialize(File.ReadAllText(path), WebJson.Default.UserFile) ?? new UserFile()
            : new UserFile();
        return new UserStore(path, file, time);
    }

    public IReadOnlyList<WebUser> Users
    {
        get { lock (_gate) return [.. _file.Users.OrderBy(u => u.Name, StringComparer.Ordinal)]; }
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
            var i = IndexOf(name);
            var user = _file.Users[i];
            _file.Users[i] = user with { PasswordHash = Hash(name, user.Role, password) };
            Save();
        }
        _failures.TryRemove(name, out _);
    }

    public void Remove(string name)
    {
        lock (_gate)
        {
            _file.Users.RemoveAt(IndexOf(name));
            Save();
        }
    }

    public WebUser? Find(string name)
    {
        lock (_gate) return _file.Users.FirstOrDefault(u => u.Name == name);
    }

    /// <summary>Check a password, counting failures and locking the account after too many.</summary>
    public SignInResult SignIn(string name, string password, out WebUser? user)
    {
        user = null;
        var now = _time.GetUtcNow();
        if (_failures.TryGetValue(name, out var f) && f.LockedUntil > now) return SignInResult.LockedOut;
        var found = Find(name);
        var ok = found is not null
                 && _hasher.VerifyHashedPassword(found, found.PasswordHash, password) != PasswordVerificationResult.Failed;
        if (!ok)
        {
            var failures = _failures.AddOrUpdate(name, _ => (1, DateTimeOffset.MinValue), (_, old) => (old.Failures + 1, old.LockedUntil));
            if (failures.Failures >= MaxFailures)
            {
                _failures[name] = (0, now + LockoutTime);
                return SignInResult.LockedOut;
            }
            return SignInResult.BadCredentials;
        }
        _failures.TryRemove(name, out _);
        user = found;
        return SignInResult.Ok;
    }

    private string Hash(string name, string role, string password) =>
        _hasher.HashPassword(new WebUser { Name = name, Role = role, PasswordHash = "" }, password);

    private int IndexOf(string name)
    {
        var i = _file.Users.FindIndex(u => u.Name == name);
        return i >= 0 ? i : throw new ArgumentException($"no user '{name}'");
    }

    private void Save()
    {
        if (_path is null) return;
        var dir = Path.GetDirectoryName(Path.GetFullPath(_path));
        if (dir is not null) Directory.CreateDirectory(dir);
        var temp = _path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(_file, WebJson.Default.UserFile));
        File.Move(temp, _path, overwrite: true);
    }

    private static void Check(string? problem)
    {
        if (problem is not null) throw new ArgumentException(problem);
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,32}$")]
    private static partial Regex NamePattern();
}
