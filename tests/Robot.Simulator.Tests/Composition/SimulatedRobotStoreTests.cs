using Robot.Protocol.Broker;
using Robot.Simulator.Composition;

namespace Robot.Simulator.Tests.Composition;

/// <summary>A simulated robot's record store: a temporary one goes with the robot, a configured one stays.</summary>
public sealed class SimulatedRobotStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robot-sim-store-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task The_temporary_store_it_made_is_removed_when_the_robot_is_disposed()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        var robot = await SimulatedRobot.StartAsync(new SimulatedRobotOptions { BrokerUri = broker.Uri, SerialNumber = "SIM-TEMP", Username = "robot", Password = broker.Accounts.Issue("robot", ClientRole.Robot, "SIM-TEMP") });
        var store = robot.TemporaryStore;

        Assert.NotNull(store);
        Assert.StartsWith(Path.GetTempPath(), store, StringComparison.Ordinal);
        Assert.True(File.Exists(store), $"{store} was not created");
        // Its report signing key is temporary too, beside the store (never the packaged /etc/robot-host one).
        var key = Path.ChangeExtension(store, null) + "-signing-key.pem";
        Assert.True(File.Exists(key), $"{key} was not created");
        Assert.True(File.Exists(Path.ChangeExtension(store, null) + "-signing-key-public.pem"));
        await robot.DisposeAsync();
        Assert.False(File.Exists(store), $"{store} is still there");
        Assert.False(File.Exists(key), $"{key} is still there");
        Assert.False(File.Exists(Path.ChangeExtension(store, null) + "-signing-key-public.pem"));
        Assert.False(File.Exists(store + "-wal"));
        Assert.False(File.Exists(store + "-shm"));
    }

    [Fact]
    public async Task A_store_named_in_the_config_is_kept()
    {
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
        var path = Path.Combine(_dir, "kept.db");
        var options = new SimulatedRobotOptions { BrokerUri = broker.Uri, SerialNumber = "SIM-KEPT", Username = "robot", Password = broker.Accounts.Issue("robot", ClientRole.Robot, "SIM-KEPT") };
        options.Config["Records:DatabasePath"] = path;
        var robot = await SimulatedRobot.StartAsync(options);

        Assert.Null(robot.TemporaryStore);
        await robot.DisposeAsync();
        Assert.True(File.Exists(path), $"{path} was removed");
    }
}
