using System.Device.Gpio;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Common;
using Robot.Drivers.Configuration;
using UnitsNet;

namespace Robot.Drivers.Stepper;

/// <summary>
/// The lift mast: a stepper through a step/direction driver (A4988, DRV8825, TMC2209 class), a
/// lower homing switch and an upper limit switch. Position is counted in steps from the home
/// switch (home = MinHeight). It refuses to move before it is homed and never steps past the
/// upper limit (switch or configured maximum) or below home. Pulses are generated on a dedicated
/// thread; the microsecond waits go through <see cref="IHardwareDelay"/>.
///
/// Driver timing (datasheets): STEP high at least 1 µs (A4988) / 1.9 µs (DRV8825), low at least as
/// long; DIR set up 200 ns (A4988) / 650 ns (DRV8825) before the rising STEP edge; ENABLE is
/// active low and, when high, turns the output bridges off (the safe level).
/// </summary>
public sealed class StepDirLift : ILift, IDisposable
{
    private enum Mode { Idle, Target, Jog, Homing }

    private readonly GpioController _gpio;
    private readonly LiftOptions _o;
    private readonly IHardwareDelay _delay;
    private readonly Func<bool> _inhibited;
    private readonly Lock _gate = new();
    private readonly Lock _pins = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly ManualResetEventSlim _idle = new(true);
    private readonly Thread _worker;
    private readonly long _maxSteps;
    private readonly PinValue _up, _down;

    private Mode _mode;
    private long _target;
    private int _jogDirection;
    private double _speedMps;
    private long _position;
    private volatile bool _homed;
    private int _generation;
    private int _lastDirection;
    private volatile bool _disposed;

    public StepDirLift(GpioController gpio, LiftOptions options, IHardwareDelay delay, Func<bool>? inhibited = null)
    {
        _gpio = gpio;
        _o = options;
        _delay = delay;
        _inhibited = inhibited ?? (() => false);
        _maxSteps = (long)Math.Floor((options.MaxHeightM - options.MinHeightM) * options.StepsPerMetre);
        _up = options.UpIsHigh ? PinValue.High : PinValue.Low;
        _down = options.UpIsHigh ? PinValue.Low : PinValue.High;
        gpio.OpenPin(options.EnablePin, PinMode.Output, PinValue.High); // bridges off until a move
        gpio.OpenPin(options.StepPin, PinMode.Output, PinValue.Low);
        gpio.OpenPin(options.DirPin, PinMode.Output, _up);
        gpio.OpenPin(options.HomeSwitchPin, PinMode.InputPullUp);
        gpio.OpenPin(options.UpperLimitPin, PinMode.InputPullUp);
        _worker = new Thread(Run) { IsBackground = true, Name = "lift-steps", Priority = ThreadPriority.AboveNormal };
        _worker.Start();
    }

    public Length MinHeight => Length.FromMeters(_o.MinHeightM);
    public Length MaxHeight => Length.FromMeters(_o.MaxHeightM);
    public Length Height => Length.FromMeters(_o.MinHeightM + Interlocked.Read(ref _position) / _o.StepsPerMetre);
    public bool IsHomed => _homed;
    public bool IsMoving { get { lock (_gate) return _mode != Mode.Idle; } }

    /// <summary>Steps from home (0 = on the home switch).</summary>
    public long PositionSteps => Interlocked.Read(ref _position);

    /// <summary>Why the last command was refused or the last motion ended early; null when it was not.</summary>
    public string? LastRefusal { get; private set; }

    public bool HomeSwitchActive => Active(_o.HomeSwitchPin);
    public bool UpperLimitActive => Active(_o.UpperLimitPin);

    /// <summary>Start homing: down at the homing speed until the home switch closes.</summary>
    public void Home()
    {
        if (_inhibited()) { LastRefusal = "lift refused: the emergency stop is open"; return; }
        Command(Mode.Homing, 0, -1, _o.HomingSpeedMps);
    }

    public void MoveTo(Length height)
    {
        if (Refuse()) return;
        var h = height.Meters;
        if (!double.IsFinite(h)) { LastRefusal = "lift refused: the height is not a number"; return; }
        var steps = (long)Math.Round((Math.Clamp(h, _o.MinHeightM, _o.MaxHeightM) - _o.MinHeightM) * _o.StepsPerMetre);
        Command(Mode.Target, Math.Min(steps, _maxSteps), 0, _o.SpeedMps);
    }

    public void SetVelocity(Speed velocity)
    {
        var v = velocity.MetersPerSecond;
        if (v == 0 || !double.IsFinite(v))
        {
            lock (_gate) if (_mode is Mode.Jog or Mode.Target) { _mode = Mode.Idle; _generation++; }
            return;
        }
        if (Refuse()) return;
        Command(Mode.Jog, 0, Math.Sign(v), Math.Min(Math.Abs(v), _o.SpeedMps));
    }

    /// <summary>Bridges off and STEP low at once; cancels any motion including homing. Never throws.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _mode = Mode.Idle;
            _generation++;
        }
        lock (_pins) SafeOutputs();
    }

    /// <summary>For tests and the self-test: wait until the mast is idle.</summary>
    public bool WaitIdle(TimeSpan timeout) => _idle.Wait(timeout);

    private bool Refuse()
    {
        if (_inhibited()) LastRefusal = "lift refused: the emergency stop is open";
        else if (!_homed) LastRefusal = "lift refused: not homed yet (homing runs at start; check the home switch)";
        else
        {
            lock (_gate) if (_mode == Mode.Homing) { LastRefusal = "lift refused: homing in progress"; return true; }
            return false;
        }
        return true;
    }

    private void Command(Mode mode, long target, int direction, double speedMps)
    {
        lock (_gate)
        {
            _mode = mode;
            _target = target;
            _jogDirection = direction;
            _speedMps = speedMps;
            _generation++;
            LastRefusal = null;
            _idle.Reset();
        }
        _wake.Release();
    }

    private bool Active(int pin)
    {
        var high = _gpio.Read(pin) == PinValue.High;
        return _o.SwitchesNormallyClosed ? high : !high;
    }

    private void Run()
    {
        while (!_disposed)
        {
            _wake.Wait();
            if (_disposed) return;
            RunMotion();
        }
    }

    private void RunMotion()
    {
        while (!_disposed)
        {
            Mode mode;
            long target;
            int jog, generation;
            double speed;
            lock (_gate)
            {
                (mode, target, jog, speed, generation) = (_mode, _target, _jogDirection, _speedMps, _generation);
                if (mode == Mode.Idle)
                {
                    lock (_pins) _gpio.Write(_o.EnablePin, PinValue.High);
                    _idle.Set();
                    return;
                }
            }
            if (_inhibited())
            {
                End(generation, "lift stopped: the emergency stop is open");
                lock (_pins) SafeOutputs();
                continue;
            }

            var position = Interlocked.Read(ref _position);
            int direction;
            switch (mode)
            {
                case Mode.Homing:
                    if (HomeSwitchActive)
                    {
                        Interlocked.Exchange(ref _position, 0);
                        _homed = true;
                        End(generation, null);
                        continue;
                    }
                    // Travel more than the whole mast (plus 20 %) without finding the switch: a fault.
                    if (-position > _maxSteps * 12 / 10 + 10)
                    {
                        End(generation, "lift homing failed: the home switch did not close over the full mast travel");
                        continue;
                    }
                    direction = -1;
                    break;
                case Mode.Target:
                    if (position == target) { End(generation, null); continue; }
                    direction = Math.Sign(target - position);
                    break;
                default:
                    direction = jog;
                    break;
            }
            if (direction > 0 && (UpperLimitActive || position >= _maxSteps))
            {
                End(generation, mode == Mode.Jog && position >= _maxSteps && !UpperLimitActive ? null : "lift stopped at the upper limit");
                continue;
            }
            if (direction < 0 && mode != Mode.Homing && (HomeSwitchActive || position <= 0))
            {
                End(generation, null);
                continue;
            }

            var period = TimeSpan.FromSeconds(1 / (speed * _o.StepsPerMetre));
            var pulse = TimeSpan.FromMicroseconds(_o.StepPulseMicroseconds);
            if (!Pulse(direction, generation, pulse)) continue;
            _delay.Wait(period - pulse > pulse ? period - pulse : pulse);
        }
    }

    /// <summary>One step: DIR, setup time, STEP high for the pulse width, STEP low. False when cancelled.</summary>
    private bool Pulse(int direction, int generation, TimeSpan width)
    {
        lock (_pins)
        {
            if (Volatile.Read(ref _generation) != generation || _inhibited()) return false;
            _gpio.Write(_o.EnablePin, PinValue.Low);
            if (direction != _lastDirection)
            {
                _gpio.Write(_o.DirPin, direction > 0 ? _up : _down);
                _lastDirection = direction;
                _delay.Wait(TimeSpan.FromMicroseconds(_o.DirSetupMicroseconds));
            }
            _gpio.Write(_o.StepPin, PinValue.High);
            _delay.Wait(width);
            _gpio.Write(_o.StepPin, PinValue.Low);
            Interlocked.Add(ref _position, direction);
            return true;
        }
    }

    private void End(int generation, string? why)
    {
        lock (_gate)
        {
            if (_generation != generation) return;
            _mode = Mode.Idle;
            if (why is not null) LastRefusal = why;
        }
    }

    private void SafeOutputs()
    {
        try { _gpio.Write(_o.StepPin, PinValue.Low); } catch (Exception) { /* the enable line below still cuts the bridges */ }
        try { _gpio.Write(_o.EnablePin, PinValue.High); } catch (Exception) { }
    }

    public void Dispose()
    {
        Stop();
        _disposed = true;
        _wake.Release();
        _worker.Join(TimeSpan.FromSeconds(1));
    }
}
