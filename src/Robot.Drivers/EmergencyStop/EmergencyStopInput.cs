using System.Device.Gpio;
using Robot.Drivers.Abstractions;

namespace Robot.Drivers.EmergencyStop;

/// <summary>
/// The normally closed e-stop contact between a GPIO input (internal pull-up) and ground. Closed
/// reads low; pressed, or a cut wire, reads high. Opening is reported on the first rising edge,
/// from the GPIO driver's event thread, with no debounce delay (a stop must never wait); closing
/// is reported only once the input has read low for the whole debounce time, so contact bounce
/// cannot release anything. The same contact cuts motor power in the wiring: this is the
/// second, independent channel.
/// </summary>
public sealed class EmergencyStopInput : IEmergencyStopInput, IDisposable
{
    private readonly GpioController _gpio;
    private readonly TimeProvider _time;
    private readonly TimeSpan _debounce;
    private readonly PinChangeEventHandler _handler;
    private readonly Lock _gate = new();
    private ITimer? _closeTimer;
    private volatile bool _open;

    public EmergencyStopInput(GpioController gpio, int pin, TimeSpan debounce, TimeProvider time)
    {
        _gpio = gpio;
        Pin = pin;
        _debounce = debounce;
        _time = time;
        _gpio.OpenPin(pin, PinMode.InputPullUp);
        _open = _gpio.Read(pin) == PinValue.High;
        _handler = OnEdge;
        _gpio.RegisterCallbackForPinValueChangedEvent(pin, PinEventTypes.Rising | PinEventTypes.Falling, _handler);
    }

    public int Pin { get; }
    public bool IsOpen => _open;
    public event Action<bool>? Changed;

    private void OnEdge(object sender, PinValueChangedEventArgs e)
    {
        if (e.ChangeType == PinEventTypes.Rising)
        {
            bool raise;
            lock (_gate)
            {
                _closeTimer?.Dispose();
                _closeTimer = null;
                raise = !_open;
                _open = true;
            }
            if (raise) Changed?.Invoke(true);
        }
        else
        {
            lock (_gate)
            {
                if (!_open) return;
                _closeTimer?.Dispose();
                _closeTimer = _time.CreateTimer(_ => ConfirmClosed(), null, _debounce, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void ConfirmClosed()
    {
        bool raise = false;
        lock (_gate)
        {
            _closeTimer?.Dispose();
            _closeTimer = null;
            // Still closed after the debounce time: release. A bounce back high re-arms via OnEdge.
            if (_open && _gpio.Read(Pin) == PinValue.Low)
            {
                _open = false;
                raise = true;
            }
        }
        if (raise) Changed?.Invoke(false);
    }

    public void Dispose()
    {
        lock (_gate) _closeTimer?.Dispose();
        try { _gpio.UnregisterCallbackForPinValueChangedEvent(Pin, _handler); } catch (InvalidOperationException) { }
    }
}
