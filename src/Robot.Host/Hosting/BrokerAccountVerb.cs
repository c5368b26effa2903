using Robot.Protocol.Broker;

namespace Robot.Host.Hosting;

/// <summary>
/// robot-host broker-account add NAME --role ROLE [--robots SERIAL,...] | remove NAME | list, with
/// [--file PATH] (default /etc/robot-host/broker-accounts): the accounts of the embedded broker's
/// other clients (docs/security.md). "add" makes up the password and prints it this once; the file
/// keeps only its hash, owner-only. The host reads the file at start: restart it to apply.
/// Exit 0 done, 1 refused (nothing changed).
/// </summary>
public static class BrokerAccountVerb
{
    public const string DefaultFile = "/etc/robot-host/broker-accounts";
    public const string Usage = "usage: robot-host broker-account add NAME --role officer|fleet|archive|observer|robot [--robots SERIAL,...] | remove NAME | list   [--file PATH]";

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string? action = null, name = null, role = null, robots = null, file = null;
        for (var i = 0; i < args.Count; i++)
        {
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            switch (args[i])
            {
                case "--role": role = Value() ?? ""; break;
                case "--robots": robots = Value() ?? ""; break;
                case "--file": file = Value() ?? ""; break;
                case var a when a.StartsWith("--", StringComparison.Ordinal):
                    return Refuse(stderr, $"unknown option '{a}'");
                case var a when action is null: action = a; break;
                case var a when name is null: name = a; break;
                default: return Refuse(stderr, $"unexpected argument '{args[i]}'");
            }
        }
        file ??= DefaultFile;
        if (file.Length == 0) return Refuse(stderr, "--file needs a path");
        try
        {
            var accounts = File.Exists(file) ? BrokerAccounts.Load(file) : new BrokerAccounts();
            switch (action)
            {
                case "list" when name is null:
                    foreach (var a in accounts.All) stdout.WriteLine($"{a.Name,-24} {a.Role.ToString().ToLowerInvariant(),-9} robots {string.Join(',', a.Robots)}");
                    if (accounts.Count == 0) stdout.WriteLine($"no accounts in {file}");
                    return 0;
                case "add" when name is not null:
                {
                    if (BrokerAccounts.ValidateName(name) is { } badName) return Refuse(stderr, badName);
                    if (role is null || !Enum.TryParse<ClientRole>(role, ignoreCase: true, out var parsed) || int.TryParse(role, out _))
                        return Refuse(stderr, $"--role must be one of {string.Join(", ", Enum.GetNames<ClientRole>().Select(n => n.ToLowerInvariant()))}");
                    var serials = (robots ?? "*").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (serials.Length == 0 || serials.Any(s => s.Contains(':', StringComparison.Ordinal))) return Refuse(stderr, "--robots must list serial numbers, or *");
                    if (accounts.Find(name) is not null) return Refuse(stderr, $"account '{name}' exists already (remove it first to give it a new password)");
                    var secret = PasswordHash.NewSecret();
                    accounts.Add(new BrokerAccount(name, parsed, serials, PasswordHash.Create(secret)));
                    accounts.Save(file);
                    stdout.WriteLine($"broker-account: added {name} ({parsed.ToString().ToLowerInvariant()}, robots {string.Join(',', serials)}) to {file}; restart robot-host to apply.");
                    stdout.WriteLine($"password (shown this once, give it to {name} only): {secret}");
                    return 0;
                }
                case "remove" when name is not null:
                    if (!accounts.Remove(name)) return Refuse(stderr, $"no account '{name}' in {file}");
                    accounts.Save(file);
                    stdout.WriteLine($"broker-account: removed {name} from {file}; restart robot-host to apply.");
                    return 0;
                default:
                    return Refuse(stderr, action is null ? "no action" : $"'{action}' needs {(action is "add" or "remove" ? "a NAME" : "no NAME")}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or ArgumentException)
        {
            return Refuse(stderr, ex.Message);
        }
    }

    private static int Refuse(TextWriter stderr, string why)
    {
        stderr.WriteLine($"broker-account: {why}. {Usage}");
        return 1;
    }
}
