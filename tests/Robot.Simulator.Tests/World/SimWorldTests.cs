using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.Abstractions;
using Robot.Simulator.Devices;
using Robot.Simulator.Physics;
using Robot.Simulator.Tests.Support;
using Robot.Simulator.Yard;
using UnitsNet;

namespace Robot.Simulator.Tests.World;

public class SimWorldTests
{
    [Fact]
    public void The_default_world_is_a_clean_yard_at_0_07_with_a_NaI_probe()
    {
        var time = new FakeTimeProvider(Probes.Start);
        using var world = new SimWorld(new SimWorldOptions(), time);
        Assert.Empty(world.Yard.Containers);
        Assert.Empty(world.Yard.Sources);
        Assert.Equal("sim-NaI-2x2", world.Probe.Model);
        Assert.Equal(0.07, world.TrueDoseAtProbe.Total, 1e-12);
        Assert.Null(world.RangeFinder.Distance);
        Assert.Equal(0.07, world.Probe.Read().RawMicroSievertPerHour, 1e-9);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.InRange(world.Probe.Read().RawMicroSievertPerHour, 0.07 * 0.8, 0.07 * 1.2);
        Assert.Equal(DetectorStatus.Ok, world.Probe.Read().Status);
    }

    [Fact]
    public void The_probe_measures_the_field_where_the_probe_is_as_the_lift_rises()
    {
        // A 20 ft box with a Cs-137 source at 2 m height, 30 cm inside the left wall; the robot
        // stands beside it with the probe 10 cm from the wall.
        var options = new SimWorldOptions();
        var box = new Container(ContainerType.Iso20, 0, 0.55 + 2.438 / 2, 0, new Cargo(Material.Water, 0.3));
        options.Containers.Add(box);
        options.Sources.Add(PointSource.Inside(box, Nuclide.Cs137, 20, new Vec3(0, -2.438 / 2 + 0.3, 2.0)));
        var time = new FakeTimeProvider(Probes.Start);
        using var world = new SimWorld(options, time);
        var low = world.TrueDoseAtProbe.Total;
        world.Lift.MoveTo(Length.FromMeters(2.0));
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(2.0, world.ProbePosition.Z, 1e-9);
        var high = world.TrueDoseAtProbe.Total;
        Assert.True(high > 5 * low, $"low {low}, high {high}");
        // 0.4 m from the source through 0.3 m of light cargo and the wall: some µSv/h.
        Assert.InRange(high, 2, 12);
        Assert.InRange(world.Probe.TrueDoseRate / high, 0.99, 1.01);
        time.Advance(TimeSpan.FromSeconds(20));
        Assert.InRange(world.Probe.Read().RawMicroSievertPerHour, high * 0.9, high * 1.1);
    }

    [Fact]
    public void A_scenario_can_place_things_after_start_and_schedule_a_fault()
    {
        var time = new FakeTimeProvider(Probes.Start);
        using var world = new SimWorld(new SimWorldOptions(), time);
        var box = world.Yard.AddContainer(ContainerType.Iso40HighCube, 3, 0.55 + 1.219, 0, Cargo.Scrap(1.2));
        world.Yard.AddSource(box, Nuclide.Co60, 5, new Vec3(-3, -0.9, 0.5));
        Assert.Equal(0.10, world.RangeFinder.Distance!.Value.Meters, 1e-9);
        world.Probe.ScheduleFault(new ScheduledDetectorFault(DetectorFault.Silent, time.GetUtcNow().AddMinutes(1)));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(DetectorStatus.Ok, world.Probe.Read().Status);
        time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(DetectorStatus.Silent, world.Probe.Read().Status);
    }

    [Fact]
    public void Bad_yard_input_is_refused_with_the_reason()
    {
        var time = new FakeTimeProvider(Probes.Start);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimWorld(new SimWorldOptions { RangeFinderMaxM = 0 }, time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimWorld(new SimWorldOptions { ProbeLateralOffsetM = double.NaN }, time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SimWorld(new SimWorldOptions { BackgroundMicroSvPerHour = -1 }, time));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Container(ContainerType.Iso20, 0, 0, 0, wallThicknessM: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Container(ContainerType.Iso20, 0, 0, 0, new Cargo(Material.Iron, 0)));
        using var world = new SimWorld(new SimWorldOptions(), time);
        Assert.Throws<ArgumentOutOfRangeException>(() => world.Yard.AddSource(new PointSource(Nuclide.Cs137, -5, new Vec3(0, 0, 1))));
        Assert.Throws<ArgumentException>(() => Material.ByName("unobtainium"));
    }

    [Fact]
    public void Same_seed_same_world()
    {
        double[] Run(int seed)
        {
            var options = new SimWorldOptions { Seed = seed, Background = BackgroundOptions.Realistic(0.1) };
            var box = new Container(ContainerType.Iso20, 0, 2, 0, new Cargo(Material.Concrete, 1.5, 0.7, new NaturalActivity(800, 60, 60)));
            options.Containers.Add(box);
            var time = new FakeTimeProvider(Probes.Start);
            using var world = new SimWorld(options, time);
            world.Drive.SetVelocity(Speed.FromMetersPerSecond(0.3), RotationalSpeed.Zero);
            return Enumerable.Range(0, 40).Select(_ => { time.Advance(TimeSpan.FromSeconds(0.5)); return world.Probe.Read().RawMicroSievertPerHour; }).ToArray();
        }

        Assert.Equal(Run(4), Run(4));
        Assert.NotEqual(Run(4), Run(5));
    }
}
