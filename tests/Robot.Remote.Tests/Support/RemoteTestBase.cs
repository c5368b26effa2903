using System.Threading.Channels;
using Robot.Protocol.Broker;
using Robot.Remote.Cli;

namespace Robot.Remote.Tests.Support;

/// <summary>What one in-process CLI run printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public string[] Lines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}

/// <summary>A real embedded broker on a free loopback port and a fake robot R1 on it, per test.</summary>
public abstract class RemoteTestBase : IAsyncLifetime
{
    /// <summary>Generous: these guard against hangs, they are not measurements.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    protected const string Serial = "R1";

    private protected EmbeddedBroker Broker { get; private set; } = null!;
    private protected FakeRobot Robot { get; private set; } = null!;
    protected string BrokerUrl => Broker.Uri.ToString();

    public async Task InitializeAsync()
    {
        Broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        Robot = await FakeRobot.StartAsync(Broker, Serial);
        OfficerSecret = Broker.Accounts.Issue("officer", ClientRole.Officer);
        ArchiveSecret = Broker.Accounts.Issue("archive", ClientRole.Archive);
    }

    /// <summary>The CLI's account on the test broker (an officer: commands and teleop, no report acks).</summary>
    protected string OfficerSecret { get; private set; } = "";
    /// <summary>The records archive's account: it alone acknowledges reports.</summary>
    protected string ArchiveSecret { get; private set; } = "";

    public async Task DisposeAsync()
    {
        await Robot.DisposeAsync();
        await Broker.DisposeAsync();
    }

    /// <summary>Start the CLI in-process (on the thread pool) with its own writers and clock.</summary>
    private protected static Task<CliResult> Start(TimeProvider time, CancellationToken cancellationToken, params string[] args)
    {
        var stdout = new SyncStringWriter();
        var stderr = new SyncStringWriter();
        return Task.Run(async () =>
        {
            var code = await RemoteCli.RunAsync(args, stdout, stderr, time, cancellationToken);
            return new CliResult(code, stdout.ToString(), stderr.ToString());
        });
    }

    private protected static Task<CliResult> RunAsync(TimeProvider time, params string[] args) =>
        Start(time, CancellationToken.None, args).WaitAsync(TimeSpan.FromSeconds(30));

    private protected Task<CliResult> RunAsync(params string[] args) =>
        RunAsync(TimeProvider.System, ["--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, .. args]);

    private protected static async Task<T> NextAsync<T>(Channel<T> channel) =>
        await channel.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    /// <summary>Completes when the broker has processed a subscription to <paramref name="topicFilter"/>.</summary>
    private protected Task SubscribedAsync(string topicFilter)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Broker.Server.ClientSubscribedTopicAsync += e =>
        {
            if (e.TopicFilter.Topic == topicFilter) seen.TrySetResult();
            return Task.CompletedTask;
        };
        return seen.Task.WaitAsync(Patience);
    }

    /// <summary>The CLI writes from another thread while a test may read: keep StringWriter consistent.</summary>
    private sealed class SyncStringWriter : StringWriter
    {
        private readonly Lock _gate = new();
        public override void Write(char value) { lock (_gate) base.Write(value); }
        public override void Write(string? value) { lock (_gate) base.Write(value); }
        public override void WriteLine(string? value) { lock (_gate) base.WriteLine(value); }
        public override string ToString() { lock (_gate) return base.ToString(); }
    }
}
