using Robot.Protocol.Extensions;
using Robot.Simulator.Scenarios;

namespace Robot.Simulator.Tests.Scenarios;

/// <summary>
/// Issue 10, end to end over the simulated yard: the GM scenario holds on other seeds than its own
/// (its background used to be refused as unstable on 7 of seeds 1 to 10), its dose is the field's
/// (a display artefact once reported 8.84 µSv/h where the field was about 5.6), and every report
/// says how counts became dose and which figures decided.
/// </summary>
public class MeasurementTruthTests
{
    private static string Folder()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Robot.sln"))) dir = Path.GetDirectoryName(dir);
        return Path.Combine(dir!, "simulator", "scenarios");
    }

    private static async Task<ScenarioResult> Run(string file, int? seed = null, Func<ScenarioFile, ScenarioFile>? change = null)
    {
        var (scenario, error) = ScenarioLoader.Load(Path.Combine(Folder(), file));
        Assert.True(scenario is not null, error);
        if (seed is { } s) scenario = scenario! with { Seed = s };
        if (change is not null) scenario = change(scenario!);
        var store = Path.Combine(Path.GetTempPath(), $"truth-{Guid.NewGuid():N}.db");
        try
        {
            return await new ScenarioRunner(scenario!, store).RunAsync();
        }
        finally
        {
            foreach (var f in new[] { store, store + "-wal", store + "-shm" }) File.Delete(f);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task The_GM_scenario_holds_on_other_seeds(int seed)
    {
        var result = await Run("06-gm-tube.json", seed);
        var report = Assert.Single(result.Reports);
        Assert.True(result.Passed, $"seed {seed}: {report.Verdict}: {report.VerdictReason}");
        Assert.Contains("chi-square", report.Background!.AcceptanceBasis);
    }

    [Fact]
    public async Task A_GM_hot_spot_reads_the_field_not_the_display()
    {
        var result = await Run("06-gm-tube.json");
        var report = Assert.Single(result.Reports);
        var hot = report.HotSpots.MaxBy(h => h.DoseRateUSvPerH)!;
        // The true field where the probe stood. A GM tube without a spectrum divides the rise by its
        // lowest response over 50 keV to 3 MeV, so it may over-read a Cs-137 rise by up to the ratio
        // of its 662 keV response to that lowest one (stated in the report), and must never under-read
        // beyond counting statistics (180 s at several µSv/h: a few per cent).
        using var world = new Robot.Simulator.Yard.SimWorld(ScenarioRunner.WorldOptions(result.Scenario), new Microsoft.Extensions.Time.Testing.FakeTimeProvider());
        var truth = world.Yard.DoseAt(new Robot.Simulator.Physics.Vec3(hot.X, hot.Y, hot.HeightM)).Total;
        var gm = Robot.Simulator.Physics.DetectorModel.GmEnergyCompensated;
        var overRead = gm.CalibrationSensitivity / gm.LowestSensitivity();
        Assert.True(hot.DoseRateUSvPerH >= truth * 0.95, $"the conservative conversion under-read: {hot.DoseRateUSvPerH:0.###} against {truth:0.###}");
        Assert.True(hot.DoseRateUSvPerH <= truth * overRead * 1.05, $"hot spot {hot.DoseRateUSvPerH:0.###} µSv/h where the field is {truth:0.###}: more than the stated over-read {overRead:0.##}");
        Assert.Contains("never under-reads", report.Profile.DoseConversion);
    }

    [Fact]
    public async Task A_report_names_its_dose_conversion_and_the_figures_that_decided()
    {
        var result = await Run("03-cs137-exceeds.json");
        var report = Assert.Single(result.Reports);
        Assert.Contains("spectrum-weighted", report.Profile.DoseConversion);
        Assert.NotNull(report.Profile.Figures);
        Assert.Equal("0.25", report.Profile.Figures!["LimitUSvPerH"]);
        Assert.Equal("0.001", report.Profile.Figures["Sequential:Alpha"]);
        Assert.Equal(Verdicts.Exceeds, report.Verdict);
    }
}
