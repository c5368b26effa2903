using Robot.Protocol.Broker;
using Robot.Remote.Cli;
using Robot.SystemTests.Support;

namespace Robot.SystemTests;

/// <summary>The command-line remote against the real host over the simulator: a client like any other.</summary>
public class RemoteCliAgainstTheRobotTests
{
    private static async Task<(int Code, string Out, string Err)> Cli(SystemRig rig, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        // An officer's own account on the embedded broker (the test Mosquitto lets anyone in).
        var (user, password) = rig.Broker.Account("officer-" + Guid.NewGuid().ToString("N")[..6], ClientRole.Officer, rig.Serial);
        string[] credentials = user is null ? [] : ["--username", user, "--password", password!];
        var code = await RemoteCli.RunAsync(["--broker", rig.Broker.Uri.ToString(), .. credentials, "--timeout", "20", .. args], stdout, stderr, rig.Clock.Time, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Theory]
    [MemberData(nameof(BrokerKind.Both), MemberType = typeof(BrokerKind))]
    public async Task Officer_lists_checks_drives_lifts_and_stops_the_robot_from_the_command_line(string broker)
    {
        await using var rig = await SystemRig.StartAsync(broker);

        var robots = await Cli(rig, "robots");
        Assert.Equal(0, robots.Code);
        Assert.Contains(rig.Serial, robots.Out);

        var status = await Cli(rig, "status", rig.Serial);
        Assert.True(status.Code == 0, status.Err);
        Assert.Contains(rig.Serial, status.Out);

        var drive = await Cli(rig, "drive", rig.Serial, "--linear", "0.4", "--angular", "0", "--seconds", "2");
        Assert.True(drive.Code == 0, drive.Err);
        Assert.True(await rig.EventuallyAsync(() => rig.Robot.World.Drive.Command.Linear == 0), "the robot did not stop after the drive verb ended");
        Assert.InRange(rig.Robot.World.Odometer, 0.4, 1.2);

        var lift = await Cli(rig, "lift", rig.Serial, "--to", "1.2");
        Assert.True(lift.Code == 0, lift.Err);
        Assert.True(await rig.EventuallyAsync(() => Math.Abs(rig.Robot.World.Lift.Height.Meters - 1.2) < 0.001), "the lift did not reach 1.2 m");

        var estop = await Cli(rig, "estop", rig.Serial);
        Assert.True(estop.Code == 0, estop.Err);
        Assert.True(rig.Robot.World.Drive.Command.OutputsOff);
        var moved = rig.Robot.World.Odometer;
        await Cli(rig, "drive", rig.Serial, "--linear", "0.4", "--angular", "0", "--seconds", "1");
        var refusedLift = await Cli(rig, "lift", rig.Serial, "--to", "0.5");
        Assert.Equal(3, refusedLift.Code);
        Assert.Contains("emergencyStopActive", refusedLift.Err);
        Assert.Equal(moved, rig.Robot.World.Odometer, 3);

        var reset = await Cli(rig, "reset-estop", rig.Serial);
        Assert.True(reset.Code == 0, reset.Err);
        var after = await Cli(rig, "--json", "status", rig.Serial);
        Assert.Equal(0, after.Code);
        Assert.Contains("\"latched\":false", after.Out.Replace(" ", ""));
    }
}
