using Robot.Protocol.Link;

namespace Robot.Host.Link;

/// <summary>
/// The robot's second broker connection, for what it is told (orders, instant actions, teleop,
/// commands, operator presence) and its command replies. Telemetry, state and reports go out on the
/// main link: on one connection a burst of them sat in front of a teleop sample in the socket
/// buffers (20 ms at p99 behind telemetry on a Mosquitto with Nagle on). Same account, its own client id.
/// </summary>
public sealed class ControlLink(MqttLink link) : IAsyncDisposable
{
    public MqttLink Link { get; } = link;

    public const string ClientIdSuffix = "-ctl";

    public ValueTask DisposeAsync() => Link.DisposeAsync();
}
