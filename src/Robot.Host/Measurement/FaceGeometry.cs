using Robot.Protocol.Extensions;

namespace Robot.Host.Measurement;

/// <summary>
/// One face of a container in the yard frame: its start corner (where "along" is 0), the unit
/// vector along it (the robot's travel direction), the outward normal, and its length.
/// </summary>
public readonly record struct FaceFrame(string Face, double StartX, double StartY, double AlongX, double AlongY, double NormalX, double NormalY, double Length)
{
    /// <summary>Distance along the face from its start corner of a point in the yard (its projection on the face line).</summary>
    public double AlongOf(double x, double y) => (x - StartX) * AlongX + (y - StartY) * AlongY;

    /// <summary>Distance of a point in the yard outside the face's plane (negative: inside the box).</summary>
    public double OutOf(double x, double y) => (x - StartX) * NormalX + (y - StartY) * NormalY;

    /// <summary>The point on the face at a distance along it.</summary>
    public (double X, double Y) At(double along) => (StartX + AlongX * along, StartY + AlongY * along);
}

/// <summary>
/// Where the probe was: the robot's measured pose plus the probe's lateral offset to the robot's
/// left, and that position's distance along a face. Everything a report says about "where" comes
/// from here, so it is what the robot measured, not what it was asked to do.
/// </summary>
public static class FaceGeometry
{
    public static readonly IReadOnlyList<string> Faces = ["right", "door", "left", "front"];

    /// <summary>The face frames in survey order, in the yard frame (see <see cref="SurveyPlanner"/> for the container frame).</summary>
    public static IReadOnlyList<FaceFrame> Frames(ContainerInfo c)
    {
        var (length, width, _) = SurveyPlanner.Dimensions(c.Type);
        var cos = Math.Cos(c.Theta);
        var sin = Math.Sin(c.Theta);
        FaceFrame Frame(string name, double sx, double sy, double ax, double ay, double nx, double ny, double l) => new(name,
            c.X + sx * cos - sy * sin, c.Y + sx * sin + sy * cos,
            ax * cos - ay * sin, ax * sin + ay * cos,
            nx * cos - ny * sin, nx * sin + ny * cos, l);
        return
        [
            Frame("right", -length / 2, -width / 2, 1, 0, 0, -1, length),
            Frame("door", length / 2, -width / 2, 0, 1, 1, 0, width),
            Frame("left", length / 2, width / 2, -1, 0, 0, 1, length),
            Frame("front", -length / 2, width / 2, 0, -1, -1, 0, width),
        ];
    }

    public static FaceFrame Frame(ContainerInfo c, string face) =>
        Frames(c).FirstOrDefault(f => f.Face == face) is { Face: not null } f ? f : throw new ArgumentOutOfRangeException(nameof(face), face, "unknown face");

    /// <summary>The probe's position in the yard: the robot's pose plus the lateral offset to its left.</summary>
    public static (double X, double Y) Probe(MeasurementPose pose, double probeOffsetM) =>
        (pose.X - Math.Sin(pose.Theta) * probeOffsetM, pose.Y + Math.Cos(pose.Theta) * probeOffsetM);

    /// <summary>
    /// A point result with where the probe actually was: its position in the yard, its distance
    /// along the face and its height, all from the measured pose. Points off the four faces (an
    /// interrupted background) come back unchanged.
    /// </summary>
    public static PointResult WithMeasuredPosition(PointResult p, ContainerInfo c, double probeOffsetM)
    {
        if (!Faces.Contains(p.Face)) return p;
        var (x, y) = Probe(p.Pose, probeOffsetM);
        return p with
        {
            ProbeX = Math.Round(x, 4),
            ProbeY = Math.Round(y, 4),
            MeasuredAlongM = Math.Round(Frame(c, p.Face).AlongOf(x, y), 4),
            MeasuredHeightM = p.Pose.HeightM,
        };
    }
}
