using Robot.Simulator.Physics;
using Robot.Simulator.Yard;

namespace Robot.Simulator.Demo;

/// <summary>
/// The demo yard: three containers beside the robot's start (the origin, facing +x), one of them
/// hot (a Cs-137 source in its cargo). The robot drives along +x between them.
/// </summary>
public static class DemoYard
{
    /// <summary>A clean 20 ft box of scrap, north of the lane.</summary>
    public const string Clean20 = "CSQU3054383";
    /// <summary>A 40 ft box with a Cs-137 source inside, south of the lane: its inspection EXCEEDS.</summary>
    public const string Hot40 = "TGHU7720313";
    /// <summary>A clean 40 ft high cube further along.</summary>
    public const string Clean40Hc = "MSCU1234566";

    public static readonly (string Number, string Type, double X, double Y, double Theta)[] Layout =
    [
        (Clean20, "20ft", 12, 4, 0),
        (Hot40, "40ft", 14, -6, 0),
        (Clean40Hc, "40ftHC", 32, 4, 0),
    ];

    public static SimWorldOptions World(int seed)
    {
        var world = new SimWorldOptions { Seed = seed };
        world.Containers.Add(new Container(ContainerType.Iso20, 12, 4, 0, Cargo.Scrap(1.2, 0.7), id: Clean20));
        var hot = new Container(ContainerType.Iso40, 14, -6, 0, Cargo.Scrap(1.0, 0.6), id: Hot40);
        world.Containers.Add(hot);
        world.Sources.Add(PointSource.Inside(hot, Nuclide.Cs137, activityMBq: 400, local: new Vec3(1.5, 0.6, 1.0), label: "demo hot spot"));
        world.Containers.Add(new Container(ContainerType.Iso40HighCube, 32, 4, 0, Cargo.Scrap(0.8, 0.5), id: Clean40Hc));
        return world;
    }
}
