using Robot.Protocol.Codec;
using Robot.Protocol.Topics;

namespace Robot.Remote.Client;

/// <summary>
/// One message seen while watching a robot: <see cref="Message"/> is a decoded Telemetry, State or
/// RobotEvent, or <see cref="Error"/> says why the payload did not decode.
/// </summary>
public sealed record WatchMessage(string Topic, MessageKind Kind, DateTimeOffset ReceivedAt, object? Message, ProtocolError? Error);
