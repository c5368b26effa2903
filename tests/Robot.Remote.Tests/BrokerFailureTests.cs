using System.Net;
using Robot.Protocol.Broker;
using Robot.Remote.Cli;

namespace Robot.Remote.Tests;

public sealed class BrokerFailureTests
{
    [Fact]
    public async Task An_unreachable_broker_fails_with_exit_2_instead_of_hanging()
    {
        var port = EmbeddedBroker.FreePort(IPAddress.Loopback); // nothing listens there
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var code = await RemoteCli.RunAsync(["--broker", $"mqtt://127.0.0.1:{port}", "--timeout", "0.5", "status", "R1"], stdout, stderr, TimeProvider.System)
            .WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, code);
        var error = Assert.Single(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"robot-remote: cannot connect to broker mqtt://127.0.0.1:{port} within 0.5 s", error);
        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public async Task Wrong_credentials_fail_with_exit_2_and_right_ones_connect()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        var secret = broker.Accounts.Issue("officer", ClientRole.Officer);
        var url = broker.Uri.ToString();

        var wrong = new StringWriter();
        // The refusal comes back at once; the timeout only bounds a broker that never answers, and 0.5 s
        // was shorter than a CONNECT round trip on a loaded 2-core machine (a full run saw "within 0.5 s").
        var wrongCode = await RemoteCli.RunAsync(["--broker", url, "--timeout", "5", "--username", "officer", "--password", "guess", "robots"], TextWriter.Null, wrong, TimeProvider.System)
            .WaitAsync(TimeSpan.FromSeconds(20));
        var right = new StringWriter();
        var rightCode = await RemoteCli.RunAsync(["--broker", url, "--username", "officer", "--password", secret, "robots", "--window", "0.1"], right, TextWriter.Null, TimeProvider.System)
            .WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(wrongCode == 2, wrong.ToString());
        Assert.Contains("cannot connect to broker", wrong.ToString());
        Assert.Contains("refused the MQTT session", wrong.ToString());
        Assert.Equal(0, rightCode);
        Assert.Equal("no robots seen", right.ToString().Trim());
    }

    [Fact]
    public async Task The_password_can_come_from_the_environment_and_stay_out_of_the_process_list()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        var secret = broker.Accounts.Issue("officer-env", ClientRole.Officer);
        var url = broker.Uri.ToString();
        // Process-wide, but no other test gives --username without --password.
        Environment.SetEnvironmentVariable(Robot.Remote.Cli.GlobalOptions.PasswordVariable, secret);
        try
        {
            var right = new StringWriter();
            var code = await RemoteCli.RunAsync(["--broker", url, "--username", "officer-env", "robots", "--window", "0.1"], right, TextWriter.Null, TimeProvider.System)
                .WaitAsync(TimeSpan.FromSeconds(20));
            Assert.Equal(0, code);
            Environment.SetEnvironmentVariable(Robot.Remote.Cli.GlobalOptions.PasswordVariable, "wrong");
            var wrong = new StringWriter();
            var wrongCode = await RemoteCli.RunAsync(["--broker", url, "--timeout", "5", "--username", "officer-env", "robots"], TextWriter.Null, wrong, TimeProvider.System)
                .WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(wrongCode == 2, wrong.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable(Robot.Remote.Cli.GlobalOptions.PasswordVariable, null);
        }
    }
}
