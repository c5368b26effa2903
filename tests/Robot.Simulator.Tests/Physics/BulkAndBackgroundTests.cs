using Microsoft.Extensions.Time.Testing;
using Robot.Simulator.Physics;
using Robot.Simulator.Tests.Support;

namespace Robot.Simulator.Tests.Physics;

public class BulkAndBackgroundTests
{
    // World-average soil (UNSCEAR 2000): K-40 400, U-238 35, Th-232 30 Bq/kg.
    private static readonly NaturalActivity Soil = new(400, 35, 30);

    [Fact]
    public void UNSCEAR_formula_holds_above_an_infinite_half_space()
    {
        // 0.0417 x 400 + 0.462 x 35 + 0.604 x 30 = 50.97 nGy/h air kerma; x 1.2 Sv/Gy for H*(10).
        Assert.Equal(50.97, Soil.HalfSpaceAirKermaNGyPerHour, 1e-9);
        var expected = 50.97e-3 * 1.2;
        var yard = Probes.QuietYard(out _);
        // "Infinite": 4 km square, 200 m deep, a wall too thin to count.
        yard.AddContainer(Container.Custom(4000, 4000, 200, 0, 0, new Cargo(Material.Concrete, 1.6, 1.0, Soil), 1e-6));
        Assert.Equal(expected, yard.DoseAt(new Vec3(0, 0, 201)).Bulk, expected * 1e-3);
        // The half-space answer does not depend on height nor on the density of the ground.
        Assert.Equal(expected, yard.DoseAt(new Vec3(0, 0, 203)).Bulk, expected * 1e-3);
        var dense = Probes.QuietYard(out _);
        dense.AddContainer(Container.Custom(4000, 4000, 200, 0, 0, new Cargo(Material.Iron, 3.0, 1.0, Soil), 1e-6));
        Assert.Equal(expected, dense.DoseAt(new Vec3(0, 0, 201)).Bulk, expected * 1e-3);
    }

    [Fact]
    public void Bulk_activity_in_a_container_reads_below_the_half_space_and_falls_with_distance()
    {
        // Potassium nitrate: 38.7 % K at 31.7 Bq K-40 per g K, about 12 300 Bq/kg.
        var salt = new NaturalActivity(12_300, 0, 0);
        var yard = Probes.QuietYard(out _);
        var box = yard.AddContainer(ContainerType.Iso20, 0, 0, 0, new Cargo(Material.Concrete, 1.2, 1.0, salt));
        var halfSpace = salt.HalfSpaceAirKermaNGyPerHour * 1e-3 * NaturalActivity.AmbientDoseEquivalentPerAirKerma;
        var near = yard.DoseAt(new Vec3(0, box.WidthM / 2 + 0.1, 1.3)).Bulk;
        var far = yard.DoseAt(new Vec3(0, box.WidthM / 2 + 1.0, 1.3)).Bulk;
        // 10 cm from a 6 x 2.6 m face the load fills most of a hemisphere (about 0.8 of 2π sr).
        Assert.InRange(near / halfSpace, 0.6, 0.95);
        Assert.InRange(far / near, 0.3, 0.8);
        // SNT0570.md: "potassium nitrate with K-40 at 0.45 µSv/h" is this order.
        Assert.InRange(near, 0.25, 0.7);
    }

    [Fact]
    public void Empty_yard_background_is_the_level()
    {
        var yard = new RadiationYard(new BackgroundOptions(), 1, new FakeTimeProvider(Probes.Start));
        var dose = yard.DoseAt(new Vec3(12, -40, 1));
        Assert.Equal(0.07, dose.Total, 1e-12);
        Assert.Equal(0.07, dose.Background, 1e-12);
    }

    [Fact]
    public void A_loaded_container_lowers_the_ground_component_beside_it_by_5_to_30_percent()
    {
        var yard = new RadiationYard(new BackgroundOptions { LevelMicroSvPerHour = 0.1 }, 1, new FakeTimeProvider(Probes.Start));
        var box = yard.AddContainer(ContainerType.Iso40, 0, 0, 0, Cargo.Scrap(1.5));
        double Drop(double standoff) => 1 - yard.DoseAt(new Vec3(0, box.WidthM / 2 + standoff, 1.3)).Background / 0.1;
        var at10cm = Drop(0.1);
        var at1m = Drop(1.0);
        var at5m = Drop(5.0);
        var at30m = Drop(30.0);
        Assert.InRange(at10cm, 0.20, 0.30);
        Assert.True(at10cm > at1m && at1m > at5m && at5m > at30m, $"{at10cm} {at1m} {at5m} {at30m}");
        Assert.InRange(at5m, 0.02, 0.15);
        Assert.True(at30m < 0.01);
        // An empty box shadows little: 0.1 mfp square to a side wall at 700 keV, more for the rays that
        // cross the floor (28 mm plywood on cross members, 4.5 g/cm²) at a grazing angle; a few %, well
        // under a third of the loaded box's shadow.
        var empty = new RadiationYard(new BackgroundOptions { LevelMicroSvPerHour = 0.1 }, 1, new FakeTimeProvider(Probes.Start));
        var shell = empty.AddContainer(ContainerType.Iso40, 0, 0, 0);
        var emptyDrop = 1 - empty.DoseAt(new Vec3(0, shell.WidthM / 2 + 0.1, 1.3)).Background / 0.1;
        Assert.InRange(emptyDrop, 0.005, 0.08);
        Assert.True(emptyDrop < at10cm / 3, $"{emptyDrop} vs {at10cm}");
    }

    [Fact]
    public void Background_drifts_10_to_20_percent_over_hours_deterministically()
    {
        var options = BackgroundOptions.Realistic(0.07);
        var a = new BackgroundModel(options, 42);
        var b = new BackgroundModel(options, 42);
        var c = new BackgroundModel(options, 43);
        var samples = Enumerable.Range(0, 24 * 12).Select(i => a.Drift(i * 300.0)).ToArray();
        var peakToPeak = samples.Max() - samples.Min();
        Assert.InRange(peakToPeak, 0.10, 0.20);
        // Slow: under 2 % in ten minutes (the fastest term: 0.07 x 0.7 x 2π x 600 s / 3.2 h = 1.6 %).
        Assert.True(Enumerable.Range(0, 100).All(i => Math.Abs(a.Drift(i * 600.0 + 600) - a.Drift(i * 600.0)) < 0.02));
        Assert.Equal(a.Drift(5000), b.Drift(5000));
        Assert.NotEqual(a.Drift(5000), c.Drift(5000));
    }

    [Fact]
    public void Spatial_variation_is_smooth_and_bounded()
    {
        var model = new BackgroundModel(new BackgroundOptions { SpatialVariation = 0.1, SpatialScaleM = 30 }, 5);
        var values = new List<double>();
        for (var x = -100.0; x <= 100; x += 5)
        {
            for (var y = -100.0; y <= 100; y += 5) values.Add(model.Spatial(x, y));
        }
        Assert.All(values, v => Assert.InRange(v, 0.9, 1.1));
        Assert.True(values.Max() - values.Min() > 0.05, "the field should vary");
        // Smooth: 10 cm apart differ by well under 1 %.
        Assert.True(Math.Abs(model.Spatial(10, 10) - model.Spatial(10.1, 10)) < 0.005);
    }

    [Fact]
    public void The_grid_the_moving_probe_reads_agrees_with_the_exact_integral()
    {
        var yard = new RadiationYard(new BackgroundOptions(), 1, new FakeTimeProvider(Probes.Start));
        var box = yard.AddContainer(ContainerType.Iso20, 2, 1, 0.4, new Cargo(Material.Concrete, 1.4, 0.8, new NaturalActivity(3000, 100, 100)));
        Span<double> groups = stackalloc double[NuclideData.GroupCount];
        var worst = 0.0;
        for (var i = 0; i < 40; i++)
        {
            // Along the long side at 10 cm, moving every call (so the grid answers).
            var p = box.ToYard(new Vec3(-2.5 + i * 0.123, box.WidthM / 2 + 0.1, 0.5 + i * 0.037));
            yard.Evaluate(p, groups);
            var sum = 0.0;
            foreach (var g in groups) sum += g;
            var exact = yard.DoseAt(p).Total;
            worst = Math.Max(worst, Math.Abs(sum / exact - 1));
        }
        Assert.True(worst < 0.03, $"grid error {worst:P2}");
    }
}
