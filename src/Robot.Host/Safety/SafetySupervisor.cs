using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using UnitsNet;

namespace Robot.Host.Safety;

/// <summary>Who currently asks for motion.</summary>
public enum MotionSource
{
    None,
    Teleop,
    Order,
}

/// <summary>
/// The one gate between every motion source and the drive and lift drivers. It runs on its own
/// fixed tick (not behind the procedure's queue), latches the emergency stop, enforces the
/// dead-man on teleop, and applies the failsafe table. Not thread-safe by itself: the
/// RobotController calls it under its lock, from the tick, the e-stop edge and the protocol.
/// </summary>
public sealed class SafetySupervisor
{
    private readonly RobotHardware _hw;
    private readonly SafetyOptions _options;
    private readonly HashSet<FailsafeCause> _active = [];

    private (double Linear, double Angular, double Lift) _teleop;
    private DateTimeOffset _teleopExpiresAt = DateTimeOffset.MinValue;
    private bool _teleopActive;
    private (double Linear, double Angular) _autonomous;
    private bool _autonomousActive;

    public SafetySupervisor(RobotHardware hardware, SafetyOptions options)
    {
        _hw = hardware;
        _options = options;
    }

    public IReadOnlySet<FailsafeCause> ActiveCauses => _active;
    public FailsafeAction Action => FailsafeTable.Resolve(_active);
    public bool EmergencyStopLatched => _active.Contains(FailsafeCause.EmergencyStopInput) || _active.Contains(FailsafeCause.EmergencyStopCommand);
    public bool TeleopActive => _teleopActive;
    public MotionSource Source => _teleopActive ? MotionSource.Teleop : _autonomousActive ? MotionSource.Order : MotionSource.None;

    /// <summary>Motion of any kind is allowed (no hold or kill in force).</summary>
    public bool MotionAllowed => Action < FailsafeAction.Hold;

    /// <summary>Raised when a cause becomes active or clears (for state.errors and events).</summary>
    public event Action<FailsafeCause, bool>? CauseChanged;

    /// <summary>Latch the stop and cut the outputs now, not at the next tick.</summary>
    public void LatchEmergencyStop(FailsafeCause cause)
    {
        if (cause is not (FailsafeCause.EmergencyStopInput or FailsafeCause.EmergencyStopCommand))
            throw new ArgumentOutOfRangeException(nameof(cause));
        ClearMotionRequests();
        _hw.Drive.Stop();
        _hw.Lift.Stop();
        Set(cause, true);
    }

    /// <summary>Release the latch. Refused while the contact is still open. Nothing moves until a new command.</summary>
    public string? TryResetEmergencyStop()
    {
        if (_hw.EmergencyStop.IsOpen) return "the emergency-stop contact is still open: release the button (or mend the wire) first";
        if (!EmergencyStopLatched) return null;
        ClearMotionRequests();
        Set(FailsafeCause.EmergencyStopInput, false);
        Set(FailsafeCause.EmergencyStopCommand, false);
        return null;
    }

    /// <summary>Accept one dead-man teleop sample; applies it to the outputs at once.</summary>
    public string? ApplyTeleop(double linearMps, double angularRadps, double liftMps, TimeSpan ttl, DateTimeOffset now)
    {
        if (Action >= FailsafeAction.StopTeleop && !OnlyDeadman())
        {
            var why = string.Join(", ", _active.Where(c => FailsafeTable.For(c).Action >= FailsafeAction.StopTeleop && c != FailsafeCause.TeleopDeadman)
                .Select(c => FailsafeTable.For(c).Description));
            return $"teleop refused: {why}";
        }
        if (Math.Abs(linearMps) > _options.MaxLinearSpeedMps) return $"linearMps {linearMps} exceeds this robot's limit of {_options.MaxLinearSpeedMps} m/s";
        if (Math.Abs(angularRadps) > _options.MaxAngularSpeedRadps) return $"angularRadps {angularRadps} exceeds this robot's limit of {_options.MaxAngularSpeedRadps} rad/s";
        if (Math.Abs(liftMps) > _options.MaxLiftSpeedMps) return $"liftMps {liftMps} exceeds this robot's limit of {_options.MaxLiftSpeedMps} m/s";
        if (ttl > _options.TeleopMaxTtl) ttl = _options.TeleopMaxTtl;
        _teleop = (linearMps, angularRadps, liftMps);
        _teleopExpiresAt = now + ttl;
        _teleopActive = true;
        Set(FailsafeCause.TeleopDeadman, false);
        _hw.Drive.SetVelocity(Speed.FromMetersPerSecond(linearMps), RotationalSpeed.FromRadiansPerSecond(angularRadps));
        _hw.Lift.SetVelocity(Speed.FromMetersPerSecond(liftMps));
        return null;
    }

    /// <summary>The order executor's wish for this tick (applied in <see cref="Tick"/>).</summary>
    public void RequestAutonomous(double linearMps, double angularRadps)
    {
        _autonomous = (Math.Clamp(linearMps, -_options.MaxLinearSpeedMps, _options.MaxLinearSpeedMps),
            Math.Clamp(angularRadps, -_options.MaxAngularSpeedRadps, _options.MaxAngularSpeedRadps));
        _autonomousActive = true;
    }

    public void ReleaseAutonomous()
    {
        _autonomous = default;
        _autonomousActive = false;
    }

    /// <summary>Move the lift to a height (command or order action). Refused under hold or stop.</summary>
    public string? RequestLift(Length height)
    {
        if (!MotionAllowed) return "lift refused: " + BlockingCauses();
        if (height < _hw.Lift.MinHeight || height > _hw.Lift.MaxHeight)
            return $"height {height.Meters:0.###} m is outside the lift's range {_hw.Lift.MinHeight.Meters:0.###} to {_hw.Lift.MaxHeight.Meters:0.###} m";
        _hw.Lift.MoveTo(height);
        return null;
    }

    /// <summary>The broker link or the operator's link went down or came back.</summary>
    public void SetLinkState(FailsafeCause cause, bool lost)
    {
        if (cause is not (FailsafeCause.BrokerLinkLost or FailsafeCause.OperatorLinkLost)) throw new ArgumentOutOfRangeException(nameof(cause));
        if (lost && _teleopActive) StopTeleop();
        Set(cause, lost);
    }

    /// <summary>One supervisor tick: read the inputs, enforce the dead-man, apply the outputs.</summary>
    public void Tick(DateTimeOffset now)
    {
        if (_hw.EmergencyStop.IsOpen && !_active.Contains(FailsafeCause.EmergencyStopInput))
        {
            LatchEmergencyStop(FailsafeCause.EmergencyStopInput);
        }
        var soc = _hw.Battery.StateOfCharge.Percent;
        Set(FailsafeCause.BatteryCritical, soc < _options.BatteryCriticalPercent && !_hw.Battery.IsCharging);
        Set(FailsafeCause.BatteryLow, soc < _options.BatteryWarnPercent);

        if (_teleopActive && now >= _teleopExpiresAt)
        {
            StopTeleop();
            Set(FailsafeCause.TeleopDeadman, true);
        }

        switch (Action)
        {
            case FailsafeAction.KillOutputs:
                ClearMotionRequests();
                _hw.Drive.Stop();
                _hw.Lift.Stop();
                break;
            case FailsafeAction.Hold:
                ClearMotionRequests();
                _hw.Drive.SetVelocity(Speed.Zero, RotationalSpeed.Zero);
                _hw.Lift.Stop();
                break;
            default:
                if (_teleopActive)
                {
                    _hw.Drive.SetVelocity(Speed.FromMetersPerSecond(_teleop.Linear), RotationalSpeed.FromRadiansPerSecond(_teleop.Angular));
                }
                else if (_autonomousActive)
                {
                    _hw.Drive.SetVelocity(Speed.FromMetersPerSecond(_autonomous.Linear), RotationalSpeed.FromRadiansPerSecond(_autonomous.Angular));
                }
                else
                {
                    _hw.Drive.SetVelocity(Speed.Zero, RotationalSpeed.Zero);
                }
                break;
        }
    }

    /// <summary>The causes that hold or stop all motion, for refusal messages.</summary>
    public string BlockingCauses() => string.Join(", ", _active.Where(c => FailsafeTable.For(c).Action >= FailsafeAction.Hold).Select(c => FailsafeTable.For(c).Description));

    private bool OnlyDeadman() => _active.All(c => c == FailsafeCause.TeleopDeadman || FailsafeTable.For(c).Action < FailsafeAction.StopTeleop);

    /// <summary>End teleop now (the operator said goodbye); the drive holds zero.</summary>
    public void StopTeleop()
    {
        _teleopActive = false;
        _teleop = default;
        _hw.Drive.SetVelocity(Speed.Zero, RotationalSpeed.Zero);
        _hw.Lift.SetVelocity(Speed.Zero);
    }

    private void ClearMotionRequests()
    {
        _teleopActive = false;
        _teleop = default;
        _autonomousActive = false;
        _autonomous = default;
    }

    private void Set(FailsafeCause cause, bool active)
    {
        var changed = active ? _active.Add(cause) : _active.Remove(cause);
        if (changed) CauseChanged?.Invoke(cause, active);
    }
}
