using Robot.Drivers.Common;

namespace Robot.Drivers.Tests.Fakes;

/// <summary>Hardware waits that take no time; records them and can pause the caller at a chosen wait.</summary>
public sealed class InstantDelay : IHardwareDelay
{
    private readonly List<TimeSpan> _waits = [];
    public Func<bool>? Hold { get; set; }
    public ManualResetEventSlim Release { get; } = new(false);
    public ManualResetEventSlim Holding { get; } = new(false);

    public IReadOnlyList<TimeSpan> Waits { get { lock (_waits) return _waits.ToList(); } }

    public void Wait(TimeSpan duration)
    {
        lock (_waits) _waits.Add(duration);
        if (Hold?.Invoke() == true)
        {
            Holding.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
        }
    }
}
