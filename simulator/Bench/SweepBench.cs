using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Robot.Protocol.Extensions;
using Robot.Simulator.Physics;
using Robot.Simulator.Scenarios;
using static Robot.Simulator.Bench.BenchSupport;

namespace Robot.Simulator.Bench;

/// <summary>
/// Container-level verdict sweep: every scenario of a folder (simulator/scenarios/sweep) run over
/// several seeds with the real ScenarioRunner, each verdict judged against the TRUTH from physics,
/// not from what the robot says: the true maximum dose over the survey surface (RadiationYard.DoseAt
/// 0.10 m outside every face, on a 0.1 m grid along and in height over the lift's reach, background
/// included), minus the true background at the background spot, classed against the limit and its
/// indifference band.
/// </summary>
public static class SweepBench
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);
    // The simulated lift's reach (SimLift defaults) and the grid of the truth.
    private const double LiftMinM = 0.3;
    private const double LiftMaxM = 2.5;
    private const double GridM = 0.1;

    public static Command Create()
    {
        var dir = new Option<string>("--dir") { Description = "folder of scenario files", DefaultValueFactory = _ => "simulator/scenarios/sweep" };
        dir.Validators.Add(r =>
        {
            if (!Directory.Exists(r.GetValueOrDefault<string>())) r.AddError($"--dir: no folder '{r.GetValueOrDefault<string>()}'");
        });
        var seeds = new Option<int>("--seeds") { Description = "runs per scenario, seeds 1..N", DefaultValueFactory = _ => 5 };
        seeds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 1000) r.AddError("--seeds must be 1 to 1000");
        });
        var parallel = new Option<int>("--parallel") { Description = "runs at once", DefaultValueFactory = _ => 2 };
        parallel.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 64) r.AddError("--parallel must be 1 to 64");
        });
        var filter = new Option<string?>("--only") { Description = "run only the scenarios whose file name contains this text" };
        var truthOnly = new Option<bool>("--truth-only") { Description = "print the physics truth of each scenario and stop (for designing scenarios)" };
        var command = new Command("sweep", "Container-level verdict sweep: scenarios × seeds through the real robot, verdicts judged against the true field") { dir, seeds, parallel, filter, truthOnly };
        command.SetAction((p, ct) => RunAsync(p.GetValue(dir)!, p.GetValue(seeds), p.GetValue(parallel), p.GetValue(filter), p.GetValue(truthOnly), ct));
        return command;
    }

    /// <summary>What the physics says a scenario's verdict must be.</summary>
    private enum Expected { Exceeds, Band, NotExceeds, Pass }

    private sealed record Truth(double BackgroundAtSpot, double MaxDose, double MaxRise, string Face, double AlongM, double HeightM, Vec3 At, Expected Class, double StationMaxRise);

    private sealed record Run(int Seed, string Verdict, double WallSeconds, double VirtualSeconds, double? HotSpotErrorM, double? ReportedDose, double? TrueDoseThere, bool TimedOut, string Reason);

    private static async Task<int> RunAsync(string dir, int seeds, int parallel, string? only, bool truthOnly, CancellationToken ct)
    {
        var files = Directory.GetFiles(dir, "*.json").Where(f => only is null || Path.GetFileName(f).Contains(only, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
        {
            Console.Error.WriteLine($"bench sweep: no scenario files in {dir}");
            return 2;
        }
        var scenarios = new List<(string File, ScenarioFile Scenario, string Container, Truth Truth)>();
        foreach (var file in files)
        {
            var (scenario, error) = ScenarioLoader.Load(file);
            if (scenario is null)
            {
                Console.Error.WriteLine($"bench sweep: {error}");
                return 2;
            }
            var inspect = scenario.Commands.FirstOrDefault(c => c.Do == "inspect");
            if (inspect?.Container is null)
            {
                Console.Error.WriteLine($"bench sweep: {file}: no inspect command");
                return 2;
            }
            try
            {
                scenarios.Add((file, scenario, Iso6346.Normalize(inspect.Container), TruthOf(scenario, Iso6346.Normalize(inspect.Container))));
            }
            catch (ScenarioException ex)
            {
                Console.Error.WriteLine($"bench sweep: {file}: {ex.Message}");
                return 2;
            }
        }
        var (profile, _, _) = ScenarioRunner.Options(scenarios[0].Scenario);
        var limit = profile.LimitUSvPerH;
        var d = profile.Sequential.IndifferenceFraction;
        Console.WriteLine(F($"Truth: max of RadiationYard.DoseAt over the survey surface ({profile.WallDistanceM} m outside every face, {GridM} m grid along and in height over {LiftMinM} to {LiftMaxM} m) minus the true background at the background spot."));
        Console.WriteLine(F($"Classes: rise > {limit * (1 + d):0.###} EXCEEDS; {limit * (1 - d):0.###} to {limit * (1 + d):0.###} band (EXCEEDS, ANOMALY or PASS all right); {profile.AnomalyMinRiseUSvPerH / 2:0.###} to {limit * (1 - d):0.###} not EXCEEDS (ANOMALY or PASS); below {profile.AnomalyMinRiseUSvPerH / 2:0.###} PASS. INVALID is never right."));
        Console.WriteLine();
        if (truthOnly)
        {
            Console.WriteLine("| scenario | detector | mode | bg at spot | max dose | max rise | where (face, along, height) | expected | max rise at the planned points |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var (file, s, _, t) in scenarios)
            {
                Console.WriteLine(F($"| {s.Name} | {s.Detector} | {Mode(s)} | {t.BackgroundAtSpot:0.###} | {t.MaxDose:0.###} | {t.MaxRise:+0.###;-0.###} | {t.Face} {t.AlongM:0.0} m, {t.HeightM:0.0} m | {Name(t.Class)} | {t.StationMaxRise:+0.###;-0.###} |"));
            }
            return 0;
        }

        var jobs = scenarios.SelectMany((s, i) => Enumerable.Range(1, seeds).Select(seed => (Index: i, Seed: seed))).ToArray();
        var runs = new ConcurrentDictionary<(int, int), Run>();
        var root = Path.Combine(Path.GetTempPath(), $"robot-sweep-{Environment.ProcessId}");
        var done = 0;
        var wall = Stopwatch.StartNew();
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, async (job, token) =>
        {
            var (file, scenario, container, truth) = scenarios[job.Index];
            var seeded = scenario with { Seed = job.Seed };
            var store = Path.Combine(root, $"{scenario.Name}-seed{job.Seed}");
            Directory.CreateDirectory(store);
            var started = Stopwatch.GetTimestamp();
            ScenarioResult result;
            try
            {
                result = await new ScenarioRunner(seeded, Path.Combine(store, "records.db")).RunAsync(token).ConfigureAwait(false);
            }
            finally
            {
                try { Directory.Delete(store, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var report = result.Reports.LastOrDefault(r => r.Container.Number == container);
            double? error = null, reported = null, trueThere = null;
            if (report is { HotSpots.Count: > 0 })
            {
                var spot = report.HotSpots.MinBy(h => Distance(h, truth.At))!;
                error = Distance(spot, truth.At);
                reported = spot.DoseRateUSvPerH;
                trueThere = TrueDose(seeded, new Vec3(spot.X, spot.Y, spot.HeightM));
            }
            runs[(job.Index, job.Seed)] = new Run(job.Seed, report?.Verdict ?? "(no report)", seconds, result.VirtualTime.TotalSeconds, error, reported, trueThere, result.TimedOut, report?.VerdictReason ?? "");
            var n = Interlocked.Increment(ref done);
            lock (runs) Console.Error.Write($"\r  {n}/{jobs.Length} runs, {wall.Elapsed.TotalSeconds:0} s   ");
        }).ConfigureAwait(false);
        Console.Error.WriteLine();
        try { Directory.Delete(root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }

        Console.WriteLine("| scenario | detector | mode | max rise (true) | at planned points | expected | verdicts seen | right | hot spot error m (mean / max) | reported / true dose at hot spot | wall s/run | virtual min/run |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        int total = 0, right = 0, unsafeMiss = 0, invalid = 0, bandRuns = 0, nuisance = 0;
        var wrongRuns = new List<string>();
        for (var i = 0; i < scenarios.Count; i++)
        {
            var (file, s, _, t) = scenarios[i];
            var mine = Enumerable.Range(1, seeds).Select(seed => runs[(i, seed)]).ToList();
            var seen = string.Join(", ", mine.GroupBy(r => r.Verdict).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}"));
            var ok = mine.Count(r => Right(t.Class, r.Verdict));
            total += mine.Count;
            right += ok;
            invalid += mine.Count(r => r.Verdict != Verdicts.Pass && r.Verdict != Verdicts.Anomaly && r.Verdict != Verdicts.Exceeds);
            if (t.Class == Expected.Exceeds) unsafeMiss += mine.Count(r => r.Verdict is Verdicts.Pass or Verdicts.Anomaly);
            if (t.Class == Expected.Band) bandRuns += mine.Count;
            if (t.Class is Expected.NotExceeds or Expected.Pass) nuisance += mine.Count(r => r.Verdict == Verdicts.Exceeds);
            foreach (var r in mine.Where(r => !Right(t.Class, r.Verdict)))
            {
                wrongRuns.Add(F($"- {s.Name} seed {r.Seed}: expected {Name(t.Class)} (true max rise {t.MaxRise:0.###} µSv/h at {t.Face} {t.AlongM:0.0} m, {t.HeightM:0.0} m; {t.StationMaxRise:0.###} at the planned points), got {r.Verdict}: {r.Reason}"));
            }
            var errors = mine.Where(r => r.HotSpotErrorM is not null).Select(r => r.HotSpotErrorM!.Value).ToList();
            var hot = errors.Count == 0 ? "-" : F($"{errors.Average():0.00} / {errors.Max():0.00}");
            var withDose = mine.Where(r => r.ReportedDose is not null).ToList();
            var doses = withDose.Count == 0 ? "-" : F($"{withDose.Average(r => r.ReportedDose!.Value):0.###} / {withDose.Average(r => r.TrueDoseThere!.Value):0.###}");
            Console.WriteLine(F($"| {s.Name} | {s.Detector} | {Mode(s)} | {t.MaxRise:+0.###;-0.###} | {t.StationMaxRise:+0.###;-0.###} | {Name(t.Class)} | {seen} | {ok}/{mine.Count} | {hot} | {doses} | {mine.Average(r => r.WallSeconds):0.0} | {mine.Average(r => r.VirtualSeconds) / 60:0} |"));
        }
        Console.WriteLine();
        var allRuns = runs.Values.ToList();
        Console.WriteLine(F($"Totals: {total} runs of {scenarios.Count} scenarios × {seeds} seeds; right {right} ({Pct(right / (double)total, 1)}); unsafe misses (true EXCEEDS called PASS or ANOMALY) {unsafeMiss}; false EXCEEDS (true rise below the band) {nuisance}; INVALID or no report {invalid} ({Pct(invalid / (double)total, 1)}); runs inside the band {bandRuns}."));
        Console.WriteLine(F($"Speed: {wall.Elapsed.TotalSeconds:0} s wall for {total} runs on {parallel} at once; per run {allRuns.Average(r => r.WallSeconds):0.0} s wall (max {allRuns.Max(r => r.WallSeconds):0.0}) for {allRuns.Average(r => r.VirtualSeconds) / 60:0} min virtual (max {allRuns.Max(r => r.VirtualSeconds) / 60:0}); {allRuns.Sum(r => r.VirtualSeconds) / allRuns.Sum(r => r.WallSeconds):0}× real time per run."));
        if (wrongRuns.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Wrong verdicts:");
            foreach (var w in wrongRuns) Console.WriteLine(w);
        }
        return 0;
    }

    private static string Mode(ScenarioFile s) =>
        s.Commands.FirstOrDefault(c => c.Do == "inspect")?.Mode ?? (s.Profile.TryGetValue("PointMode", out var m) ? m : "standard");

    private static string Name(Expected e) => e switch
    {
        Expected.Exceeds => "EXCEEDS",
        Expected.Band => "band",
        Expected.NotExceeds => "not EXCEEDS",
        _ => "PASS",
    };

    private static bool Right(Expected expected, string verdict) => expected switch
    {
        Expected.Exceeds => verdict == Verdicts.Exceeds,
        Expected.Band => verdict is Verdicts.Exceeds or Verdicts.Anomaly or Verdicts.Pass,
        Expected.NotExceeds => verdict is Verdicts.Anomaly or Verdicts.Pass,
        _ => verdict == Verdicts.Pass,
    };

    private static double Distance(HotSpot h, Vec3 p) => Math.Sqrt(Math.Pow(h.X - p.X, 2) + Math.Pow(h.Y - p.Y, 2) + Math.Pow(h.HeightM - p.Z, 2));

    private static RadiationYard Yard(ScenarioFile s)
    {
        var options = ScenarioRunner.WorldOptions(s);
        var yard = new RadiationYard(options.Background, s.Seed, new FakeTimeProvider(Start));
        foreach (var c in options.Containers) yard.AddContainer(c);
        foreach (var src in options.Sources) yard.AddSource(src);
        return yard;
    }

    private static double TrueDose(ScenarioFile s, Vec3 p) => Yard(s).DoseAt(p).Total;

    /// <summary>The true maximum over the survey surface of the inspected container, and its class.</summary>
    private static Truth TruthOf(ScenarioFile s, string containerId)
    {
        var (profile, _, _) = ScenarioRunner.Options(s);
        var yard = Yard(s);
        var box = yard.Containers.First(c => c.Id == containerId);
        var spot = new Vec3(s.Yard.BackgroundSpot.X, s.Yard.BackgroundSpot.Y, profile.Background.HeightM);
        var background = yard.DoseAt(spot).Total;
        var (halfL, halfW) = (box.LengthM / 2, box.WidthM / 2);
        var off = profile.WallDistanceM;
        // Faces in the planner's names: right (−y), door (+x), left (+y), front (−x); along from the start corner is not needed here, only a position.
        var faces = new (string Name, double Length, Func<double, double, Vec3> Local)[]
        {
            ("right", box.LengthM, (a, z) => new Vec3(-halfL + a, -halfW - off, z)),
            ("door", box.WidthM, (a, z) => new Vec3(halfL + off, -halfW + a, z)),
            ("left", box.LengthM, (a, z) => new Vec3(halfL - a, halfW + off, z)),
            ("front", box.WidthM, (a, z) => new Vec3(-halfL - off, halfW - a, z)),
        };
        var best = (Dose: double.NegativeInfinity, Face: "", Along: 0.0, Height: 0.0, At: default(Vec3));
        var heights = (int)Math.Round((LiftMaxM - LiftMinM) / GridM);
        foreach (var (name, length, local) in faces)
        {
            var steps = (int)Math.Floor(length / GridM + 1e-9);
            for (var i = 0; i <= steps; i++)
            {
                var a = Math.Min(i * GridM, length);
                for (var k = 0; k <= heights; k++)
                {
                    var z = LiftMinM + k * GridM;
                    var p = box.ToYard(local(a, z));
                    var dose = yard.DoseAt(p).Total;
                    if (dose > best.Dose) best = (dose, name, a, z, p);
                }
            }
        }
        var rise = best.Dose - background;
        var limit = profile.LimitUSvPerH;
        var d = profile.Sequential.IndifferenceFraction;
        var cls = rise > limit * (1 + d) ? Expected.Exceeds
            : rise >= limit * (1 - d) ? Expected.Band
            : rise >= profile.AnomalyMinRiseUSvPerH / 2 ? Expected.NotExceeds
            : Expected.Pass;
        // The same field where the robot will measure: the planned points (stations × heights), for telling a decision error from a spot between stations.
        var (_, _, procedure) = ScenarioRunner.Options(s);
        var spec = s.Containers.First(c => Iso6346.Normalize(c.Number) == containerId);
        var legs = Robot.Host.Measurement.SurveyPlanner.Plan(new ContainerInfo { Number = containerId, Type = spec.Type, X = spec.X, Y = spec.Y, Theta = spec.Theta },
            profile.StationSpacingM, profile.HeightsM, profile.WallDistanceM, procedure.ProbeLateralOffsetM);
        var stationMax = double.NegativeInfinity;
        foreach (var leg in legs)
        {
            var st = leg.Station;
            var (dx, dy) = (st.Target.X - st.WallX, st.Target.Y - st.WallY);
            var len = Math.Sqrt(dx * dx + dy * dy);
            foreach (var point in leg.Points)
            {
                var probe = new Vec3(st.WallX + dx / len * profile.WallDistanceM, st.WallY + dy / len * profile.WallDistanceM, point.HeightM);
                stationMax = Math.Max(stationMax, yard.DoseAt(probe).Total);
            }
        }
        return new Truth(background, best.Dose, rise, best.Face, best.Along, best.Height, best.At, cls, stationMax - background);
    }
}
