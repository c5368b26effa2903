using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Robot.Protocol.Extensions;
using Robot.Remote.Tests.Support;

namespace Robot.Remote.Tests;

public sealed class CommandVerbTests : RemoteTestBase
{
    [Theory]
    [InlineData("estop", CommandNames.EmergencyStop)]
    [InlineData("reset-estop", CommandNames.ResetEmergencyStop)]
    public async Task Estop_verbs_send_their_command(string verb, string command)
    {
        var result = await RunAsync(verb, Serial);

        Assert.True(result.ExitCode == 0, result.ToString());
        var request = await NextAsync(Robot.Commands);
        Assert.Equal(command, request.Command);
        Assert.Null(request.HeightM);
        Assert.Equal("cli", request.OperatorId);
        Assert.Equal(TimeSpan.FromSeconds(10), request.ExpiresAt - request.IssuedAt);
        Assert.Contains($"robot R1 accepted {command}: ok", result.Out);
    }

    [Fact]
    public async Task Lift_sends_liftTo_with_the_height()
    {
        var result = await RunAsync("lift", Serial, "--to", "2.5");

        Assert.True(result.ExitCode == 0, result.ToString());
        var request = await NextAsync(Robot.Commands);
        Assert.Equal(CommandNames.LiftTo, request.Command);
        Assert.Equal(2.5, request.HeightM);
    }

    [Fact]
    public async Task A_refusal_exits_3_with_the_robots_code_and_message()
    {
        Robot.Responder = request => FakeRobot.Refuse(request, "emergencyStopActive", "E-stop latched: reset it first");

        var result = await RunAsync("lift", Serial, "--to", "1");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Equal("", result.Out);
        var error = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("refused liftTo", error);
        Assert.Contains("emergencyStopActive", error);
        Assert.Contains("E-stop latched: reset it first", error);
    }

    [Fact]
    public async Task A_refusal_with_json_also_prints_the_robots_answer()
    {
        Robot.Responder = request => FakeRobot.Refuse(request, "notPermitted", "operator not authorised");

        var result = await RunAsync("--json", "reset-estop", Serial);

        Assert.True(result.ExitCode == 3, result.ToString());
        using var json = JsonDocument.Parse(Assert.Single(result.Lines));
        Assert.False(json.RootElement.GetProperty("accepted").GetBoolean());
        Assert.Equal("notPermitted", json.RootElement.GetProperty("code").GetString());
        Assert.Contains("operator not authorised", result.Error);
    }

    [Fact]
    public async Task No_answer_times_out_on_the_given_clock_with_exit_4()
    {
        Robot.Responder = _ => null;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);

        var run = Start(time, CancellationToken.None, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "--timeout", "5", "estop", Serial);
        await NextAsync(Robot.Commands); // the request is out and nobody will answer
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("no answer from robot R1 to emergencyStop within 5 s", result.Error);
    }

    [Fact]
    public async Task A_timeout_while_the_request_is_still_being_published_is_no_answer_too()
    {
        // Hold the request inside the broker (before its PUBACK) while the answer timeout expires.
        var atBroker = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Broker.Server.InterceptingPublishAsync += async e =>
        {
            if (e.ApplicationMessage.Topic != "robot/v1/R1/commands") return;
            atBroker.TrySetResult();
            await release.Task.WaitAsync(Patience);
        };
        Robot.Responder = _ => null;
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);

        var run = Start(time, CancellationToken.None, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "--timeout", "5", "estop", Serial);
        await atBroker.Task.WaitAsync(Patience);
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await run.WaitAsync(Patience);
        release.TrySetResult();

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("no answer from robot R1", result.Error);
    }

    [Fact]
    public async Task An_answer_to_another_command_is_not_taken_for_ours()
    {
        Robot.Responder = request => FakeRobot.Accept(request) with { CommandId = Guid.NewGuid().ToString() };

        var result = await RunAsync("estop", Serial);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("answered command", result.Error);
    }
}
