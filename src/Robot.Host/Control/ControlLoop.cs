using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;

namespace Robot.Host.Control;

/// <summary>
/// The supervisor's fixed tick (Safety:TickHz), on the TimeProvider's timer: independent of the
/// protocol and of any procedure queue. On the simulator's virtual clock it ticks as time advances.
/// Every completed tick is counted in <see cref="ControlLoopProgress"/> (what the systemd watchdog feeds on).
/// </summary>
public sealed class ControlLoop(RobotController robot, RobotHardware hardware, IOptions<SafetyOptions> safety, ControlLoopProgress progress,
    TimeProvider time, ILogger<ControlLoop> log)
    : IHostedService, IDisposable
{
    private ITimer? _timer;
    private int _failures;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var period = TimeSpan.FromSeconds(1.0 / safety.Value.TickHz);
        _timer = time.CreateTimer(_ => Tick(), null, period, period);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // Leave the machine safe: outputs off when the host stops.
        hardware.Drive.Stop();
        hardware.Lift.Stop();
        return Task.CompletedTask;
    }

    private void Tick()
    {
        try
        {
            robot.Tick();
            _failures = 0;
            progress.TickCompleted();
        }
        catch (Exception ex)
        {
            // A bug in a tick must not leave the motors running: stop, log, and keep ticking. A failed
            // tick is no progress: if every tick fails, the watchdog starves and systemd restarts the host.
            hardware.Drive.Stop();
            hardware.Lift.Stop();
            if (_failures++ < 5) log.LogError(ex, "control tick failed; outputs stopped");
        }
    }

    public void Dispose() => _timer?.Dispose();
}
