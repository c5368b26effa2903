using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;
using Robot.Host.Control;

namespace Robot.Host.Hosting;

/// <summary>
/// Feeds the systemd watchdog (sd_notify WATCHDOG=1) when systemd set WATCHDOG_USEC for this
/// process (WatchdogSec= in the unit), and only while the control loop makes progress: every half
/// of WATCHDOG_USEC it checks that control ticks have completed since the last check
/// (<see cref="ControlLoopProgress"/>) and pings only then. A control loop that hangs (a driver call
/// that never returns, a starved thread pool), stops, or fails on every tick stops the pings, and
/// systemd kills and restarts the service. Does nothing when not started by systemd.
/// </summary>
public sealed class SystemdWatchdog : IHostedService, IDisposable
{
    private readonly ISystemdNotifier _notifier;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly ControlLoopProgress _progress;
    private readonly TimeProvider _time;
    private readonly ILogger<SystemdWatchdog> _log;
    private readonly Func<TimeSpan?> _interval;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private long _lastSeen;
    private bool _starving;

    public SystemdWatchdog(ISystemdNotifier notifier, IHostApplicationLifetime lifetime, ControlLoopProgress progress, TimeProvider time, ILogger<SystemdWatchdog> log)
        : this(notifier, lifetime, progress, time, log, () => FeedInterval(Environment.GetEnvironmentVariable, Environment.ProcessId))
    {
    }

    internal SystemdWatchdog(ISystemdNotifier notifier, IHostApplicationLifetime lifetime, ControlLoopProgress progress, TimeProvider time,
        ILogger<SystemdWatchdog> log, Func<TimeSpan?> interval)
    {
        _notifier = notifier;
        _lifetime = lifetime;
        _progress = progress;
        _time = time;
        _log = log;
        _interval = interval;
    }

    /// <summary>Pings sent, and checks that found the control loop stalled (and so sent none).</summary>
    public long Fed { get; private set; }
    public long Withheld { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Microsoft.Extensions.Hosting.Systemd sends READY=1 only when it recognises systemd as the
        // parent process; with NOTIFY_SOCKET set by anything else (a supervisor, a test) say it here,
        // so Type=notify never waits out TimeoutStartSec. A second READY=1 is harmless.
        if (_notifier.IsEnabled && !SystemdHelpers.IsSystemdService())
        {
            _lifetime.ApplicationStarted.Register(() => _notifier.Notify(ServiceState.Ready));
            _lifetime.ApplicationStopping.Register(() => _notifier.Notify(ServiceState.Stopping));
        }
        var interval = _interval();
        if (interval is null || !_notifier.IsEnabled) return Task.CompletedTask;
        _log.LogInformation("feeding the systemd watchdog every {Interval} while the control loop makes progress", interval);
        _lastSeen = _progress.CompletedTicks;
        _timer = _time.CreateTimer(_ => Check(interval.Value), null, interval.Value, interval.Value);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private void Check(TimeSpan interval)
    {
        lock (_gate)
        {
            var ticks = _progress.CompletedTicks;
            var progressed = ticks != _lastSeen;
            _lastSeen = ticks;
            if (progressed)
            {
                _notifier.Notify(new ServiceState("WATCHDOG=1"));
                Fed++;
                if (_starving) _log.LogWarning("the control loop makes progress again: feeding the systemd watchdog");
                _starving = false;
            }
            else
            {
                Withheld++;
                if (!_starving) _log.LogError("the control loop completed no tick in {Interval}: not feeding the systemd watchdog (systemd restarts the service at WatchdogSec)", interval);
                _starving = true;
            }
        }
    }

    /// <summary>Half the watchdog period from WATCHDOG_USEC (and WATCHDOG_PID, when set, naming this process); null when off.</summary>
    public static TimeSpan? FeedInterval(Func<string, string?> env, int pid)
    {
        if (!long.TryParse(env("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0) return null;
        if (env("WATCHDOG_PID") is { Length: > 0 } p && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var wpid) || wpid != pid)) return null;
        return TimeSpan.FromMicroseconds(usec / 2.0);
    }
}
