using System.Device.Gpio;

namespace Robot.Drivers.Odometry;

/// <summary>
/// A two-channel quadrature encoder on GPIO edges, decoded x4: every edge of A or B is one count,
/// its sign from the Gray-code transition. An impossible transition (both channels changed, an
/// edge was missed) is counted as an error and not as motion.
/// </summary>
public sealed class QuadratureEncoder : IDisposable
{
    // Index: previous state (A<<1|B) * 4 + new state. +1 = A leads B (forward).
    private static readonly int[] Transition = [0, -1, +1, 0, +1, 0, 0, -1, -1, 0, 0, +1, 0, +1, -1, 0];

    private readonly GpioController _gpio;
    private readonly int _pinA, _pinB;
    private readonly int _sign;
    private readonly PinChangeEventHandler _handler;
    private readonly Lock _gate = new();
    private int _state;
    private long _count;
    private long _errors;

    public QuadratureEncoder(GpioController gpio, int pinA, int pinB, bool inverted = false)
    {
        _gpio = gpio;
        _pinA = pinA;
        _pinB = pinB;
        _sign = inverted ? -1 : 1;
        gpio.OpenPin(pinA, PinMode.InputPullUp);
        gpio.OpenPin(pinB, PinMode.InputPullUp);
        _state = (gpio.Read(pinA) == PinValue.High ? 2 : 0) | (gpio.Read(pinB) == PinValue.High ? 1 : 0);
        _handler = OnEdge;
        const PinEventTypes both = PinEventTypes.Rising | PinEventTypes.Falling;
        gpio.RegisterCallbackForPinValueChangedEvent(pinA, both, _handler);
        gpio.RegisterCallbackForPinValueChangedEvent(pinB, both, _handler);
    }

    /// <summary>Signed counts since start (x4 decoding).</summary>
    public long Count { get { lock (_gate) return _count; } }

    /// <summary>Transitions that skipped a state (a missed edge).</summary>
    public long Errors { get { lock (_gate) return _errors; } }

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        var high = e.ChangeType == PinEventTypes.Rising;
        lock (_gate)
        {
            var next = e.PinNumber == _pinA ? (high ? _state | 2 : _state & ~2) : (high ? _state | 1 : _state & ~1);
            if (next == _state) return;
            var step = Transition[_state * 4 + next];
            if (step == 0) _errors++;
            _count += _sign * step;
            _state = next;
        }
    }

    public void Dispose()
    {
        try
        {
            _gpio.UnregisterCallbackForPinValueChangedEvent(_pinA, _handler);
            _gpio.UnregisterCallbackForPinValueChangedEvent(_pinB, _handler);
        }
        catch (InvalidOperationException) { }
    }
}
