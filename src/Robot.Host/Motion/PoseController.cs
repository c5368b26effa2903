using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;

namespace Robot.Host.Motion;

/// <summary>
/// The simple pose controller VDA 5050 driving needs here: turn on the spot towards the node,
/// then drive with a heading correction, slowing down so as to stop at the node.
/// </summary>
public sealed class PoseController(MotionOptions options)
{
    /// <summary>Velocity to command this tick, and whether the target is reached.</summary>
    public (double Linear, double Angular, bool Arrived) Step(Pose pose, double targetX, double targetY, double? targetTheta, double tolerance, double maxSpeed)
    {
        var dx = targetX - pose.X.Meters;
        var dy = targetY - pose.Y.Meters;
        var distance = Math.Sqrt(dx * dx + dy * dy);
        if (distance <= tolerance)
        {
            if (targetTheta is not { } theta) return (0, 0, true);
            var final = WrapAngle(theta - pose.Heading.Radians);
            if (Math.Abs(final) <= options.HeadingToleranceRad) return (0, 0, true);
            return (0, Math.Clamp(options.HeadingGain * final, -options.TurnRateRadps, options.TurnRateRadps), false);
        }
        var bearing = Math.Atan2(dy, dx);
        var error = WrapAngle(bearing - pose.Heading.Radians);
        var angular = Math.Clamp(options.HeadingGain * error, -options.TurnRateRadps, options.TurnRateRadps);
        if (Math.Abs(error) > options.TurnInPlaceAboveRad) return (0, angular, false);
        // v = sqrt(2 a d) brings the robot to rest at the node; aiming half a tolerance short keeps the
        // braking overshoot inside the tolerance. Never faster than cruise or the edge limit.
        var braking = Math.Sqrt(2 * options.DecelerationMps2 * Math.Max(0, distance - tolerance / 2));
        var linear = Math.Min(Math.Min(options.CruiseSpeedMps, maxSpeed), braking) * Math.Cos(error);
        return (Math.Max(linear, 0.03), angular, false);
    }

    public static double WrapAngle(double a)
    {
        while (a > Math.PI) a -= 2 * Math.PI;
        while (a < -Math.PI) a += 2 * Math.PI;
        return a;
    }
}
