using Robot.Protocol.Broker;
using System.Diagnostics;
using Robot.Remote.Client;
using Robot.Remote.Motion;
using Robot.Remote.Web;
using Robot.Simulator.Clock;
using Robot.Simulator.Demo;
using Robot.SystemTests.Support;

namespace Robot.SystemTests;

/// <summary>
/// A go-to whose straight line crosses a container: the remote plans round it (YardPlanner) and the
/// real host drives the waypoints in the simulated demo yard without its range finder having to stop it.
/// </summary>
public sealed class GoToRoundContainersTests
{
    private static readonly YardLayout Yard = new(new YardBounds(-30, -15, 45, 15),
        [.. DemoYard.Layout.Select(c => new YardContainer(c.Number, c.Type, c.X, c.Y, c.Theta))]);

    [Fact]
    public async Task The_robot_goes_round_the_hot_container_to_a_point_behind_it_and_keeps_clear_of_every_wall()
    {
        await using var rig = await SystemRig.StartAsync(BrokerKind.Embedded, o => o.World = DemoYard.World(seed: 7));
        // The remote stamps commands with the robot's time of day (the rig's clock runs 10x) and waits in real time.
        var officer = rig.Broker.Account("tester", ClientRole.Officer, rig.Serial);
        await using var client = await RobotClient.ConnectAsync(new RobotClientOptions { BrokerUri = rig.Broker.Uri, OperatorId = "tester", Username = officer.User, Password = officer.Password }, new TimeOfDayClock(rig.Clock.Time));
        var target = (X: 14.0, Y: -9.5); // behind the hot 40 ft box (x 7.9..20.1, y -7.2..-4.8) seen from the start at the origin
        var start = (X: rig.Robot.World.TruePose.X.Meters, Y: rig.Robot.World.TruePose.Y.Meters);
        var plan = YardPlanner.Plan(Yard, start, target);
        Assert.True(plan is { Count: > 1 }, "the straight line should cross the hot container");

        var outcome = await client.GoToAsync(rig.Serial, target.X, target.Y, null, CancellationToken.None, (from, to) => YardPlanner.Plan(Yard, from, to));
        Assert.True(outcome.Accepted, outcome.Message);
        Assert.Contains("round the containers", outcome.Message);

        // Watch the true pose (a real-time guard against a hang, not a measurement) until it arrives.
        var closest = double.PositiveInfinity;
        var guard = Stopwatch.StartNew();
        while (true)
        {
            var pose = rig.Robot.World.TruePose;
            var (x, y) = (pose.X.Meters, pose.Y.Meters);
            closest = Math.Min(closest, Yard.Containers.Min(c => WallDistance(c, x, y)));
            if (double.Hypot(x - target.X, y - target.Y) < 0.3) break;
            Assert.True(guard.Elapsed < TimeSpan.FromMinutes(2), $"the robot did not arrive: at ({x:0.00}, {y:0.00}), closest to a wall {closest:0.00} m");
            await Task.Delay(10);
        }
        Assert.True(closest >= 0.45, $"the robot came within {closest:0.00} m of a container wall");
    }

    /// <summary>Distance from (x, y) to the container's footprint (0 inside it).</summary>
    private static double WallDistance(YardContainer c, double x, double y)
    {
        var (dx, dy) = (x - c.X, y - c.Y);
        var (cos, sin) = (Math.Cos(c.Theta), Math.Sin(c.Theta));
        var along = Math.Max(0, Math.Abs(dx * cos + dy * sin) - c.LengthM / 2);
        var across = Math.Max(0, Math.Abs(-dx * sin + dy * cos) - c.WidthM / 2);
        return double.Hypot(along, across);
    }
}
