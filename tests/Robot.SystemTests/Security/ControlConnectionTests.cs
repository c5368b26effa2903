using Robot.Protocol.Extensions;
using Robot.SystemTests.Support;

namespace Robot.SystemTests.Security;

/// <summary>
/// What the robot is told arrives on a connection of its own (teleop and commands never wait behind
/// telemetry in one socket), and losing that connection alone is a lost link: teleop stops at the
/// drive outputs, and the robot is back, ONLINE, when it reconnects.
/// </summary>
public sealed class ControlConnectionTests
{
    [Fact]
    public async Task Commands_come_in_on_the_control_connection_and_losing_it_stops_teleop_at_the_outputs()
    {
        await using var rig = await SystemRig.StartAsync(BrokerKind.Embedded);
        var broker = rig.Broker.Embedded!;
        var clients = await broker.Server.GetClientsAsync();
        var control = Assert.Single(clients, c => c.Id.StartsWith($"robot-{rig.Serial}-", StringComparison.Ordinal) && c.Id.EndsWith("-ctl", StringComparison.Ordinal));
        var main = Assert.Single(clients, c => c.Id.StartsWith($"robot-{rig.Serial}-", StringComparison.Ordinal) && !c.Id.EndsWith("-ctl", StringComparison.Ordinal));

        // A command goes to the control connection, not to the one that publishes telemetry (counts from the client's side: received from the broker).
        var toMain = main.ReceivedApplicationMessagesCount;
        var toControl = control.ReceivedApplicationMessagesCount;
        Assert.True((await rig.CommandAsync(CommandNames.Status)).Accepted);
        Assert.True(control.ReceivedApplicationMessagesCount > toControl);
        Assert.Equal(toMain, main.ReceivedApplicationMessagesCount);

        // Driving by hand; then the control connection alone drops.
        using var drive = new CancellationTokenSource();
        var teleop = Task.Run(async () =>
        {
            while (!drive.IsCancellationRequested)
            {
                await rig.SendTeleopAsync(rig.Teleop(0.5, ttlMs: 300));
                await Task.Delay(20);
            }
        });
        try
        {
            Assert.True(await rig.EventuallyAsync(() => rig.Robot.World.Drive.Command.Linear > 0), "teleop did not move the robot");
            var mark = rig.Probe.Mark();
            var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            rig.Robot.World.Drive.OnCommand = (linear, _, outputsOff) =>
            {
                if (linear == 0 || outputsOff) stopped.TrySetResult();
            };
            // Seen as it happens (the link may be back before the next state message on a busy machine).
            var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            rig.Robot.Controller.EventRaised += e =>
            {
                if (e.Kind == "brokerLinkLost") lost.TrySetResult();
            };
            await broker.DropClientAsync(control.Id);

            // The link-loss failsafe, and the drive commanded to zero while the teleop stream goes on
            // (the robot cannot hear it until the control link is back).
            await lost.Task.WaitAsync(TimeSpan.FromSeconds(20));
            await stopped.Task.WaitAsync(TimeSpan.FromSeconds(20));
            // It reconnects by itself and says ONLINE again; then commands work.
            await rig.Probe.WaitForAsync<global::Robot.Protocol.Vda5050.Connection>("/connection", c => c.ConnectionState == global::Robot.Protocol.Vda5050.ConnectionState.Online, after: mark);
            Assert.True(await rig.EventuallyAsync(() => !rig.Robot.Controller.BuildState(0, "2.1.0").Errors.Any(e => e.ErrorType == "brokerLinkLost")), "the link-loss failsafe did not clear");
        }
        finally
        {
            await drive.CancelAsync();
            await teleop;
        }
        Assert.True((await rig.CommandAsync(CommandNames.Status)).Accepted);
    }
}
