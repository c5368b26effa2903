using Microsoft.Extensions.Time.Testing;
using Robot.Simulator.Devices;
using Robot.Simulator.Physics;

namespace Robot.Simulator.Tests.Support;

/// <summary>A dose field the test sets by hand: µSv/h of background and of one unshielded nuclide (split over its lines), the same everywhere.</summary>
internal sealed class SettableField : IDoseField
{
    private readonly double[] _groups = new double[NuclideData.GroupCount];

    public SettableField(double backgroundMicroSvPerHour = 0) => Set(backgroundMicroSvPerHour);

    public void Set(double backgroundMicroSvPerHour, Nuclide? nuclide = null, double nuclideMicroSvPerHour = 0)
    {
        Array.Clear(_groups);
        _groups[NuclideData.BackgroundGroup] = backgroundMicroSvPerHour;
        if (nuclide is { } n) NuclideData.AddUnshielded(n, nuclideMicroSvPerHour, _groups);
    }

    public void Evaluate(Vec3 point, Span<double> microSvPerHourByGroup) => _groups.CopyTo(microSvPerHourByGroup);
}

internal static class Probes
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    public static (SimDoseProbe Probe, SettableField Field, FakeTimeProvider Time) Create(DetectorModel detector, double background = 0.07, int seed = 7)
    {
        var time = new FakeTimeProvider(Start);
        var field = new SettableField(background);
        return (new SimDoseProbe(detector, field, () => new Vec3(0, 0, 1), time, seed), field, time);
    }

    /// <summary>Step the probe and its clock together for a while.</summary>
    public static void Run(SimDoseProbe probe, FakeTimeProvider time, double seconds, double dt = 0.02)
    {
        var steps = (int)Math.Round(seconds / dt);
        for (var i = 0; i < steps; i++)
        {
            time.Advance(TimeSpan.FromSeconds(dt));
            probe.Step(dt);
        }
    }

    /// <summary>A yard without background, for checks of the point kernel alone.</summary>
    public static RadiationYard QuietYard(out FakeTimeProvider time)
    {
        time = new FakeTimeProvider(Start);
        return new RadiationYard(new BackgroundOptions { LevelMicroSvPerHour = 0 }, 1, time);
    }
}
