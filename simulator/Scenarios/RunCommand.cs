using System.CommandLine;
using System.Globalization;
using Robot.Protocol.Codec;

namespace Robot.Simulator.Scenarios;

/// <summary>`run SCENARIO.json [--seed N] [--out DIR]`: a scenario headless on the virtual clock.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("scenario") { Description = "the scenario file (simulator/scenarios/*.json; format in docs/scenarios.md)" };
        var seed = new Option<int?>("--seed") { Description = "override the scenario's random seed" };
        var seeds = new Option<string?>("--seeds") { Description = "run once per seed of a range, e.g. 1-20, and print one line per seed (a scenario must hold on every seed, not only its own)" };
        seeds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && ParseRange(text) is null) r.AddError("--seeds takes FIRST-LAST, e.g. 1-20 (at most 1000 seeds)");
        });
        var outDir = new Option<string>("--out") { Description = "where to write the reports (JSON) and dose maps (SVG)", DefaultValueFactory = _ => "artifacts/scenario-runs" };
        var command = new Command("run", "Run a scenario headless on the virtual clock; exit 0 only when every expectation holds") { file, seed, seeds, outDir };
        command.SetAction(async (p, ct) =>
        {
            if (p.GetValue(seeds) is not { } range) return await RunAsync(p.GetValue(file)!, p.GetValue(seed), p.GetValue(outDir)!, ct).ConfigureAwait(false);
            if (p.GetValue(seed) is not null)
            {
                Console.Error.WriteLine("run: give --seed or --seeds, not both");
                return 2;
            }
            var (first, last) = ParseRange(range)!.Value;
            var failed = new List<int>();
            for (var s = first; s <= last; s++)
            {
                var code = await RunAsync(p.GetValue(file)!, s, p.GetValue(outDir)!, ct).ConfigureAwait(false);
                if (code == 2) return 2;
                if (code != 0) failed.Add(s);
            }
            Console.WriteLine(failed.Count == 0
                ? $"seeds {first}-{last}: all {last - first + 1} passed"
                : $"seeds {first}-{last}: {failed.Count} of {last - first + 1} FAILED (seeds {string.Join(", ", failed)})");
            return failed.Count == 0 ? 0 : 1;
        });
        return command;
    }

    private static (int First, int Last)? ParseRange(string text)
    {
        var parts = text.Split('-');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var a) || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var b)) return null;
        return a <= b && b - a < 1000 ? (a, b) : null;
    }

    public static async Task<int> RunAsync(string path, int? seed, string outDir, CancellationToken ct)
    {
        var (scenario, error) = ScenarioLoader.Load(path);
        if (scenario is null)
        {
            Console.Error.WriteLine($"run: {error}");
            return 2;
        }
        if (seed is { } s) scenario = scenario with { Seed = s };
        var dir = Path.Combine(outDir, $"{scenario.Name}-seed{scenario.Seed}");
        Directory.CreateDirectory(dir);
        var store = Path.Combine(dir, "records.db");
        foreach (var f in new[] { store, store + "-wal", store + "-shm" }) File.Delete(f);
        Console.WriteLine($"scenario {scenario.Name} (seed {scenario.Seed}): {scenario.Description}");
        ScenarioResult result;
        var wall = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            result = await new ScenarioRunner(scenario, store, Console.IsErrorRedirected ? null : Console.Error).RunAsync(ct).ConfigureAwait(false);
        }
        catch (ScenarioException ex)
        {
            Console.Error.WriteLine($"run: {path}: {ex.Message}");
            return 2;
        }
        foreach (var report in result.Reports)
        {
            var stem = Path.Combine(dir, $"{report.Sequence:D3}-{report.Container.Number}-{report.Verdict}");
            await File.WriteAllBytesAsync(stem + ".json", ProtocolCodec.Encode(report), ct).ConfigureAwait(false);
            await File.WriteAllTextAsync(stem + ".svg", DoseMapSvg.Render(report), ct).ConfigureAwait(false);
            Console.WriteLine($"  report {report.ReportId}: {report.Container.Number} {report.Verdict}: {report.VerdictReason}");
        }
        foreach (var e in result.Expectations)
        {
            Console.WriteLine($"  {(e.Met ? "ok  " : "FAIL")} expect {e.Expect.Container} {e.Expect.Verdict}: {e.Why}");
        }
        var speed = result.VirtualTime.TotalSeconds / Math.Max(1e-3, wall.Elapsed.TotalSeconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(result.Passed ? "PASSED" : "FAILED")}: {result.VirtualTime:hh\\:mm\\:ss} of virtual time in {wall.Elapsed.TotalSeconds:0.0} s ({speed:0}x real time){(result.TimedOut ? ", TIMED OUT" : "")}; output in {dir}"));
        return result.Passed ? 0 : 1;
    }
}
