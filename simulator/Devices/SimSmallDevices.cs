using Robot.Drivers.Abstractions;
using UnitsNet;

namespace Robot.Simulator.Devices;

/// <summary>Twin of the tower lamp and buzzer: it just remembers what it was told.</summary>
public sealed class SimAlarm : IAlarmIndicator
{
    public LampColor Lamp { get; private set; } = LampColor.Green;
    public bool BuzzerOn { get; private set; }
    public void SetLamp(LampColor color) => Lamp = color;
    public void SetBuzzer(bool on) => BuzzerOn = on;
}

/// <summary>Twin of the wall range finder: the yard tells it the distance to the nearest wall ahead of the probe.</summary>
public sealed class SimWallRangeFinder(Func<Length?> measure) : IWallRangeFinder
{
    public Length? Distance => measure();
}

/// <summary>Pose straight from the simulated world (ground truth plus the world's odometry error).</summary>
public sealed class SimPoseSource(Func<Pose> pose) : IPoseSource
{
    public Pose Pose => pose();
    public bool IsInitialized => true;
}
