using System.Device.Gpio;

namespace Robot.Drivers.Tests.Fakes;

/// <summary>
/// A GPIO chip in memory: outputs remember what was written (in order), inputs are set by the test
/// and raise the registered edge callbacks synchronously, like the kernel's event thread would.
/// <see cref="OnWrite"/> lets a test play the hardware on the other side (a stepper, a switch).
/// </summary>
public sealed class FakeGpioDriver : GpioDriver
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, PinValue> _values = [];
    private readonly Dictionary<int, PinMode> _modes = [];
    private readonly Dictionary<int, List<(PinEventTypes Types, PinChangeEventHandler Handler)>> _callbacks = [];
    private readonly List<(int Pin, PinValue Value)> _writes = [];

    public Action<int, PinValue>? OnWrite { get; set; }

    protected override int PinCount => 64;

    public IReadOnlyList<(int Pin, PinValue Value)> Writes { get { lock (_gate) return _writes.ToList(); } }

    public PinValue Value(int pin) { lock (_gate) return _values.GetValueOrDefault(pin, PinValue.Low); }

    public PinMode Mode(int pin) { lock (_gate) return _modes[pin]; }

    public int RisingEdges(int pin) => Writes.Where(w => w.Pin == pin).Aggregate((Count: 0, Last: PinValue.Low),
        (acc, w) => (acc.Count + (acc.Last == PinValue.Low && w.Value == PinValue.High ? 1 : 0), w.Value)).Count;

    /// <summary>The world changes an input: store it and raise the edge callbacks for it.</summary>
    public void SetInput(int pin, PinValue value)
    {
        List<(PinEventTypes Types, PinChangeEventHandler Handler)> handlers;
        lock (_gate)
        {
            var old = _values.GetValueOrDefault(pin, PinValue.Low);
            _values[pin] = value;
            if (old == value) return;
            handlers = _callbacks.TryGetValue(pin, out var list) ? list.ToList() : [];
        }
        var type = value == PinValue.High ? PinEventTypes.Rising : PinEventTypes.Falling;
        foreach (var (types, handler) in handlers)
            if ((types & type) != 0) handler(this, new PinValueChangedEventArgs(type, pin));
    }

    /// <summary>Preset an input level without an edge (the state at power-up).</summary>
    public void Preset(int pin, PinValue value) { lock (_gate) _values[pin] = value; }

    protected override void OpenPin(int pinNumber) { }
    protected override void ClosePin(int pinNumber) { }

    protected override void SetPinMode(int pinNumber, PinMode mode)
    {
        lock (_gate)
        {
            _modes[pinNumber] = mode;
            // A pull-up input with nothing pulling it down reads high.
            if (mode == PinMode.InputPullUp && !_values.ContainsKey(pinNumber)) _values[pinNumber] = PinValue.High;
        }
    }

    protected override PinMode GetPinMode(int pinNumber) { lock (_gate) return _modes.GetValueOrDefault(pinNumber, PinMode.Input); }
    protected override bool IsPinModeSupported(int pinNumber, PinMode mode) => true;
    protected override PinValue Read(int pinNumber) => Value(pinNumber);

    protected override void Write(int pinNumber, PinValue value)
    {
        lock (_gate)
        {
            _values[pinNumber] = value;
            _writes.Add((pinNumber, value));
        }
        OnWrite?.Invoke(pinNumber, value);
    }

    protected override WaitForEventResult WaitForEvent(int pinNumber, PinEventTypes eventTypes, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the drivers are edge-callback driven");

    protected override void AddCallbackForPinValueChangedEvent(int pinNumber, PinEventTypes eventTypes, PinChangeEventHandler callback)
    {
        lock (_gate)
        {
            if (!_callbacks.TryGetValue(pinNumber, out var list)) _callbacks[pinNumber] = list = [];
            list.Add((eventTypes, callback));
        }
    }

    protected override void RemoveCallbackForPinValueChangedEvent(int pinNumber, PinChangeEventHandler callback)
    {
        lock (_gate) _callbacks.GetValueOrDefault(pinNumber)?.RemoveAll(c => c.Handler == callback);
    }
}
