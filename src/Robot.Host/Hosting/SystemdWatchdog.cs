using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging;

namespace Robot.Host.Hosting;

/// <summary>
/// Feeds the systemd watchdog (sd_notify WATCHDOG=1) at half of WATCHDOG_USEC when systemd set it
/// for this process (WatchdogSec= in the unit). Does nothing when not started by systemd.
/// The feed runs on the host's timers: a hung thread pool or a wedged process stops it and
/// systemd restarts the service (Restart=on-failure).
/// </summary>
public sealed class SystemdWatchdog(ISystemdNotifier notifier, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<SystemdWatchdog> log) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Microsoft.Extensions.Hosting.Systemd sends READY=1 only when it recognises systemd as the
        // parent process; with NOTIFY_SOCKET set by anything else (a supervisor, a test) say it here,
        // so Type=notify never waits out TimeoutStartSec. A second READY=1 is harmless.
        if (notifier.IsEnabled && !SystemdHelpers.IsSystemdService())
        {
            lifetime.ApplicationStarted.Register(() => notifier.Notify(ServiceState.Ready));
            lifetime.ApplicationStopping.Register(() => notifier.Notify(ServiceState.Stopping));
        }
        return base.StartAsync(cancellationToken);
    }

    /// <summary>Half the watchdog period from WATCHDOG_USEC (and WATCHDOG_PID, when set, naming this process); null when off.</summary>
    public static TimeSpan? FeedInterval(Func<string, string?> env, int pid)
    {
        if (!long.TryParse(env("WATCHDOG_USEC"), NumberStyles.None, CultureInfo.InvariantCulture, out var usec) || usec <= 0) return null;
        if (env("WATCHDOG_PID") is { Length: > 0 } p && (!int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var wpid) || wpid != pid)) return null;
        return TimeSpan.FromMicroseconds(usec / 2.0);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = FeedInterval(Environment.GetEnvironmentVariable, Environment.ProcessId);
        if (interval is null || !notifier.IsEnabled) return;
        log.LogInformation("feeding the systemd watchdog every {Interval}", interval);
        using var timer = new PeriodicTimer(interval.Value, time);
        do
        {
            notifier.Notify(new ServiceState("WATCHDOG=1"));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}
