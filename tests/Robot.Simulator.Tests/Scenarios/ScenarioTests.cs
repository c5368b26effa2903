using Robot.Protocol.Extensions;
using Robot.Simulator.Scenarios;

namespace Robot.Simulator.Tests.Scenarios;

/// <summary>Every shipped scenario runs headless and meets its expectations; bad scenario files are refused with the path of the bad field.</summary>
public class ScenarioTests
{
    private static string Folder()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Robot.sln"))) dir = Path.GetDirectoryName(dir);
        return Path.Combine(dir!, "simulator", "scenarios");
    }

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Folder(), "*.json").OrderBy(f => f)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Fact]
    public void At_least_ten_scenarios_ship()
    {
        Assert.True(Directory.GetFiles(Folder(), "*.json").Length >= 10);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_shipped_scenario_meets_its_expectations(string file)
    {
        var (scenario, error) = ScenarioLoader.Load(Path.Combine(Folder(), file));
        Assert.True(scenario is not null, error);
        var store = Path.Combine(Path.GetTempPath(), $"scenario-test-{Guid.NewGuid():N}.db");
        try
        {
            var result = await new ScenarioRunner(scenario!, store).RunAsync();
            Assert.False(result.TimedOut, $"{file} timed out after {result.VirtualTime}");
            Assert.All(result.Expectations, e => Assert.True(e.Met, $"{file}: {e.Expect.Container} expected {e.Expect.Verdict}: {e.Why}"));
            Assert.NotEmpty(result.Expectations);
            // Never PASS for an incomplete survey: any PASS report measured every planned point.
            Assert.All(result.Reports.Where(r => r.Verdict == Verdicts.Pass), r => Assert.Equal(r.PlannedPoints, r.Points.Count(p => p.Kind is null)));
        }
        finally
        {
            foreach (var f in new[] { store, store + "-wal", store + "-shm" }) File.Delete(f);
        }
    }

    /// <summary>Every source of the scenario has a hot spot of its own within the distance (a scenario's hotSpotWithinM asks only for the nearest).</summary>
    [Theory]
    [InlineData("15-two-sources-one-face.json", 0.5)]
    [InlineData("16-high-cube-top.json", 0.5)]
    public async Task Every_source_is_localised_by_a_hot_spot_of_its_own(string file, double within)
    {
        var (scenario, error) = ScenarioLoader.Load(Path.Combine(Folder(), file));
        Assert.True(scenario is not null, error);
        var store = Path.Combine(Path.GetTempPath(), $"scenario-spots-{Guid.NewGuid():N}.db");
        try
        {
            var result = await new ScenarioRunner(scenario!, store).RunAsync();
            var report = result.Reports.Single();
            var box = scenario!.Containers.Single();
            var used = new HashSet<HotSpot>();
            foreach (var source in scenario.Sources)
            {
                var nearest = report.HotSpots.Where(h => !used.Contains(h)).MinBy(h => ScenarioRunner.HotSpotError(box, source, h));
                Assert.NotNull(nearest);
                var distance = ScenarioRunner.HotSpotError(box, source, nearest);
                Assert.True(distance <= within, $"{file}: source at ({source.Local.X}, {source.Local.Y}, {source.Local.Z}): nearest hot spot {distance:0.00} m away ({nearest.Face} {nearest.AlongM} m, {nearest.HeightM} m)");
                used.Add(nearest);
            }
            // Where the probe was, not the planned station: every point of the report carries its measured position.
            Assert.All(report.Points.Where(p => p.Face is "left" or "right" or "door" or "front"), p => Assert.NotNull(p.MeasuredAlongM));
        }
        finally
        {
            foreach (var f in new[] { store, store + "-wal", store + "-shm" }) File.Delete(f);
        }
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_report()
    {
        var (scenario, _) = ScenarioLoader.Load(Path.Combine(Folder(), "04-natural-anomaly.json"));
        async Task<string> Run()
        {
            var store = Path.Combine(Path.GetTempPath(), $"scenario-det-{Guid.NewGuid():N}.db");
            var result = await new ScenarioRunner(scenario!, store).RunAsync();
            var r = result.Reports.Single();
            File.Delete(store);
            return string.Join(";", r.Points.Select(p => $"{p.PointId}:{p.DoseRateUSvPerH}"));
        }
        Assert.Equal(await Run(), await Run());
    }

    [Theory]
    [InlineData("""{"name":"x","containers":[{"number":"CSQU3054384","type":"20ft","x":0,"y":0}]}""", "$.containers[0].number", "check digit")]
    [InlineData("""{"name":"x","containers":[{"number":"CSQU3054383","type":"30ft","x":0,"y":0}]}""", "$.containers[0].type", "30ft")]
    [InlineData("""{"name":"x","detectr":"gm"}""", "detectr", "")]
    [InlineData("""{"name":"x","containers":[{"number":"CSQU3054383","type":"20ft","x":"far","y":0}]}""", "$.containers[0].x", "")]
    [InlineData("""{"name":"x","sources":[{"container":"CSQU3054383","nuclide":"Cs137","activityMBq":1,"local":{"x":0,"y":0,"z":1}}]}""", "$.sources[0].container", "no container")]
    [InlineData("""{"name":"x","faults":[{"at":"00:01:00","kind":"meteor"}]}""", "$.faults[0].kind", "meteor")]
    [InlineData("""{"name":"x", """, "$", "")]
    public void A_bad_scenario_is_refused_with_the_path_and_why(string json, string path, string why)
    {
        var (scenario, error) = ScenarioLoader.Parse(json, "bad.json");
        Assert.Null(scenario);
        Assert.NotNull(error);
        Assert.Contains(path, error);
        Assert.Contains(why, error);
    }
}
