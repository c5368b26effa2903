using System.Text.Json;
using Robot.Protocol.Topics;
using Robot.Remote.Tests.Support;
using Robot.TestSupport;

namespace Robot.Remote.Tests;

public sealed class WatchVerbTests : RemoteTestBase
{
    private static readonly string Events = TopicScheme.Extension(Serial, MessageKind.Event);

    [Fact]
    public async Task Prints_one_line_per_telemetry_state_and_event_and_stops_after_count()
    {
        var subscribed = SubscribedAsync(Events);
        var run = Start(TimeProvider.System, CancellationToken.None, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "watch", Serial, "--count", "4");
        await subscribed;

        await Robot.PublishAsync(TopicScheme.Extension(Serial, MessageKind.Telemetry), FakeRobot.SampleTelemetry(Serial));
        await Robot.PublishAsync(TopicScheme.Vda(FakeRobot.Manufacturer, Serial, MessageKind.State), Robot.SampleState());
        await Robot.PublishAsync(Events, FakeRobot.SampleEvent());
        await Robot.PublishRawAsync(TopicScheme.Extension(Serial, MessageKind.Telemetry), "{\"seq\": 1}");
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(4, result.Lines.Length);
        var telemetry = Assert.Single(result.Lines, l => l.Contains(" telemetry ", StringComparison.Ordinal));
        Assert.Contains("(4.25, 8.50) m", telemetry);
        Assert.Contains("speed 0.40 m/s 0.10 rad/s", telemetry);
        Assert.Contains("lift 2.75 m", telemetry);
        Assert.Contains("dose 0.412 µSv/h", telemetry);
        Assert.Contains("battery 66 %", telemetry);
        Assert.Contains("e-stop LATCHED (command)", telemetry);
        var state = Assert.Single(result.Lines, l => l.Contains(" state ", StringComparison.Ordinal));
        Assert.Contains("order order-42 driving", state);
        Assert.Contains("battery 55 %", state);
        Assert.Contains("e-stop off", state);
        var ev = Assert.Single(result.Lines, l => l.Contains(" event ", StringComparison.Ordinal));
        Assert.Contains("alarm emergencyStop: E-stop latched by command", ev);
        var invalid = Assert.Single(result.Lines, l => l.Contains(" invalid ", StringComparison.Ordinal));
        Assert.Contains("robot/v1/R1/telemetry", invalid);
    }

    [Fact]
    public async Task Watching_asks_the_robot_for_its_state_at_once_so_an_idle_robot_shows_it_without_waiting()
    {
        Robot.AnswerStateRequests = true;
        var run = Start(TimeProvider.System, CancellationToken.None, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "watch", Serial, "--count", "1");

        var (topic, json) = await NextAsync(Robot.StateRequests);
        var result = await run.WaitAsync(Patience);

        Assert.Equal($"uagv/v2/{FakeRobot.Manufacturer}/{Serial}/instantActions", topic);
        Vda5050Schemas.Shared.AssertValid("instantActions", json);
        using var doc = JsonDocument.Parse(json);
        var action = Assert.Single(doc.RootElement.GetProperty("actions").EnumerateArray().ToArray());
        Assert.Equal(("stateRequest", "NONE"), (action.GetProperty("actionType").GetString(), action.GetProperty("blockingType").GetString()));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(" state ", Assert.Single(result.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_prints_each_message_as_the_protocol_has_it()
    {
        var subscribed = SubscribedAsync(Events);
        var run = Start(TimeProvider.System, CancellationToken.None, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "--json", "watch", Serial, "--count", "3");
        await subscribed;

        await Robot.PublishAsync(TopicScheme.Extension(Serial, MessageKind.Telemetry), FakeRobot.SampleTelemetry(Serial));
        await Robot.PublishAsync(TopicScheme.Vda(FakeRobot.Manufacturer, Serial, MessageKind.State), Robot.SampleState());
        await Robot.PublishAsync(Events, FakeRobot.SampleEvent());
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        var byKind = result.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToDictionary(e => e.GetProperty("kind").GetString()!);
        Assert.Equal(["event", "state", "telemetry"], byKind.Keys.Order());
        Assert.Equal(0.412, byKind["telemetry"].GetProperty("message").GetProperty("detector").GetProperty("doseRateUSvPerH").GetDouble());
        Assert.Equal("order-42", byKind["state"].GetProperty("message").GetProperty("orderId").GetString());
        Assert.Equal("uagv/v2/acme/R1/state", byKind["state"].GetProperty("topic").GetString());
        Assert.Equal("alarm", byKind["event"].GetProperty("message").GetProperty("severity").GetString());
    }

    [Fact]
    public async Task Ctrl_c_ends_a_watch_normally()
    {
        using var ctrlC = new CancellationTokenSource();
        var subscribed = SubscribedAsync(Events);
        var run = Start(TimeProvider.System, ctrlC.Token, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "watch", Serial);
        await subscribed;

        ctrlC.Cancel();
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
    }

    [Fact]
    public async Task Other_robots_messages_are_not_shown()
    {
        var subscribed = SubscribedAsync(Events);
        var run = Start(TimeProvider.System, CancellationToken.None, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "watch", Serial, "--count", "1");
        await subscribed;

        await Robot.PublishAsync(TopicScheme.Extension("R2", MessageKind.Event), FakeRobot.SampleEvent() with { Message = "not for R1" });
        await Robot.PublishAsync(Events, FakeRobot.SampleEvent() with { Message = "for R1" });
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("for R1", Assert.Single(result.Lines));
        Assert.DoesNotContain("not for R1", result.Out);
    }
}
