using Microsoft.Extensions.Time.Testing;

namespace Robot.Simulator.Clock;

/// <summary>
/// The simulator's virtual clock: a FakeTimeProvider that is either stepped by the caller
/// (headless runs, lockstep) or pumped in the background at a fixed speed-up over real time
/// (system tests, so messages over a real broker still interleave naturally).
/// </summary>
public sealed class SimClock : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _pump;

    public SimClock(DateTimeOffset? start = null)
    {
        Time = new FakeTimeProvider(start ?? TimeProvider.System.GetUtcNow());
    }

    public FakeTimeProvider Time { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    /// <summary>Advance virtual time in steps, firing every timer due on the way.</summary>
    public void Advance(TimeSpan by, TimeSpan? step = null)
    {
        var s = step ?? TimeSpan.FromMilliseconds(20);
        var end = Time.GetUtcNow() + by;
        while (Time.GetUtcNow() + s <= end) Time.Advance(s);
        var rest = end - Time.GetUtcNow();
        if (rest > TimeSpan.Zero) Time.Advance(rest);
    }

    /// <summary>Run virtual time at <paramref name="speedup"/> times real time until disposed.</summary>
    public void StartPump(double speedup = 10, TimeSpan? step = null)
    {
        if (_pump is not null) throw new InvalidOperationException("the pump is already running");
        if (!(speedup > 0)) throw new ArgumentOutOfRangeException(nameof(speedup));
        var s = step ?? TimeSpan.FromMilliseconds(20);
        var real = TimeSpan.FromTicks((long)(s.Ticks / speedup));
        _pump = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(real, TimeProvider.System, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                Time.Advance(s);
            }
        });
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_pump is not null) await _pump.ConfigureAwait(false);
        _stop.Dispose();
    }
}
