using Microsoft.Extensions.Time.Testing;
using Robot.Host.Safety;
using Robot.Protocol.Codec;

namespace Robot.Host.Tests.Safety;

public class CommandGuardTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
    private CommandGuard Guard() => new(_time, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2));

    [Fact]
    public void A_fresh_command_is_admitted_once_and_refused_as_replayed_after()
    {
        var guard = Guard();
        var now = _time.GetUtcNow();
        Assert.Null(guard.Admit("a", now, now.AddSeconds(5)));
        Assert.Equal(ProtocolErrorCode.ReplayedCommand, guard.Admit("a", now, now.AddSeconds(5))?.Code);
    }

    [Fact]
    public void Expired_stale_and_future_commands_are_refused_with_a_reason()
    {
        var guard = Guard();
        var now = _time.GetUtcNow();
        Assert.Equal(ProtocolErrorCode.ExpiredCommand, guard.Admit("e", now.AddSeconds(-2), now.AddSeconds(-1))?.Code);
        Assert.Equal(ProtocolErrorCode.StaleCommand, guard.Admit("s", now.AddSeconds(-31), now.AddSeconds(5))?.Code);
        var future = guard.Admit("f", now.AddSeconds(3), now.AddSeconds(10));
        Assert.Equal(ProtocolErrorCode.StaleCommand, future?.Code);
        Assert.Contains("future", future!.Message);
        // A refused command does not burn its id: the same id, sent properly, is admitted.
        Assert.Null(guard.Admit("e", now, now.AddSeconds(5)));
    }

    [Fact]
    public void Ids_are_forgotten_once_a_replay_would_be_stale_anyway()
    {
        var guard = Guard();
        var issued = _time.GetUtcNow();
        Assert.Null(guard.Admit("old", issued, issued.AddSeconds(1)));
        Assert.Equal(1, guard.Remembered);
        _time.Advance(TimeSpan.FromSeconds(33));
        // The replay is now refused as stale (by age), and the id itself has been dropped from memory.
        Assert.Equal(ProtocolErrorCode.StaleCommand, guard.Admit("old", issued, issued.AddSeconds(60))?.Code);
        Assert.Equal(0, guard.Remembered);
    }
}
