using Robot.Drivers.Abstractions;
using UnitsNet;

namespace Robot.Drivers.Odometry;

/// <summary>
/// Dead reckoning of a differential drive from its two wheel encoders: pose integration (midpoint
/// heading) and wheel speeds over the interval since the last speed sample.
/// </summary>
public sealed class DifferentialOdometry
{
    private readonly Func<long> _left, _right;
    private readonly double _countsPerMetre, _track;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _poseLeft, _poseRight;
    private double _x, _y, _theta;
    private long _speedLeft, _speedRight, _speedStamp;
    private double _vLeft, _vRight;

    public DifferentialOdometry(Func<long> leftCounts, Func<long> rightCounts, double countsPerMetre, double trackWidthM, TimeProvider time)
    {
        _left = leftCounts;
        _right = rightCounts;
        _countsPerMetre = countsPerMetre;
        _track = trackWidthM;
        _time = time;
        _poseLeft = _speedLeft = leftCounts();
        _poseRight = _speedRight = rightCounts();
        _speedStamp = time.GetTimestamp();
    }

    public double TrackWidthM => _track;

    /// <summary>Integrates the counts since the last call; the heading comes from the IMU when one is given.</summary>
    public Pose Update(Angle? absoluteHeading = null)
    {
        lock (_gate)
        {
            long l = _left(), r = _right();
            var dl = (l - _poseLeft) / _countsPerMetre;
            var dr = (r - _poseRight) / _countsPerMetre;
            _poseLeft = l;
            _poseRight = r;
            var dTheta = (dr - dl) / _track;
            var mid = _theta + dTheta / 2;
            var ds = (dl + dr) / 2;
            _x += ds * Math.Cos(mid);
            _y += ds * Math.Sin(mid);
            _theta = absoluteHeading is { } h ? h.Radians : NormalizeAngle(_theta + dTheta);
            return new Pose(Length.FromMeters(_x), Length.FromMeters(_y), Angle.FromRadians(_theta));
        }
    }

    /// <summary>Moves the position (for example to a GNSS fix) without touching the counts.</summary>
    public void ResetPosition(double xM, double yM)
    {
        lock (_gate)
        {
            _x = xM;
            _y = yM;
        }
    }

    /// <summary>Wheel speeds (m/s) over the time since the previous sample; the last ones if under a millisecond passed.</summary>
    public (double Left, double Right) SampleWheelSpeeds()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var dt = _time.GetElapsedTime(_speedStamp, now).TotalSeconds;
            if (dt < 0.001) return (_vLeft, _vRight);
            long l = _left(), r = _right();
            _vLeft = (l - _speedLeft) / _countsPerMetre / dt;
            _vRight = (r - _speedRight) / _countsPerMetre / dt;
            _speedLeft = l;
            _speedRight = r;
            _speedStamp = now;
            return (_vLeft, _vRight);
        }
    }

    /// <summary>The last sampled wheel speeds.</summary>
    public (double Left, double Right) WheelSpeeds { get { lock (_gate) return (_vLeft, _vRight); } }

    private static double NormalizeAngle(double a) => Math.Atan2(Math.Sin(a), Math.Cos(a));
}
