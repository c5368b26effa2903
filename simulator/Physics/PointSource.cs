namespace Robot.Simulator.Physics;

/// <summary>A point gamma source at a position in the yard frame, activity in MBq.</summary>
public sealed record PointSource(Nuclide Nuclide, double ActivityMBq, Vec3 Position, string? Label = null)
{
    /// <summary>A source inside a container, placed in the container's own frame (x along the long axis from the centre, y to the left, z up from the ground).</summary>
    public static PointSource Inside(Container container, Nuclide nuclide, double activityMBq, Vec3 local, string? label = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        if (!container.Inner.Contains(local) && !IsOnBoundary(container.Inner, local))
        {
            throw new ArgumentOutOfRangeException(nameof(local), local, $"the source must be inside container {container.Id}");
        }
        return new PointSource(nuclide, activityMBq, container.ToYard(local), label);
    }

    private static bool IsOnBoundary(Box box, Vec3 p) =>
        p.X >= box.Min.X && p.X <= box.Max.X && p.Y >= box.Min.Y && p.Y <= box.Max.Y && p.Z >= box.Min.Z && p.Z <= box.Max.Z;

    internal void Validate()
    {
        if (!(ActivityMBq >= 0) || !double.IsFinite(ActivityMBq)) throw new ArgumentOutOfRangeException(nameof(ActivityMBq), ActivityMBq, "activity must be a finite number of MBq, not negative");
        if (!double.IsFinite(Position.X) || !double.IsFinite(Position.Y) || !double.IsFinite(Position.Z)) throw new ArgumentException("the source position must be finite", nameof(Position));
        _ = NuclideData.Of(Nuclide);
    }
}
