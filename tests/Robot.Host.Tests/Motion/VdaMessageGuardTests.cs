using Microsoft.Extensions.Time.Testing;
using Robot.Host.Motion;

namespace Robot.Host.Tests.Motion;

/// <summary>The header check on its own: what it remembers, and for how long.</summary>
public class VdaMessageGuardTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Copies_are_remembered_only_while_they_could_still_be_fresh()
    {
        var time = new FakeTimeProvider(Start);
        var guard = new VdaMessageGuard(time, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        for (var i = 0; i < 100; i++)
        {
            Assert.Null(guard.Check("order", i, time.GetUtcNow()));
            guard.Taken("order", i, time.GetUtcNow());
            time.Advance(TimeSpan.FromMilliseconds(10));
        }
        Assert.Equal(100, guard.Remembered);

        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Null(guard.Check("order", 100, time.GetUtcNow()));
        Assert.Equal(0, guard.Remembered);
    }

    [Fact]
    public void A_flood_inside_the_window_keeps_memory_bounded_and_copies_still_refused_by_the_mark()
    {
        var time = new FakeTimeProvider(Start);
        var guard = new VdaMessageGuard(time, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(5));
        var first = time.GetUtcNow();
        for (var i = 0; i < VdaMessageGuard.MaxRemembered + 500; i++)
        {
            Assert.Null(guard.Check("instantActions", i, time.GetUtcNow()));
            guard.Taken("instantActions", i, time.GetUtcNow());
            time.Advance(TimeSpan.FromMilliseconds(1));
        }
        Assert.NotNull(guard.Check("instantActions", 0, first)); // forgotten as a copy, still before the mark
        Assert.InRange(guard.Remembered, 1, VdaMessageGuard.MaxRemembered + 1);
    }
}
