using System.Device.Gpio;

namespace Robot.Drivers.Common;

/// <summary>
/// Counts pulses on one GPIO input (edge events from the driver's own thread) and turns them into
/// a count rate once per window, on a <see cref="TimeProvider"/> timer. Shared by the dose-rate
/// pulse probe and both channels of the surface-contamination probe.
/// </summary>
public sealed class WindowedPulseRate : IDisposable
{
    private readonly GpioController _gpio;
    private readonly int _pin;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly PinChangeEventHandler _handler;
    private long _pending;
    private long _windowStart;
    private double? _rate;
    private DateTimeOffset? _lastPulse;
    private readonly Lock _gate = new();

    public WindowedPulseRate(GpioController gpio, int pin, PinEventTypes edge, TimeProvider time, TimeSpan window)
    {
        if (window <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(window), "the counting window must be positive");
        _gpio = gpio;
        _pin = pin;
        _time = time;
        Window = window;
        _gpio.OpenPin(pin, PinMode.Input);
        _handler = (_, _) =>
        {
            Interlocked.Increment(ref _pending);
            var now = _time.GetUtcNow();
            lock (_gate) _lastPulse = now;
        };
        _gpio.RegisterCallbackForPinValueChangedEvent(pin, edge, _handler);
        _windowStart = time.GetTimestamp();
        _timer = time.CreateTimer(_ => CloseWindow(), null, window, window);
    }

    public TimeSpan Window { get; }

    /// <summary>Counts per second over the last complete window; null before the first one closes.</summary>
    public double? CountsPerSecond { get { lock (_gate) return _rate; } }

    public DateTimeOffset? LastPulse { get { lock (_gate) return _lastPulse; } }

    private void CloseWindow()
    {
        var counts = Interlocked.Exchange(ref _pending, 0);
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            var elapsed = _time.GetElapsedTime(_windowStart, now).TotalSeconds;
            // A late timer can fire twice at one instant: the second window is empty and keeps the rate.
            if (elapsed <= 0) return;
            _windowStart = now;
            _rate = counts / elapsed;
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        try { _gpio.UnregisterCallbackForPinValueChangedEvent(_pin, _handler); } catch (InvalidOperationException) { }
    }
}
