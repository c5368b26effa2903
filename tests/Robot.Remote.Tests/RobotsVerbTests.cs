using System.Text.Json;
using Robot.Remote.Tests.Support;

namespace Robot.Remote.Tests;

public sealed class RobotsVerbTests : RemoteTestBase
{
    [Fact]
    public async Task Lists_robots_from_their_retained_connection_messages_and_factsheets()
    {
        await using (var r2 = await FakeRobot.StartAsync(Broker, "R2"))
        {
            await r2.StopAsync(); // a clean stop leaves a retained OFFLINE
        }

        var result = await RunAsync("robots");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("MANUFACTURER", result.Lines[0]);
        var r1 = Assert.Single(result.Lines, l => l.Contains(" R1 ", StringComparison.Ordinal));
        Assert.StartsWith(FakeRobot.Manufacturer, r1);
        Assert.Contains(" ONLINE ", r1);
        Assert.Contains(FakeRobot.Series, r1);
        Assert.Matches(@"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z \(\d+ s ago\)", r1);
        var r2Line = Assert.Single(result.Lines, l => l.Contains(" R2 ", StringComparison.Ordinal));
        Assert.Contains(" OFFLINE ", r2Line);
    }

    [Fact]
    public async Task Json_prints_one_parsable_object_per_robot()
    {
        var result = await RunAsync("--json", "robots", "--window", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Lines);
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        Assert.Equal(FakeRobot.Manufacturer, root.GetProperty("manufacturer").GetString());
        Assert.Equal(Serial, root.GetProperty("serialNumber").GetString());
        Assert.Equal("ONLINE", root.GetProperty("connectionState").GetString());
        Assert.Equal(FakeRobot.Series, root.GetProperty("seriesName").GetString());
        var lastSeen = root.GetProperty("lastSeen").GetDateTimeOffset();
        Assert.InRange(lastSeen, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
    }
}
