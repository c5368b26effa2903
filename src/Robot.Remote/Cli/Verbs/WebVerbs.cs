using System.CommandLine;
using Microsoft.Extensions.Logging;
using Robot.Remote.Web;

namespace Robot.Remote.Cli.Verbs;

/// <summary>
/// `serve`: the phone web remote; `users add|list|passwd|remove`: its accounts (a JSON file of
/// salted password hashes). There is no default account: add one before serving.
/// </summary>
internal static class WebVerbs
{
    public const string DefaultUsersFile = "remote-users.json";
    /// <summary>The password of a PKCS#12 certificate comes from the environment, never the command line (other users see that in ps).</summary>
    public const string CertificatePasswordVariable = "ROBOT_REMOTE_CERT_PASSWORD";

    private static Option<string> UsersFile() => new("--users-file")
    {
        Description = "JSON file of web accounts (salted password hashes)",
        HelpName = "FILE",
        DefaultValueFactory = _ => DefaultUsersFile,
    };

    public static Command Serve(CliContext context, GlobalOptions globals)
    {
        var port = new Option<int>("--http-port") { Description = "Port of the web remote (HTTPS when --cert is given)", HelpName = "H", Required = true };
        port.Validators.Add(r =>
        {
            var p = r.GetValueOrDefault<int>();
            if (p is < 1 or > 65535) r.AddError($"--http-port must be 1 to 65535, got {p}");
        });
        var any = new Option<bool>("--listen-any") { Description = "Listen on every address (the port's network), not only 127.0.0.1; needs --cert" };
        var cert = new Option<string?>("--cert")
        {
            Description = $"Server certificate for HTTPS: PEM (key in --cert-key or the same file) or .pfx/.p12 (password in ${CertificatePasswordVariable})",
            HelpName = "FILE",
        };
        var certKey = new Option<string?>("--cert-key") { Description = "PEM private key of --cert", HelpName = "FILE" };
        var users = UsersFile();
        var audit = new Option<string>("--audit-file") { Description = "JSON-lines audit log of every command", HelpName = "FILE", DefaultValueFactory = _ => "remote-audit.jsonl" };
        var yard = new Option<string?>("--yard")
        {
            Description = "JSON yard layout for the map and go-to checks: {\"bounds\":{minX,minY,maxX,maxY},\"containers\":[{number,type,x,y,theta}]}",
            HelpName = "FILE",
        };
        var leaseQuiet = new Option<double>("--lease-quiet") { Description = "seconds of silence from the phone after which its control lease lapses", HelpName = "S", DefaultValueFactory = _ => 15 };
        leaseQuiet.Validators.Add(r =>
        {
            var s = r.GetValueOrDefault<double>();
            if (!(s is >= 2 and <= 3600)) r.AddError($"--lease-quiet must be 2 to 3600 seconds, got {s}");
        });
        var command = new Command("serve", "Serve the phone web remote (sign-in, live view, yard map, joystick, inspections, reports)") { port, any, cert, certKey, users, audit, yard, leaseQuiet };
        command.SetAction(async (parse, ct) =>
        {
            try
            {
                var certificate = parse.GetValue(cert);
                // Refuse plain HTTP off loopback before anything else is read.
                if (RemoteWebOptions.ListenProblem(parse.GetValue(port), parse.GetValue(any), certificate, parse.GetValue(certKey)) is { } problem)
                    throw new UsageException(problem);
                var store = UserStore.Open(parse.GetValue(users)!, context.Time);
                if (store.Users.Count == 0)
                {
                    context.Fail($"no accounts in {parse.GetValue(users)}: add one first, e.g. 'robot-remote users add alice --role officer'");
                    return ExitCodes.BadArguments;
                }
                var layout = parse.GetValue(yard) is { } yardFile ? YardLayout.Load(yardFile) : null;
                var broker = globals.ToClientOptions(parse);
                broker.ClientIdPrefix = "robot-web";
                var options = new RemoteWebOptions
                {
                    HttpPort = parse.GetValue(port),
                    ListenAnyAddress = parse.GetValue(any),
                    CertificatePath = certificate,
                    CertificateKeyPath = parse.GetValue(certKey),
                    CertificatePassword = certificate is null ? null : Environment.GetEnvironmentVariable(CertificatePasswordVariable),
                    Broker = broker,
                    Users = store,
                    AuditPath = parse.GetValue(audit),
                    LeaseQuiet = TimeSpan.FromSeconds(parse.GetValue(leaseQuiet)),
                };
                if (layout is not null)
                {
                    options.Yard = layout.Bounds;
                    options.Containers = layout.Containers;
                }
                await using var app = RemoteWebApp.Build(options, context.Time, l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
                await app.StartAsync(ct).ConfigureAwait(false);
                context.Out.WriteLine($"web remote on {(options.UsesHttps ? "https" : "http")}://{(options.ListenAnyAddress ? "0.0.0.0" : "127.0.0.1")}:{options.HttpPort} (broker {broker.BrokerUri}); Ctrl+C to stop");
                try
                {
                    await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM.
                }
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is UsageException or ArgumentException)
            {
                context.Fail(ex.Message);
                return ExitCodes.BadArguments;
            }
            catch (IOException ex)
            {
                context.Fail($"cannot serve on port {parse.GetValue(port)}: {ex.Message}");
                return ExitCodes.BadArguments;
            }
        });
        return command;
    }

    public static Command Users(CliContext context)
    {
        var users = new Command("users", "Manage the web remote's accounts (roles: observer, officer, maintainer)");
        users.Subcommands.Add(Add(context));
        users.Subcommands.Add(List(context));
        users.Subcommands.Add(Passwd(context));
        users.Subcommands.Add(Remove(context));
        return users;
    }

    private static Command Add(CliContext context)
    {
        var file = UsersFile();
        var name = new Argument<string>("NAME") { Description = "User name" };
        var role = new Option<string>("--role") { Description = "observer, officer or maintainer", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var password = PasswordOption();
        var command = new Command("add", "Add an account (the password is read from stdin unless --password is given)") { name, role, password, file };
        command.SetAction(parse => Edit(context, parse.GetValue(file)!, store =>
        {
            store.Add(parse.GetValue(name)!, parse.GetValue(role)!, Password(parse.GetValue(password)));
            return $"added {parse.GetValue(name)} ({parse.GetValue(role)})";
        }));
        return command;
    }

    private static Command Passwd(CliContext context)
    {
        var file = UsersFile();
        var name = new Argument<string>("NAME") { Description = "User name" };
        var password = PasswordOption();
        var command = new Command("passwd", "Set an account's password (read from stdin unless --password is given)") { name, password, file };
        command.SetAction(parse => Edit(context, parse.GetValue(file)!, store =>
        {
            store.SetPassword(parse.GetValue(name)!, Password(parse.GetValue(password)));
            return $"password of {parse.GetValue(name)} changed";
        }));
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var file = UsersFile();
        var name = new Argument<string>("NAME") { Description = "User name" };
        var command = new Command("remove", "Remove an account") { name, file };
        command.SetAction(parse => Edit(context, parse.GetValue(file)!, store =>
        {
            store.Remove(parse.GetValue(name)!);
            return $"removed {parse.GetValue(name)}";
        }));
        return command;
    }

    private static Command List(CliContext context)
    {
        var file = UsersFile();
        var command = new Command("list", "List the accounts and their roles") { file };
        command.SetAction(parse => Edit(context, parse.GetValue(file)!, store =>
            string.Join(Environment.NewLine, store.Users.Select(u => $"{u.Name}\t{u.Role}"))));
        return command;
    }

    private static Option<string?> PasswordOption() => new("--password")
    {
        Description = "The password (at least 10 characters); omit it to type it on stdin",
    };

    private static string Password(string? given) =>
        given ?? Console.In.ReadLine()?.TrimEnd('\r', '\n') ?? throw new ArgumentException("no password given on stdin");

    private static int Edit(CliContext context, string path, Func<UserStore, string> edit)
    {
        try
        {
            var message = edit(UserStore.Open(path, context.Time));
            if (message.Length > 0) context.Out.WriteLine(message);
            return ExitCodes.Ok;
        }
        catch (ArgumentException ex)
        {
            context.Fail(ex.Message);
            return ExitCodes.BadArguments;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            context.Fail($"accounts file {path}: {ex.Message}");
            return ExitCodes.BadArguments;
        }
    }
}
