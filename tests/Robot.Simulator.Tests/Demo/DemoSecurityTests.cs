using System.Net;
using System.Text;
using System.Threading.Channels;
using Robot.Protocol.Broker;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Remote.Client;
using Robot.Simulator.Composition;
using Robot.Simulator.Demo;

namespace Robot.Simulator.Tests.Demo;

/// <summary>
/// The demo needs no set-up and is still secure by default: it makes up broker accounts at start
/// and hands them out, and a client without one on its loopback broker may only watch.
/// </summary>
public sealed class DemoSecurityTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task An_anonymous_client_watches_the_demo_robot_but_cannot_command_it_and_the_printed_officer_account_can()
    {
        var port = EmbeddedBroker.FreePort(IPAddress.Loopback);
        await using var robot = await SimulatedRobot.StartAsync(DemoHost.RobotOptions(port, "DEMO-SEC", seed: 1));
        await using var demo = await DemoHost.StartAsync(robot, port, httpPort: null);
        var uri = new Uri($"mqtt://127.0.0.1:{port}");

        // Made up at start, different every run, and long enough not to be guessed.
        Assert.All(demo.BrokerAccounts.Values, secret => Assert.True(secret.Length >= 20, secret));
        Assert.Equal(["archive", "officer"], demo.BrokerAccounts.Keys.Order().ToArray());

        await using var anonymous = new MqttLink(new MqttLinkOptions { BrokerUri = uri, ClientId = "anon-watcher" }, TimeProvider.System);
        var states = Channel.CreateUnbounded<LinkMessage>();
        anonymous.MessageReceived = m => { states.Writer.TryWrite(m); return Task.CompletedTask; };
        await anonymous.SubscribeAsync(TopicScheme.Vda(robot.Options.Manufacturer, "DEMO-SEC", MessageKind.State), 0);
        using (var timeout = new CancellationTokenSource(Patience)) await anonymous.StartAsync(timeout.Token);

        // Watching works.
        Assert.NotNull(await states.Reader.ReadAsync().AsTask().WaitAsync(Patience));
        // Commanding does not: the broker refuses an e-stop, a reset and a retained message, and the robot never latches.
        var estop = new CommandRequest { CommandId = "anon-1", IssuedAt = DateTimeOffset.UtcNow, ExpiresAt = DateTimeOffset.UtcNow.AddSeconds(30), Command = CommandNames.EmergencyStop };
        Assert.False(await anonymous.PublishAsync(new LinkMessage(TopicScheme.Extension("DEMO-SEC", MessageKind.Command), ProtocolCodec.Encode(estop), 1)));
        Assert.False(await anonymous.PublishAsync(new LinkMessage("anything", Encoding.UTF8.GetBytes("x"), 1, Retain: true)));
        Assert.False(robot.Controller.BuildTelemetry(0).EmergencyStop.Latched);

        // The officer account the demo prints commands the robot.
        await using var officer = await RobotClient.ConnectAsync(new RobotClientOptions { BrokerUri = uri, Username = "officer", Password = demo.BrokerAccounts["officer"] }, TimeProvider.System);
        var answer = await officer.SendCommandAsync("DEMO-SEC", officer.NewCommand(CommandNames.EmergencyStop)).WaitAsync(Patience);
        Assert.True(answer.Accepted, answer.Message);
        Assert.True(robot.Controller.BuildTelemetry(0).EmergencyStop.Latched);
    }
}
