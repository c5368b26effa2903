using System.Net;
using System.Text.Json;
using Robot.Protocol.Vda5050;
using Robot.Remote.Tests.Support;
using Robot.Remote.Web;
using Robot.TestSupport;

namespace Robot.Remote.Tests;

/// <summary>
/// Go to a point and pause / resume / cancel from the web remote: validated on the server (400,
/// nothing sent), lease-checked, and what goes out is a VDA 5050 message that validates against the
/// official schema and that the robot takes.
/// </summary>
public sealed class WebMotionTests : WebRemoteTestBase
{
    [Theory]
    [InlineData(60.0, 0.0, "the point (60, 0) is outside the yard (x -10..50 m, y -20..20 m)")]
    [InlineData(5.0, -25.0, "the point (5, -25) is outside the yard")]
    [InlineData(14.0, -6.0, "the point (14, -6) is on container TGHU7720313: pick a point at least 0.5 m from its walls")]
    [InlineData(20.3, -6.0, "is on container TGHU7720313")]
    public async Task A_point_outside_the_yard_or_on_a_container_is_refused_with_400_and_nothing_is_sent(double x, double y, string message)
    {
        using var a = await SignInAsync("officerA");
        var response = await a.PostAsync("goto", new { x, y });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(("officerA", "goto", "rejected"), (Audit()[0].User, Audit()[0].Command, Audit()[0].Result));
        // A refused request takes no lease either.
        Assert.DoesNotContain(Audit(), e => e.Command == "takeLease");

        // Nothing went out: the next order the robot hears is the good one that follows.
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("goto", new { x = 3.0, y = 2.0 })).StatusCode);
        var (_, order) = await NextAsync(Robot.Orders);
        Assert.Equal((3.0, 2.0), (order.Nodes[^1].NodePosition!.X, order.Nodes[^1].NodePosition!.Y));
    }

    [Fact]
    public async Task Missing_coordinates_are_refused()
    {
        using var a = await SignInAsync("officerA");
        var response = await a.PostAsync("goto", new { x = 3.0 });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("the point needs finite x and y", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_accepted_point_goes_out_as_a_schema_valid_two_node_order_from_where_the_robot_stands()
    {
        using var a = await SignInAsync("officerA");
        var response = await a.PostAsync("goto", new { x = 20.5, y = 1.25 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("driving to (20.5, 1.25)", body, StringComparison.Ordinal);

        var (topic, json) = await NextAsync(Robot.Raw);
        Assert.Equal($"uagv/v2/{FakeRobot.Manufacturer}/{Serial}/order", topic);
        Vda5050Schemas.Shared.AssertValid("order", json);
        Assert.Empty(Vda5050Schemas.TimestampProblems(json));
        var (_, order) = await NextAsync(Robot.Orders);
        Assert.Equal("goto-20260504104200000", order.OrderId);
        Assert.Equal(2, order.Nodes.Count);
        var status = FakeRobot.SampleStatus(Serial);
        Assert.Equal((status.Pose.X, status.Pose.Y, "yard"), (order.Nodes[0].NodePosition!.X, order.Nodes[0].NodePosition!.Y, order.Nodes[0].NodePosition!.MapId));
        Assert.Equal((20.5, 1.25, 2L, true), (order.Nodes[1].NodePosition!.X, order.Nodes[1].NodePosition!.Y, order.Nodes[1].SequenceId, order.Nodes[1].Released));
        var edge = Assert.Single(order.Edges);
        Assert.Equal((order.Nodes[0].NodeId, order.Nodes[1].NodeId, 1L, true), (edge.StartNodeId, edge.EndNodeId, edge.SequenceId, edge.Released));
        Assert.Equal(("officerA", "goto", "accepted"), (Audit()[0].User, Audit()[0].Command, Audit()[0].Result));
    }

    [Fact]
    public async Task A_point_behind_a_container_goes_out_as_an_order_round_it_with_a_node_per_corner()
    {
        using var a = await SignInAsync("officerA");
        var response = await a.PostAsync("goto", new { x = 14.0, y = -9.5 }); // behind the hot box, seen from the robot at (12.5, -3.25)
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("round the containers", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (_, json) = await NextAsync(Robot.Raw);
        Vda5050Schemas.Shared.AssertValid("order", json);
        var (_, order) = await NextAsync(Robot.Orders);
        Assert.True(order.Nodes.Count >= 4, $"{order.Nodes.Count} nodes: expected the start, two corners and the target");
        Assert.Equal(Enumerable.Range(0, order.Nodes.Count).Select(i => 2L * i), order.Nodes.Select(n => n.SequenceId));
        Assert.Equal((14.0, -9.5), (order.Nodes[^1].NodePosition!.X, order.Nodes[^1].NodePosition!.Y));
        Assert.Equal(order.Nodes.Count - 1, order.Edges.Count);
        for (var i = 0; i < order.Edges.Count; i++)
        {
            Assert.Equal((order.Nodes[i].NodeId, order.Nodes[i + 1].NodeId, 2L * i + 1), (order.Edges[i].StartNodeId, order.Edges[i].EndNodeId, order.Edges[i].SequenceId));
        }
        Assert.All(order.Nodes.Skip(1), n => Assert.False(Hot.Covers(n.NodePosition!.X, n.NodePosition.Y, YardLayout.ContainerClearanceM), $"node {n.NodeId} is on the hot box"));
    }

    [Fact]
    public async Task A_refused_order_is_a_409_with_the_robots_reason()
    {
        Robot.AnswerOrders = false;
        using var a = await SignInAsync("officerA");
        var run = a.PostAsync("goto", new { x = 3.0, y = 0.0 });
        var (_, order) = await NextAsync(Robot.Orders);
        await Robot.RefuseOrderAsync(order.OrderId, "orderRejected", "order inspect-1 is still running; cancel it (cancelOrder)");
        var response = await run.WaitAsync(Patience);
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("robot R1 refused the order: orderRejected: order inspect-1 is still running", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(("goto", "refused"), (Audit()[0].Command, Audit()[0].Result));
    }

    [Theory]
    [InlineData("pause", "startPause", "startPause: paused")]
    [InlineData("resume", "stopPause", "stopPause: resumed")]
    public async Task Pause_and_resume_publish_the_instant_action_and_report_how_the_robot_took_it(string path, string actionType, string message)
    {
        using var a = await SignInAsync("officerA");
        var response = await a.PostAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var (topic, json) = await NextAsync(Robot.Raw);
        Assert.Equal($"uagv/v2/{FakeRobot.Manufacturer}/{Serial}/instantActions", topic);
        Vda5050Schemas.Shared.AssertValid("instantActions", json);
        var sent = await NextAsync(Robot.InstantActions);
        var action = Assert.Single(sent.Actions);
        Assert.Equal((actionType, BlockingType.Hard), (action.ActionType, action.BlockingType));
        Assert.Equal(("officerA", actionType, "accepted"), (Audit()[0].User, Audit()[0].Command, Audit()[0].Result));
    }

    [Fact]
    public async Task Cancel_publishes_cancelOrder_and_a_cancel_with_no_order_running_is_a_409_with_the_robots_reason()
    {
        using var a = await SignInAsync("officerA");
        var nothing = await a.PostAsync("cancel");
        Assert.Equal(HttpStatusCode.Conflict, nothing.StatusCode);
        Assert.Contains("robot R1 refused cancelOrder: noOrderToCancel", await nothing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("cancelOrder", Assert.Single((await NextAsync(Robot.InstantActions)).Actions).ActionType);

        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("goto", new { x = 3.0, y = 0.0 })).StatusCode);
        var cancelled = await a.PostAsync("cancel");
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Contains("cancelOrder: order cancelled", await cancelled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("", Robot.RunningOrderId);
    }

    [Fact]
    public async Task Observers_may_not_move_the_robot()
    {
        using var observer = await SignInAsync("observer");
        foreach (var path in new[] { "goto", "pause", "resume", "cancel" })
            Assert.Equal(HttpStatusCode.Forbidden, (await observer.PostAsync(path, new { x = 3.0, y = 0.0 })).StatusCode);
        Assert.False(Robot.Raw.Reader.TryRead(out _));
    }

    [Fact]
    public async Task The_yard_map_serves_the_bounds_and_containers_to_everyone_signed_in()
    {
        using var observer = await SignInAsync("observer");
        using var doc = JsonDocument.Parse(await observer.Http.GetStringAsync("/api/yard"));
        var yard = doc.RootElement;
        Assert.Equal(-10, yard.GetProperty("bounds").GetProperty("minX").GetDouble());
        Assert.Equal(20, yard.GetProperty("bounds").GetProperty("maxY").GetDouble());
        var hot = yard.GetProperty("containers").EnumerateArray().Single(c => c.GetProperty("number").GetString() == Hot.Number);
        Assert.Equal(("40ft", 14.0, -6.0), (hot.GetProperty("type").GetString(), hot.GetProperty("x").GetDouble(), hot.GetProperty("y").GetDouble()));
        using var stranger = Stranger();
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.Http.GetAsync("/api/yard")).StatusCode);
    }
}
