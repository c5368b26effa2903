namespace Robot.Remote.Client;

/// <summary>How a remote reaches the robots: broker, credentials, who is operating, how long to wait.</summary>
public sealed class RobotClientOptions
{
    /// <summary>mqtt://host:port or mqtts://host:port.</summary>
    public Uri BrokerUri { get; set; } = new("mqtt://127.0.0.1:1883");
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>Put in every command and teleop sample, so the robot's log says who did what.</summary>
    public string OperatorId { get; set; } = "cli";
    /// <summary>Give up connecting after this long (the link itself would retry for ever).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How long to wait for the robot's answer to a command.</summary>
    public TimeSpan AnswerTimeout { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How long a command stays valid after it is issued (the robot refuses it after that).</summary>
    public TimeSpan CommandLifetime { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>MQTT client id prefix; a random suffix keeps two remotes from kicking each other off.</summary>
    public string ClientIdPrefix { get; set; } = "robot-remote";
    /// <summary>
    /// When set, the client announces operator presence for this robot: ONLINE on connect, a will of
    /// CONNECTIONBROKEN, OFFLINE on a clean stop (robot/v1/{serial}/operator, retained). Used while
    /// driving by hand, so the robot stops teleop at once if this remote vanishes.
    /// </summary>
    public string? OperatorPresenceFor { get; set; }
}
