namespace Robot.Drivers.Common;

/// <summary>
/// Short, blocking waits a device protocol needs between two pin or register operations
/// (a step pulse width, a mode-switch time). Isolated here so tests substitute an instant one and
/// never wait; everything else in the drivers reads time from a <see cref="TimeProvider"/>.
/// </summary>
public interface IHardwareDelay
{
    void Wait(TimeSpan duration);
}

/// <summary>
/// The board's delay: spins on the provider's high-resolution timestamp for microsecond waits
/// (the kernel cannot sleep that precisely) and blocks on a provider timer for longer ones.
/// </summary>
public sealed class TimeProviderDelay(TimeProvider time) : IHardwareDelay
{
    private static readonly TimeSpan SpinLimit = TimeSpan.FromMilliseconds(2);

    public void Wait(TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero) return;
        if (duration >= SpinLimit)
        {
            Task.Delay(duration, time).GetAwaiter().GetResult();
            return;
        }
        var start = time.GetTimestamp();
        var spinner = new SpinWait();
        while (time.GetElapsedTime(start) < duration) spinner.SpinOnce(-1);
    }
}
