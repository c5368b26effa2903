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

    /// <summary>
    /// Run virtual time at about <paramref name="speedup"/> times real time until disposed: one
    /// <paramref name="step"/> of virtual time per step/speedup of real time. Each wake-up costs more
    /// than the nominal real interval, so the clock runs slower than asked (and slower still on a busy
    /// machine), which suits tests that only need time to move on. With <paramref name="keepPace"/> the
    /// pump instead measures real time and advances as many steps as are due (at most
    /// <see cref="MaxCatchUpSteps"/> per wake-up; beyond that it lets virtual time fall behind rather
    /// than jump), so a person watching sees the speed-up they asked for.
    /// </summary>
    public void StartPump(double speedup = 10, TimeSpan? step = null, bool keepPace = false)
    {
        if (_pump is not null) throw new InvalidOperationException("the pump is already running");
        if (!(speedup > 0) || double.IsInfinity(speedup)) throw new ArgumentOutOfRangeException(nameof(speedup));
        var s = step ?? TimeSpan.FromMilliseconds(20);
        var real = TimeSpan.FromTicks((long)(s.Ticks / speedup));
        _pump = Task.Run(async () =>
        {
            var wall = TimeProvider.System;
            var since = wall.GetTimestamp();
            long done = 0;
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(real, wall, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                if (!keepPace)
                {
                    Time.Advance(s);
                    continue;
                }
                var due = (long)(wall.GetElapsedTime(since).Ticks * speedup / s.Ticks) - done;
                if (due > MaxCatchUpSteps)
                {
                    // Too far behind (a busy machine): forget the debt instead of jumping ahead.
                    done += due - MaxCatchUpSteps;
                    due = MaxCatchUpSteps;
                }
                for (var i = 0; i < due && !_stop.IsCancellationRequested; i++)
                {
                    Time.Advance(s);
                    done++;
                }
            }
        });
    }

    /// <summary>The most steps a pacing pump takes at one wake-up to catch up with real time.</summary>
    public const int MaxCatchUpSteps = 5;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        if (_pump is not null) await _pump.ConfigureAwait(false);
        _stop.Dispose();
    }
}
