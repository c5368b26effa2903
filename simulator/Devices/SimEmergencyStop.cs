using Robot.Drivers.Abstractions;

namespace Robot.Simulator.Devices;

/// <summary>Twin of the normally-closed e-stop contact. Press() opens it and raises the edge.</summary>
public sealed class SimEmergencyStop : IEmergencyStopInput
{
    private volatile bool _open;

    public bool IsOpen => _open;
    public event Action<bool>? Changed;

    public void Press() => Set(true);
    public void Release() => Set(false);

    /// <summary>Open the contact without raising the edge, as a glitch that loses the interrupt would.</summary>
    public void OpenWithoutEdge() => _open = true;

    private void Set(bool open)
    {
        if (_open == open) return;
        _open = open;
        Changed?.Invoke(open);
    }
}
