using System.CommandLine;
using Robot.Protocol.Link;
using Robot.Remote.Client;

namespace Robot.Remote.Cli;

/// <summary>Options every verb takes (recursive: they may come before or after the verb).</summary>
internal sealed class GlobalOptions
{
    public const string DefaultBroker = "mqtt://127.0.0.1:1883";

    public Option<string> Broker { get; } = new("--broker")
    {
        Description = $"Broker URL, mqtt://host:port or mqtts://host:port",
        HelpName = "URL",
        Recursive = true,
        DefaultValueFactory = _ => DefaultBroker,
    };

    public Option<string?> Username { get; } = new("--username")
    {
        Description = "Broker user name",
        Recursive = true,
    };

    public const string PasswordVariable = "ROBOT_BROKER_PASSWORD";

    public Option<string?> Password { get; } = new("--password")
    {
        Description = "Broker password (needs --username; or set ROBOT_BROKER_PASSWORD, which other users cannot read in the process list)",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Print one JSON object per line instead of human-readable text",
        Recursive = true,
    };

    public Option<double> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds to wait for the broker connection and for each answer",
        HelpName = "S",
        Recursive = true,
        DefaultValueFactory = _ => 5,
    };

    public Option<string> Operator { get; } = new("--operator")
    {
        Description = "Operator id put in every command",
        HelpName = "ID",
        Recursive = true,
        DefaultValueFactory = _ => "cli",
    };

    public GlobalOptions()
    {
        Broker.Validators.Add(r =>
        {
            var text = r.GetValueOrDefault<string>();
            if (BrokerProblem(text) is { } problem) r.AddError($"{Broker.Name} '{text}': {problem}");
        });
        Timeout.Validators.Add(r => ArgumentChecks.Range(r, Timeout, 0, false, 300, true, "s"));
        Operator.Validators.Add(r => ArgumentChecks.Id(r, Operator));
    }

    public void AddTo(Command root)
    {
        root.Options.Add(Broker);
        root.Options.Add(Username);
        root.Options.Add(Password);
        root.Options.Add(Json);
        root.Options.Add(Timeout);
        root.Options.Add(Operator);
    }

    /// <summary>Client options from the parsed command line; cross-option problems throw <see cref="UsageException"/>.</summary>
    public RobotClientOptions ToClientOptions(ParseResult parse)
    {
        var username = parse.GetValue(Username);
        var password = parse.GetValue(Password);
        if (password is not null && username is null) throw new UsageException($"{Password.Name} needs {Username.Name}");
        // A password on the command line is visible to every user of the machine (ps): the environment is not.
        if (password is null && username is not null) password = Environment.GetEnvironmentVariable(PasswordVariable);
        var timeout = TimeSpan.FromSeconds(parse.GetValue(Timeout));
        return new RobotClientOptions
        {
            BrokerUri = new Uri(parse.GetValue(Broker) ?? DefaultBroker),
            Username = username,
            Password = password,
            OperatorId = parse.GetValue(Operator) ?? "cli",
            ConnectTimeout = timeout,
            AnswerTimeout = timeout,
        };
    }

    private static string? BrokerProblem(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "a broker URL is required";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)) return "not a URL (expected mqtt://host:port)";
        return new MqttLinkOptions { BrokerUri = uri }.Validate();
    }
}

/// <summary>A bad combination of arguments found after parsing; exits with <see cref="ExitCodes.BadArguments"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
