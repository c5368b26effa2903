using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Remote.Tests.Support;

namespace Robot.Remote.Tests;

public sealed class StatusVerbTests : RemoteTestBase
{
    [Fact]
    public async Task Prints_the_robots_status()
    {
        var result = await RunAsync("status", Serial);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
        Assert.Contains("robot R1: mode MANUAL, activity idle", result.Out);
        Assert.Contains("e-stop    off", result.Out);
        Assert.Contains("(12.50, -3.25) m", result.Out);
        Assert.Contains("lift      1.20 m", result.Out);
        Assert.Contains("87 %", result.Out);
        Assert.Contains("0.137 µSv/h", result.Out);
        Assert.Contains("batteryLow (WARNING): below 90 %", result.Out);
    }

    [Fact]
    public async Task Sends_a_fresh_status_command_stamped_by_the_given_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 4, 10, 0, 0, 250, TimeSpan.Zero));

        var result = await RunAsync(time, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "--operator", "officer-7", "status", Serial);

        Assert.True(result.ExitCode == 0, result.ToString());
        var request = await NextAsync(Robot.Commands);
        Assert.Equal(CommandNames.Status, request.Command);
        Assert.True(Guid.TryParse(request.CommandId, out _), request.CommandId);
        Assert.Equal(time.GetUtcNow(), request.IssuedAt);
        Assert.Equal(TimeSpan.FromSeconds(10), request.ExpiresAt - request.IssuedAt);
        Assert.Equal("officer-7", request.OperatorId);
        Assert.Null(request.HeightM);
    }

    [Fact]
    public async Task Json_prints_the_status_as_one_protocol_object()
    {
        var result = await RunAsync("--json", "status", Serial);

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Lines);
        using var json = JsonDocument.Parse(line);
        Assert.Equal(Serial, json.RootElement.GetProperty("serialNumber").GetString());
        Assert.Equal("MANUAL", json.RootElement.GetProperty("operatingMode").GetString());
        Assert.True(ProtocolCodec.TryDecode<RobotStatus>(System.Text.Encoding.UTF8.GetBytes(line), out var status, out var error), error?.ToString());
        Assert.Equal(FakeRobot.SampleStatus(Serial) with { Errors = status!.Errors }, status);
        Assert.Equal(0.137, status.Detector.DoseRateUSvPerH);
    }

    [Fact]
    public async Task An_accepted_answer_without_a_status_is_reported_as_unusable()
    {
        Robot.Responder = request => FakeRobot.Accept(request);

        var result = await RunAsync("status", Serial);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("sent no status", result.Error);
    }
}
