using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Robot.Protocol.Vda5050;
using Robot.Remote.Tests.Support;

namespace Robot.Remote.Tests;

/// <summary>
/// `inspect` against the fake robot: the order it sends, then the inspection the fake robot plays
/// back through telemetry and state. The clock is fake: ids and timestamps follow it, and the
/// "nothing heard" timeout fires only when the test advances it.
/// </summary>
public sealed class InspectVerbTests : RemoteTestBase
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 10, 30, 15, 250, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);

    private static readonly FakeRobot.Step[] Steps =
    [
        new(0, 0, null, null, "Idle"), // telemetry from before the procedure took the order: no line
        new(0, 3, null, null),
        new(1, 3, "right-01-h0.5", 0.073),
        new(1, 3, "right-01-h0.5", 0.073), // the same count again: no new line
        new(2, 3, "right-02-h1.3", 0.071),
        new(3, 3, "right-03-h2.1", 0.069),
    ];

    private Task<CliResult> Inspect(params string[] extra) =>
        Start(_time, CancellationToken.None,
        [
            "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "--operator", "officer-7", .. extra.Where(a => a == "--json"),
            "inspect", Serial, "--container", "csqu 305438 3", "--type", "40ftHC", "--x", "30.5", "--y", "-12", .. extra.Where(a => a != "--json"),
        ]);

    [Fact]
    public async Task Sends_one_node_at_the_status_pose_with_the_inspectContainer_action_and_every_parameter()
    {
        var run = Inspect("--theta", "1.5", "--mode", "sequential", "--fresh-background", "--no-wait");
        var (topic, order) = await NextAsync(Robot.Orders);
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("uagv/v2/acme/R1/order", topic);
        Assert.Equal(1, order.HeaderId);
        Assert.Equal("2.1.0", order.Version);
        Assert.Equal(Now, order.Timestamp);
        Assert.Equal((FakeRobot.Manufacturer, Serial), (order.Manufacturer, order.SerialNumber));
        Assert.Equal("inspect-CSQU3054383-20260504103015", order.OrderId);
        Assert.Equal(0, order.OrderUpdateId);
        Assert.Empty(order.Edges);
        var node = Assert.Single(order.Nodes);
        Assert.Equal(0, node.SequenceId);
        Assert.True(node.Released);
        var status = FakeRobot.SampleStatus(Serial);
        Assert.Equal((status.Pose.X, status.Pose.Y, status.Pose.MapId), (node.NodePosition!.X, node.NodePosition.Y, node.NodePosition.MapId));
        var action = Assert.Single(node.Actions);
        Assert.Equal("inspectContainer", action.ActionType);
        Assert.Equal(BlockingType.Hard, action.BlockingType);
        Assert.StartsWith(order.OrderId, action.ActionId);
        var parameters = action.ActionParameters!.ToDictionary(p => p.Key, p => p.Value.GetRawText());
        Assert.Equal(new Dictionary<string, string>
        {
            ["containerNumber"] = "\"CSQU3054383\"",
            ["containerType"] = "\"40ftHC\"",
            ["x"] = "30.5",
            ["y"] = "-12",
            ["theta"] = "1.5",
            ["pointMode"] = "\"sequential\"",
            ["measureBackground"] = "true",
            ["operatorId"] = "\"officer-7\"",
        }, parameters);
        Assert.Contains($"sent order {order.OrderId} to R1 (acme)", Assert.Single(result.Lines));
    }

    [Fact]
    public async Task Defaults_leave_the_point_mode_to_the_robot_and_keep_the_background()
    {
        var run = Inspect("--no-wait");
        var (_, order) = await NextAsync(Robot.Orders);
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        var parameters = order.Nodes[0].Actions[0].ActionParameters!.ToDictionary(p => p.Key, p => p.Value.GetRawText());
        Assert.False(parameters.ContainsKey("pointMode"));
        Assert.Equal("false", parameters["measureBackground"]);
        Assert.Equal("0", parameters["theta"]);
    }

    [Fact]
    public async Task Follows_progress_and_ends_with_the_verdict_exit_0_even_for_exceeds()
    {
        var run = Inspect();
        var (_, order) = await NextAsync(Robot.Orders);
        await Robot.PlayInspectionAsync(order, Steps, finished: true, "EXCEEDS report R-000012: right-02-h1.3 exceeds 0.171 µSv/h twice");
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Error);
        Assert.Equal(
        [
            $"sent order {order.OrderId} to R1 (acme): inspect container CSQU3054383",
            "Measuring", // the phase is shown until the first point is done
            "1/3 points, last 0.073 µSv/h at right-01-h0.5",
            "2/3 points, last 0.071 µSv/h at right-02-h1.3",
            "3/3 points, last 0.069 µSv/h at right-03-h2.1",
            "verdict EXCEEDS for CSQU3054383, report R-000012: right-02-h1.3 exceeds 0.171 µSv/h twice",
        ], result.Lines);
    }

    [Fact]
    public async Task Json_prints_one_object_per_step_and_the_final_one()
    {
        var run = Inspect("--json");
        var (_, order) = await NextAsync(Robot.Orders);
        await Robot.PlayInspectionAsync(order, Steps, finished: true, "PASS report R-000013: 3 of 3 points below 0.171 µSv/h");
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["sent", "progress", "progress", "progress", "progress", "finished"], lines.Select(l => l.GetProperty("kind").GetString()));
        Assert.All(lines, l => Assert.Equal(order.OrderId, l.GetProperty("orderId").GetString()));
        Assert.Equal(0, lines[1].GetProperty("pointsDone").GetInt32());
        Assert.Equal(2, lines[3].GetProperty("pointsDone").GetInt32());
        Assert.Equal(3, lines[3].GetProperty("pointsPlanned").GetInt32());
        Assert.Equal("right-02-h1.3", lines[3].GetProperty("currentPoint").GetString());
        Assert.Equal(0.071, lines[3].GetProperty("lastDoseUSvPerH").GetDouble());
        Assert.Equal("PASS", lines[^1].GetProperty("verdict").GetString());
        Assert.Equal("R-000013", lines[^1].GetProperty("reportId").GetString());
        Assert.Equal("2026-05-04T10:30:15.250Z", lines[^1].GetProperty("timestamp").GetString());
    }

    [Fact]
    public async Task A_failed_inspection_exits_3_with_the_robots_reason()
    {
        var run = Inspect();
        var (_, order) = await NextAsync(Robot.Orders);
        await Robot.PlayInspectionAsync(order, [], finished: false, "INVALID report R-000014: calibration expired on 2026-04-30");
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("inspection of CSQU3054383 FAILED: INVALID report R-000014: calibration expired", result.Out);
        var error = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("calibration expired on 2026-04-30", error);
    }

    [Fact]
    public async Task A_refused_order_exits_3_with_the_robots_error_and_other_orders_errors_are_ignored()
    {
        var run = Inspect();
        var (_, order) = await NextAsync(Robot.Orders);
        await Robot.RefuseOrderAsync("walk-1", "orderRejected", "not ours");
        await Robot.RefuseOrderAsync(order.OrderId, "emergencyStopActive", "emergency stop is latched; reset it before sending orders");
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 3, result.ToString());
        var error = Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"robot R1 refused order {order.OrderId}: emergencyStopActive: emergency stop is latched", error);
        Assert.DoesNotContain("not ours", result.Error);
    }

    [Fact]
    public async Task Nothing_heard_for_the_timeout_exits_4()
    {
        var run = Start(_time, CancellationToken.None, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "--timeout", "5",
            "inspect", Serial, "--container", "CSQU3054383", "--type", "20ft", "--x", "1", "--y", "2");
        await NextAsync(Robot.Orders);
        // The follower's timer starts once the order is out; step the fake clock until it fires.
        while (!run.IsCompleted)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(run, Task.Delay(20));
        }
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("nothing heard from robot R1 for 5 s while following order inspect-CSQU3054383-", result.Error);
    }

    [Fact]
    public async Task A_wrong_check_digit_is_refused_locally_and_nothing_is_sent()
    {
        var result = await RunAsync("inspect", Serial, "--container", "CSQU3054384", "--type", "20ft", "--x", "1", "--y", "2");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("--container: 'CSQU3054384': the check digit is 4, it should be 3", result.Error);
        Assert.Equal("", result.Out);
        Assert.False(Robot.Commands.Reader.TryRead(out _));
        Assert.False(Robot.Orders.Reader.TryRead(out _));
    }

    [Fact]
    public async Task An_unknown_robot_fails_with_exit_4_before_any_order()
    {
        var result = await RunAsync("--timeout", "0.5", "inspect", "R9", "--container", "CSQU3054383", "--type", "20ft", "--x", "1", "--y", "2");

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("no answer from robot R9", result.Error);
        Assert.False(Robot.Orders.Reader.TryRead(out _));
    }
}
