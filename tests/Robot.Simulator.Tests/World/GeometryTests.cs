using Microsoft.Extensions.Time.Testing;
using Robot.Simulator.Physics;
using Robot.Simulator.Tests.Support;
using Robot.Simulator.Yard;
using UnitsNet;

namespace Robot.Simulator.Tests.World;

public class GeometryTests
{
    [Theory]
    [InlineData(ContainerType.Iso20, 6.058, 2.438, 2.591)]
    [InlineData(ContainerType.Iso40, 12.192, 2.438, 2.591)]
    [InlineData(ContainerType.Iso40HighCube, 12.192, 2.438, 2.896)]
    public void Containers_have_their_ISO_668_outside_dimensions(ContainerType type, double length, double width, double height)
    {
        var box = new Container(type, 0, 0, 0);
        Assert.Equal((length, width, height), (box.LengthM, box.WidthM, box.HeightM));
    }

    [Fact]
    public void Container_frame_round_trips_and_follows_the_heading()
    {
        var box = new Container(ContainerType.Iso40, 10, -3, Math.PI / 2);
        var door = box.ToYard(new Vec3(box.LengthM / 2, 0, 1));
        Assert.Equal(10, door.X, 1e-9);
        Assert.Equal(-3 + 6.096, door.Y, 1e-9);
        var back = box.ToLocal(door);
        Assert.Equal(box.LengthM / 2, back.X, 1e-9);
        Assert.Equal(0, back.Y, 1e-9);
    }

    private static SimWorld World(SimWorldOptions options, out FakeTimeProvider time)
    {
        time = new FakeTimeProvider(Probes.Start);
        return new SimWorld(options, time);
    }

    [Fact]
    public void Range_finder_reads_the_distance_from_the_probe_to_the_container_face()
    {
        // Robot at the origin facing +x, probe 0.45 m to its left (+y); a 20 ft box along x whose
        // near face is at y = 0.55: 10 cm from the probe centre.
        var options = new SimWorldOptions();
        options.Containers.Add(new Container(ContainerType.Iso20, 1, 0.55 + 2.438 / 2, 0));
        using var world = World(options, out _);
        Assert.Equal(0.10, world.RangeFinder.Distance!.Value.Meters, 1e-9);
        Assert.Equal(new Vec3(0, 0.45, world.Lift.Height.Meters), world.ProbePosition);
    }

    [Fact]
    public void Range_finder_looks_to_the_probe_side_only_and_not_beyond_its_range()
    {
        var right = new SimWorldOptions { ProbeLateralOffsetM = -0.45 };
        right.Containers.Add(new Container(ContainerType.Iso20, 1, 0.55 + 2.438 / 2, 0));
        using (var world = World(right, out _)) Assert.Null(world.RangeFinder.Distance);

        var far = new SimWorldOptions();
        far.Containers.Add(new Container(ContainerType.Iso20, 0, 0.45 + 2.01 + 2.438 / 2, 0));
        using (var world = World(far, out _)) Assert.Null(world.RangeFinder.Distance);

        var near = new SimWorldOptions();
        near.Containers.Add(new Container(ContainerType.Iso20, 0, 0.45 + 1.99 + 2.438 / 2, 0));
        using (var world = World(near, out _)) Assert.Equal(1.99, world.RangeFinder.Distance!.Value.Meters, 1e-9);
    }

    [Fact]
    public void Range_finder_turns_with_the_robot_and_hits_the_end_face_of_a_rotated_box()
    {
        // Robot facing +y (heading 90°): its left is -x. Probe at (-0.45, 0). A 40 ft box with its
        // long axis along -x (heading 180°), front end face at x = -0.75: 0.30 m from the probe.
        var options = new SimWorldOptions { StartHeadingRad = Math.PI / 2 };
        options.Containers.Add(new Container(ContainerType.Iso40, -0.75 - 12.192 / 2, 0, Math.PI));
        using var world = World(options, out _);
        Assert.Equal(0.30, world.RangeFinder.Distance!.Value.Meters, 1e-9);
    }

    [Fact]
    public void Odometry_is_exact_by_default_and_drifts_deterministically_when_set()
    {
        static (Robot.Drivers.Abstractions.Pose Believed, Robot.Drivers.Abstractions.Pose True) Drive(OdometryErrorOptions odometry, int seed)
        {
            var options = new SimWorldOptions { Seed = seed, Odometry = odometry };
            using var world = World(options, out _);
            world.Drive.SetVelocity(Speed.FromMetersPerSecond(0.5), RotationalSpeed.FromRadiansPerSecond(0.05));
            for (var i = 0; i < 1000; i++) world.Step(0.02);
            return (world.Pose, world.TruePose);
        }

        var exact = Drive(new OdometryErrorOptions(), 3);
        Assert.Equal(exact.True, exact.Believed);
        Assert.True(exact.True.X.Meters > 8, "the robot should have driven about 9.5 m");

        var bumpy = new OdometryErrorOptions { ScaleError = 0.01, DistanceNoisePerSqrtM = 0.005, HeadingNoisePerSqrtM = 0.005 };
        var a = Drive(bumpy, 3);
        var b = Drive(bumpy, 3);
        Assert.Equal(a, b);
        Assert.Equal(exact.True, a.True);
        var error = Math.Sqrt(Math.Pow(a.Believed.X.Meters - a.True.X.Meters, 2) + Math.Pow(a.Believed.Y.Meters - a.True.Y.Meters, 2));
        // 1 % of about 9.6 m plus small random walks: 3 cm to 30 cm.
        Assert.InRange(error, 0.03, 0.3);
    }
}
