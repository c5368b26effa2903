using Robot.Remote.Client;

namespace Robot.Remote.Web;

/// <summary>How the web remote runs: where it listens, which broker it uses, where accounts and the audit log live.</summary>
public sealed class RemoteWebOptions
{
    /// <summary>Listen on 127.0.0.1 unless <see cref="ListenAnyAddress"/>.</summary>
    public int HttpPort { get; set; } = 8080;
    public bool ListenAnyAddress { get; set; }
    /// <summary>The remote's own broker connection (credentials stay on the server).</summary>
    public RobotClientOptions Broker { get; set; } = new() { ClientIdPrefix = "robot-web" };
    public required UserStore Users { get; init; }
    /// <summary>JSON-lines audit file; null keeps the audit only in memory.</summary>
    public string? AuditPath { get; set; }
    public YardBounds Yard { get; set; } = YardBounds.Default;
    /// <summary>The containers the yard map shows (tap one to fill the inspection form).</summary>
    public IReadOnlyList<YardContainer> Containers { get; set; } = [];
    /// <summary>A control lease lapses when its holder's phone has been quiet (no command, no WebSocket message) this long.</summary>
    public TimeSpan LeaseQuiet { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>The server stops streaming teleop when the page has sent nothing for this long.</summary>
    public TimeSpan JoystickQuiet { get; set; } = TimeSpan.FromMilliseconds(400);
    /// <summary>Cookie session lifetime (sliding).</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);
    public double MaxLinearMps { get; set; } = 0.5;
    public double MaxAngularRadps { get; set; } = 0.8;
    public double MaxLiftHeightM { get; set; } = 3.0;
}
