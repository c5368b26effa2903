using Robot.Protocol.Broker;
using Robot.Remote.Cli;

namespace Robot.Remote.Tests;

/// <summary>Bad arguments exit 1 with a message naming the option, before any connection is tried.</summary>
public sealed class ArgumentTests
{
    // Nothing listens here: a parse error must come before any attempt to connect (which would exit 2).
    private static readonly string DeadBroker = $"mqtt://127.0.0.1:{EmbeddedBroker.FreePort(System.Net.IPAddress.Loopback)}";

    [Theory]
    [InlineData("--linear", "drive", "R1", "--linear", "5.1", "--seconds", "1")]
    [InlineData("--linear", "drive", "R1", "--linear", "NaN", "--seconds", "1")]
    [InlineData("--angular", "drive", "R1", "--angular", "-10.5", "--seconds", "1")]
    [InlineData("--seconds", "drive", "R1", "--seconds", "0")]
    [InlineData("--seconds", "drive", "R1", "--seconds", "3600.5")]
    [InlineData("--seconds", "drive", "R1", "--linear", "1")]
    [InlineData("--ttl-ms", "drive", "R1", "--seconds", "1", "--ttl-ms", "49")]
    [InlineData("--ttl-ms", "drive", "R1", "--seconds", "1", "--ttl-ms", "2001")]
    [InlineData("--ttl-ms", "drive", "R1", "--seconds", "1", "--ttl-ms", "150", "--rate-hz", "5")]
    [InlineData("--rate-hz", "drive", "R1", "--seconds", "1", "--rate-hz", "0")]
    [InlineData("--to", "lift", "R1", "--to", "20.01")]
    [InlineData("--to", "lift", "R1", "--to", "-0.5")]
    [InlineData("--to", "lift", "R1")]
    [InlineData("--to", "lift", "R1", "--to", "high")]
    [InlineData("--count", "watch", "R1", "--count", "0")]
    [InlineData("--count", "watch", "R1", "--count", "many")]
    [InlineData("--ttl-ms", "drive", "R1", "--seconds", "1", "--ttl-ms", "x")]
    [InlineData("--timeout", "--timeout", "0", "status", "R1")]
    [InlineData("--operator", "--operator", "a/b", "status", "R1")]
    [InlineData("--broker", "--broker", "http://example", "status", "R1")]
    [InlineData("--password", "--password", "secret", "status", "R1")]
    [InlineData("SERIAL", "status", "robot/+")]
    [InlineData("--container", "inspect", "R1", "--container", "CSQU3054384", "--type", "20ft", "--x", "1", "--y", "2")]
    [InlineData("--container", "inspect", "R1", "--type", "20ft", "--x", "1", "--y", "2")]
    [InlineData("--type", "inspect", "R1", "--container", "CSQU3054383", "--type", "45ft", "--x", "1", "--y", "2")]
    [InlineData("--x", "inspect", "R1", "--container", "CSQU3054383", "--type", "20ft", "--y", "2")]
    [InlineData("--y", "inspect", "R1", "--container", "CSQU3054383", "--type", "20ft", "--x", "1", "--y", "1e6")]
    [InlineData("--theta", "inspect", "R1", "--container", "CSQU3054383", "--type", "20ft", "--x", "1", "--y", "2", "--theta", "3.2")]
    [InlineData("--mode", "inspect", "R1", "--container", "CSQU3054383", "--type", "20ft", "--x", "1", "--y", "2", "--mode", "fast")]
    [InlineData("--limit", "reports", "R1", "--limit", "0")]
    [InlineData("--limit", "reports", "R1", "--limit", "201")]
    [InlineData("REPORT_ID", "report", "R1", "R/1")]
    public async Task Out_of_range_or_missing_values_exit_1_naming_the_option(string option, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string[] withBroker = args.Contains("--broker") ? args : ["--broker", DeadBroker, .. args];

        var code = await RemoteCli.RunAsync(withBroker, stdout, stderr, TimeProvider.System).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(code == 1, $"exit {code}: {stderr}");
        Assert.Contains(option, stderr.ToString());
        Assert.StartsWith("robot-remote: ", stderr.ToString());
        Assert.Equal("", stdout.ToString());
    }

    [Theory]
    [InlineData("drive", "R1", "--linear", "-5", "--angular", "10", "--seconds", "3600", "--ttl-ms", "2000", "--rate-hz", "50")]
    [InlineData("drive", "R1", "--linear", "5", "--angular", "-10", "--seconds", "0.01", "--ttl-ms", "50", "--rate-hz", "20")]
    [InlineData("lift", "R1", "--to", "0")]
    [InlineData("lift", "R1", "--to", "20")]
    [InlineData("status", "R1", "--json", "--timeout", "0.5", "--broker", "mqtts://broker.example:8883", "--username", "u", "--password", "p")]
    [InlineData("watch", "R1", "--count", "1")]
    [InlineData("inspect", "R1", "--container", "CSQU3054383", "--type", "40ftHC", "--x", "-100000", "--y", "100000", "--theta", "-3.14159", "--mode", "standard", "--fresh-background", "--no-wait")]
    [InlineData("reports", "R1", "--limit", "200")]
    [InlineData("report", "R1", "R-1", "--out", "r.json")]
    [InlineData("ack", "R1", "R-1")]
    [InlineData("silence-alarm", "R1")]
    public void Boundary_values_are_accepted(params string[] args)
    {
        var root = RemoteCli.BuildRoot(new CliContext(TextWriter.Null, TextWriter.Null, TimeProvider.System));

        var parse = root.Parse(args);

        Assert.Empty(parse.Errors);
    }

    [Fact]
    public async Task An_unknown_verb_exits_1()
    {
        var stderr = new StringWriter();

        var code = await RemoteCli.RunAsync(["fly", "R1"], TextWriter.Null, stderr, TimeProvider.System);

        Assert.Equal(1, code);
        Assert.Contains("fly", stderr.ToString());
    }
}
