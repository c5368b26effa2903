using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Robot.Protocol.Broker;

/// <summary>
/// What a client on the robot's broker may do. Each client has its own account with one role
/// (docs/security.md has the table); the broker checks every publish and subscription against it.
/// </summary>
public enum ClientRole
{
    /// <summary>May subscribe to robot topics (not to other clients' response topics); publishes nothing. Also what an anonymous loopback client gets.</summary>
    Observer,
    /// <summary>A robot: publishes its own state, connection, visualization, factsheet, telemetry, events, reports and responses.</summary>
    Robot,
    /// <summary>An officer (the command-line remote) or the web remote server: orders, instant actions, commands, teleop, operator presence.</summary>
    Officer,
    /// <summary>A fleet manager: orders, instant actions and commands; no teleop.</summary>
    Fleet,
    /// <summary>The records archive: acknowledges reports, nothing else.</summary>
    Archive,
}

/// <summary>One client identity. <see cref="Robots"/> lists the serial numbers it may act on ("*" for all).</summary>
public sealed record BrokerAccount(string Name, ClientRole Role, IReadOnlyList<string> Robots, string PasswordHash)
{
    public bool Covers(string serialNumber) => Robots.Contains("*") || Robots.Contains(serialNumber);

    /// <summary>The account-file line: name:role:robots:hash (robots comma separated).</summary>
    public string ToLine() => $"{Name}:{Role.ToString().ToLowerInvariant()}:{string.Join(',', Robots)}:{PasswordHash}";
}

/// <summary>
/// Salted password hashes: PBKDF2-HMAC-SHA256 ("pbkdf2-sha256$iterations$salt$hash", base64).
/// Secrets the software issues itself are 128 random bits, for which the iteration count adds
/// nothing; a human-typed password must not be used on the broker (the account verb issues one).
/// </summary>
public static class PasswordHash
{
    public const int DefaultIterations = 100_000;
    private const string Scheme = "pbkdf2-sha256";

    public static string Create(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
        return $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>A new random secret for an account (URL-safe, 22 characters, 128 bits).</summary>
    public static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static bool IsWellFormed(string hash) => TryParse(hash, out _, out _, out _);

    /// <summary>Constant-time check; a malformed hash never verifies.</summary>
    public static bool Verify(string password, string hash)
    {
        if (!TryParse(hash, out var iterations, out var salt, out var expected)) return false;
        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private static bool TryParse(string hash, out int iterations, out byte[] salt, out byte[] expected)
    {
        iterations = 0;
        salt = expected = [];
        var parts = hash.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out iterations) || iterations is < 1 or > 10_000_000) return false;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException) { return false; }
        return salt.Length >= 8 && expected.Length >= 16;
    }
}

/// <summary>
/// The broker's accounts: those of the account file (one per line, "name:role:robots:hash", '#' comments)
/// and those the software issues at run time (the host's own robot identity, the demo's throwaway
/// accounts). Thread-safe; the broker reads it on every CONNECT.
/// </summary>
public sealed class BrokerAccounts
{
    private readonly ConcurrentDictionary<string, BrokerAccount> _accounts = new(StringComparer.Ordinal);

    public int Count => _accounts.Count;

    public BrokerAccount? Find(string name) => _accounts.TryGetValue(name, out var a) ? a : null;

    public IReadOnlyList<BrokerAccount> All => _accounts.Values.OrderBy(a => a.Name, StringComparer.Ordinal).ToList();

    public void Add(BrokerAccount account)
    {
        if (ValidateName(account.Name) is { } why) throw new ArgumentException(why, nameof(account));
        if (account.Robots.Count == 0) throw new ArgumentException($"account '{account.Name}' names no robot", nameof(account));
        if (!PasswordHash.IsWellFormed(account.PasswordHash)) throw new ArgumentException($"account '{account.Name}': the password hash is not pbkdf2-sha256$iterations$salt$hash", nameof(account));
        if (!_accounts.TryAdd(account.Name, account)) throw new ArgumentException($"account '{account.Name}' exists already", nameof(account));
    }

    public bool Remove(string name) => _accounts.TryRemove(name, out _);

    /// <summary>
    /// Creates an account with a new random secret and returns the secret (shown once, stored only as a hash).
    /// One hash iteration: the secret is 128 random bits, and the broker checks it on every CONNECT.
    /// </summary>
    public string Issue(string name, ClientRole role, params string[] robots)
    {
        var secret = PasswordHash.NewSecret();
        Add(new BrokerAccount(name, role, robots.Length == 0 ? ["*"] : robots, PasswordHash.Create(secret, iterations: 1)));
        return secret;
    }

    /// <summary>The account that these credentials prove, or null. Unknown names cost the same as wrong passwords.</summary>
    public BrokerAccount? Authenticate(string? name, string? password)
    {
        var account = name is null ? null : Find(name);
        var ok = PasswordHash.Verify(password ?? "", account?.PasswordHash ?? DummyHash);
        return ok && account is not null ? account : null;
    }

    private static readonly string DummyHash = PasswordHash.Create(PasswordHash.NewSecret());

    public static string? ValidateName(string name) =>
        string.IsNullOrWhiteSpace(name) || name.Length > 64 || name.Any(c => c is ':' or '#' or '+' or '/' || char.IsWhiteSpace(c) || char.IsControl(c))
            ? $"account name '{name}' must be 1 to 64 characters without ':', '/', '+', '#' or spaces"
            : null;

    /// <summary>Parses an account file. Throws <see cref="FormatException"/> naming the first bad line.</summary>
    public static IReadOnlyList<BrokerAccount> Parse(IEnumerable<string> lines, string source)
    {
        var accounts = new List<BrokerAccount>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split(':', 4);
            string Where() => $"{source} line {number}";
            if (parts.Length != 4) throw new FormatException($"{Where()}: expected name:role:robots:hash");
            if (ValidateName(parts[0]) is { } why) throw new FormatException($"{Where()}: {why}");
            if (!Enum.TryParse<ClientRole>(parts[1], ignoreCase: true, out var role) || !Enum.IsDefined(role) || int.TryParse(parts[1], out _))
                throw new FormatException($"{Where()}: role '{parts[1]}' is not one of {string.Join(", ", Enum.GetNames<ClientRole>().Select(n => n.ToLowerInvariant()))}");
            var robots = parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (robots.Length == 0) throw new FormatException($"{Where()}: no robot listed (use * for all)");
            if (!PasswordHash.IsWellFormed(parts[3])) throw new FormatException($"{Where()}: the hash is not pbkdf2-sha256$iterations$salt$hash");
            if (!names.Add(parts[0])) throw new FormatException($"{Where()}: account '{parts[0]}' is listed twice");
            accounts.Add(new BrokerAccount(parts[0], role, robots, parts[3]));
        }
        return accounts;
    }

    /// <summary>
    /// Writes the accounts to <paramref name="path"/>, owner-only (0600), whole or not at all (a
    /// temporary file renamed over the old one).
    /// </summary>
    public void Save(string path)
    {
        var temporary = path + ".new";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(temporary, Encoding.UTF8, options))
        {
            writer.WriteLine("# name:role:robots:hash (docs/security.md); edit with robot-host broker-account");
            foreach (var account in All) writer.WriteLine(account.ToLine());
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Why this account file must not be used: group or others may read or write it (null when it is owner-only, or not on Unix).</summary>
    public static string? UnsafePermissions(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return null;
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        return (mode & others) != 0 ? $"{path} may be read or written by group or others (chmod 600 {path})" : null;
    }

    public static BrokerAccounts Load(string path)
    {
        if (UnsafePermissions(path) is { } why) throw new UnauthorizedAccessException(why);
        var accounts = new BrokerAccounts();
        foreach (var a in Parse(File.ReadLines(path), path)) accounts.Add(a);
        return accounts;
    }
}
