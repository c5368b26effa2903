using Robot.Drivers.Abstractions;
using Robot.Drivers.Gnss;
using UnitsNet;

namespace Robot.Drivers.Odometry;

/// <summary>
/// The robot's pose: wheel odometry between fixes, the IMU's heading when it has one, and each
/// new GNSS fix resetting the position. Without a GNSS receiver the pose starts at the origin.
/// </summary>
public sealed class FusedPoseSource(DifferentialOdometry odometry, IHeadingSource? heading, NmeaGnssReceiver? gnss) : IPoseSource
{
    private DateTimeOffset _usedFix = DateTimeOffset.MinValue;
    private readonly Lock _gate = new();

    public bool IsInitialized => gnss is null || gnss.LastFix is not null;

    public Pose Pose
    {
        get
        {
            lock (_gate)
            {
                if (gnss?.LastFix is { } fix && fix.Time > _usedFix)
                {
                    odometry.ResetPosition(fix.X, fix.Y);
                    _usedFix = fix.Time;
                }
                Angle? h = null;
                try { h = heading?.Heading; } catch (IOException) { /* the IMU dropped off the bus: dead-reckon the heading */ }
                return odometry.Update(h);
            }
        }
    }
}
