using Robot.Drivers.Abstractions;

namespace Robot.Drivers.Configuration;

/// <summary>One row of the self-test: a device, where it is attached, its status and a live reading.</summary>
public sealed record SelfTestRow(string Device, string Where, bool Ok, string Reading, string Message, bool Required)
{
    public string Status => Ok ? "ok" : "fail";
}

/// <summary>
/// The devices the factory built from a <see cref="HardwareOptions"/>: the robot's eight roles
/// (when all of them came up), the extra devices, and the faults of those that did not.
/// </summary>
public sealed class HardwareRig : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly List<(string Device, string Where, bool Required, Func<string> Probe)> _probes = [];
    private readonly List<SelfTestRow> _faults = [];

    internal HardwareRig() { }

    /// <summary>The robot's devices; null when a required one failed (see <see cref="Faults"/>).</summary>
    public RobotHardware? Hardware { get; internal set; }
    public IReadOnlyList<IObstacleSensor> Obstacles { get; internal set; } = [];
    public ISurfaceContaminationProbe? SurfaceContamination { get; internal set; }

    /// <summary>Devices that could not be opened, one clear line each.</summary>
    public IReadOnlyList<string> Faults => _faults.Select(f => $"{f.Device} ({f.Where}): {f.Message}").ToList();
    public bool HasRequiredFaults => _faults.Any(f => f.Required);

    internal T Own<T>(T device) where T : IDisposable
    {
        _owned.Add(device);
        return device;
    }

    internal void AddProbe(string device, string where, bool required, Func<string> probe) => _probes.Add((device, where, required, probe));
    internal void AddFault(string device, string where, bool required, string message) => _faults.Add(new SelfTestRow(device, where, false, "", message, required));

    /// <summary>Probe every configured device once: a live reading, or the reason it failed.</summary>
    public IReadOnlyList<SelfTestRow> SelfTest()
    {
        var rows = new List<SelfTestRow>(_faults);
        foreach (var (device, where, required, probe) in _probes)
        {
            try { rows.Add(new SelfTestRow(device, where, true, probe(), "", required)); }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                rows.Add(new SelfTestRow(device, where, false, "", e.Message, required));
            }
        }
        return rows;
    }

    public void Dispose()
    {
        try { Hardware?.Drive.Stop(); Hardware?.Lift.Stop(); } catch (Exception) { /* disposing anyway */ }
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try { _owned[i].Dispose(); } catch (Exception) { /* release the rest */ }
        }
    }
}
