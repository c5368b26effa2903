namespace Robot.Host.Control;

/// <summary>
/// How many control ticks have completed. The control loop counts a tick only when the whole
/// supervisor/procedure tick returned normally, so a loop that is hung (its timer thread stuck in a
/// driver, a starved thread pool), stopped or failing on every tick stops counting; the systemd
/// watchdog feeds on this count, never on a timer of its own.
/// </summary>
public sealed class ControlLoopProgress
{
    private long _completed;

    public long CompletedTicks => Interlocked.Read(ref _completed);

    internal void TickCompleted() => Interlocked.Increment(ref _completed);
}
