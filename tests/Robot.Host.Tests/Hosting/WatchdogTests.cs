using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.Abstractions;
using Robot.Host.Control;
using Robot.Host.Hosting;
using Robot.Host.Tests.Support;

namespace Robot.Host.Tests.Hosting;

/// <summary>
/// The systemd watchdog is fed from the control loop's progress, not from a timer of its own: the
/// host's real ControlLoop ticks the robot on a virtual clock, and the watchdog pings only when
/// control ticks completed since its last check. Time is advanced, never waited for.
/// </summary>
public sealed class WatchdogTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5); // WatchdogSec=10

    [Fact]
    public async Task A_ticking_control_loop_feeds_the_watchdog_once_per_interval()
    {
        await using var rig = new RobotRig(tick: false);
        var notifier = new RecordingNotifier();
        var progress = new ControlLoopProgress();
        using var loop = Loop(rig, rig.Hardware, progress, rig.Clock.Time);
        using var watchdog = Watchdog(notifier, progress, rig.Clock.Time);
        await loop.StartAsync(CancellationToken.None);
        await watchdog.StartAsync(CancellationToken.None);

        rig.Advance(Interval * 3);

        Assert.Equal(3, notifier.Pings);
        Assert.Equal(3, watchdog.Fed);
        Assert.Equal(0, watchdog.Withheld);
        Assert.True(progress.CompletedTicks >= 3 * 5 * rig.Safety.TickHz - 1, $"{progress.CompletedTicks} ticks");
    }

    [Fact]
    public async Task A_hung_control_loop_stops_the_pings_and_they_resume_when_it_runs_again()
    {
        // The control loop runs on its own clock, which stands still while its thread is stuck;
        // time goes on for the watchdog.
        await using var rig = new RobotRig(tick: false);
        var watchdogTime = new FakeTimeProvider(rig.Now);
        var notifier = new RecordingNotifier();
        var progress = new ControlLoopProgress();
        using var loop = Loop(rig, rig.Hardware, progress, rig.Clock.Time);
        using var watchdog = Watchdog(notifier, progress, watchdogTime);
        await loop.StartAsync(CancellationToken.None);
        await watchdog.StartAsync(CancellationToken.None);

        void Both(TimeSpan by)
        {
            for (var t = TimeSpan.Zero; t < by; t += TimeSpan.FromSeconds(1))
            {
                rig.Advance(TimeSpan.FromSeconds(1));
                watchdogTime.Advance(TimeSpan.FromSeconds(1));
            }
        }

        Both(Interval);
        Assert.Equal(1, notifier.Pings);

        // Hung: no control tick completes for three watchdog intervals (systemd would kill at the second).
        watchdogTime.Advance(Interval * 3);
        Assert.Equal(1, notifier.Pings);
        Assert.Equal(3, watchdog.Withheld);

        Both(Interval * 2);
        Assert.Equal(3, notifier.Pings);
    }

    [Fact]
    public async Task A_control_tick_that_fails_every_time_is_no_progress_and_starves_the_watchdog()
    {
        FaultyEmergencyStop? estop = null;
        await using var rig = new RobotRig(tick: false, hardware: h => h with { EmergencyStop = estop = new FaultyEmergencyStop(h.EmergencyStop) });
        var notifier = new RecordingNotifier();
        var progress = new ControlLoopProgress();
        using var loop = Loop(rig, rig.Hardware, progress, rig.Clock.Time);
        using var watchdog = Watchdog(notifier, progress, rig.Clock.Time);
        await loop.StartAsync(CancellationToken.None);
        await watchdog.StartAsync(CancellationToken.None);

        rig.Advance(Interval + Interval / 2);
        Assert.Equal(1, notifier.Pings);

        // Halfway through the second interval the e-stop input can no longer be read: every tick throws
        // (and stops the outputs). The check at 10 s still saw ticks; those at 15 s and 20 s see none.
        estop!.Failing = true;
        var before = progress.CompletedTicks;
        rig.Advance(Interval * 2 + Interval / 2);
        Assert.Equal(before, progress.CompletedTicks);
        Assert.Equal(2, notifier.Pings);
        Assert.Equal(2, watchdog.Withheld);

        estop.Failing = false;
        rig.Advance(Interval);
        Assert.Equal(3, notifier.Pings);
    }

    [Fact]
    public async Task A_stopped_control_loop_stops_the_pings()
    {
        await using var rig = new RobotRig(tick: false);
        var notifier = new RecordingNotifier();
        var progress = new ControlLoopProgress();
        using var loop = Loop(rig, rig.Hardware, progress, rig.Clock.Time);
        using var watchdog = Watchdog(notifier, progress, rig.Clock.Time);
        await loop.StartAsync(CancellationToken.None);
        await watchdog.StartAsync(CancellationToken.None);
        rig.Advance(Interval + Interval / 2);

        // Stopped halfway through the second interval: the check at 10 s still saw ticks, those at 15 s and 20 s none.
        await loop.StopAsync(CancellationToken.None);
        rig.Advance(Interval * 2 + Interval / 2);

        Assert.Equal(2, notifier.Pings);
        Assert.Equal(2, watchdog.Withheld);
    }

    [Fact]
    public async Task Without_WATCHDOG_USEC_or_a_notify_socket_nothing_is_sent()
    {
        await using var rig = new RobotRig(tick: false);
        var progress = new ControlLoopProgress();
        using var loop = Loop(rig, rig.Hardware, progress, rig.Clock.Time);
        await loop.StartAsync(CancellationToken.None);
        var noInterval = new RecordingNotifier();
        using var off = new SystemdWatchdog(noInterval, new Lifetime(), progress, rig.Clock.Time, NullLogger<SystemdWatchdog>.Instance, () => null);
        var disabled = new RecordingNotifier { IsEnabled = false };
        using var notSystemd = Watchdog(disabled, progress, rig.Clock.Time);
        await off.StartAsync(CancellationToken.None);
        await notSystemd.StartAsync(CancellationToken.None);

        rig.Advance(Interval * 2);

        Assert.Equal(0, noInterval.Pings);
        Assert.Equal(0, disabled.Pings);
    }

    private static ControlLoop Loop(RobotRig rig, RobotHardware hardware, ControlLoopProgress progress, TimeProvider time) =>
        new(rig.Controller, hardware, Options.Create(rig.Safety), progress, time, NullLogger<ControlLoop>.Instance);

    private static SystemdWatchdog Watchdog(ISystemdNotifier notifier, ControlLoopProgress progress, TimeProvider time) =>
        new(notifier, new Lifetime(), progress, time, NullLogger<SystemdWatchdog>.Instance, () => Interval);

    private sealed class RecordingNotifier : ISystemdNotifier
    {
        private int _pings;
        public bool IsEnabled { get; init; } = true;
        public int Pings => Volatile.Read(ref _pings);

        public void Notify(ServiceState state)
        {
            if (state.ToString() == "WATCHDOG=1") Interlocked.Increment(ref _pings);
        }
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => CancellationToken.None;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() { }
    }

    private sealed class FaultyEmergencyStop(IEmergencyStopInput inner) : IEmergencyStopInput
    {
        public volatile bool Failing;

        public bool IsOpen => Failing ? throw new IOException("gpiochip0 line 26: read failed") : inner.IsOpen;

        public event Action<bool>? Changed
        {
            add => inner.Changed += value;
            remove => inner.Changed -= value;
        }
    }
}
