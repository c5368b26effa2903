namespace Robot.Remote.Client;

/// <summary>A hand-drive request: hold these velocities for <see cref="Duration"/>, then stop.</summary>
public sealed record TeleopStreamRequest
{
    public required double LinearMps { get; init; }
    public required double AngularRadps { get; init; }
    public double LiftMps { get; init; }
    public required TimeSpan Duration { get; init; }
    /// <summary>Dead-man expiry of each sample: the robot stops this long after the last one.</summary>
    public int TtlMs { get; init; } = 300;
    public double RateHz { get; init; } = 10;

    public TimeSpan Period => TimeSpan.FromTicks((long)Math.Round(TimeSpan.TicksPerSecond / RateHz));
}

/// <summary>What a teleop stream did.</summary>
/// <param name="CommandsSent">Moving samples sent (the final stop sample is not counted).</param>
/// <param name="StopSent">Whether the final zero-velocity sample went out.</param>
/// <param name="Interrupted">Cancelled before the duration ran out (Ctrl+C, page closed).</param>
public sealed record TeleopStreamResult(int CommandsSent, bool StopSent, bool Interrupted);
