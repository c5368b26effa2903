using System.CommandLine;
using System.Diagnostics;
using Robot.Protocol.Extensions;
using Robot.Remote.Motion;
using Robot.Remote.Web;

namespace Robot.Simulator.Bench;

/// <summary>
/// How long the remote takes to plan a go-to round the containers (YardPlanner), and what it
/// allocates, for yards of growing size: a stack yard of 40 ft boxes in rows with 6 m aisles, and
/// start and target points on open ground drawn from a fixed seed.
/// </summary>
public static class PlannerBench
{
    public static Command Create()
    {
        var plans = new Option<int>("--plans") { Description = "plans per yard size", DefaultValueFactory = _ => 200 };
        plans.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 10 or > 100_000) r.AddError("--plans must be 10 to 100000");
        });
        var command = new Command("planner", "Go-to planning round the containers: time per plan (median, p95, max) and bytes allocated, by yard size") { plans };
        command.SetAction(p => Run(p.GetValue(plans)));
        return command;
    }

    private static int Run(int plans)
    {
        Console.WriteLine($"{plans} plans per yard; start and target on open ground (seed 1); times in ms");
        Console.WriteLine("| containers | corners | median | p95 | max | no way | KiB allocated per plan |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var count in new[] { 3, 12, 24, 48, 96 })
        {
            var yard = StackYard(count);
            var random = new Random(1);
            var pairs = Enumerable.Range(0, plans).Select(_ => (OpenGround(yard, random), OpenGround(yard, random))).ToArray();
            YardPlanner.Plan(yard, pairs[0].Item1, pairs[0].Item2); // warm up (JIT)
            var times = new double[plans];
            var none = 0;
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < plans; i++)
            {
                var started = Stopwatch.GetTimestamp();
                if (YardPlanner.Plan(yard, pairs[i].Item1, pairs[i].Item2) is null) none++;
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)plans / 1024;
            Array.Sort(times);
            Console.WriteLine($"| {count} | {4 * count} | {times[plans / 2]:0.000} | {times[(int)(plans * 0.95)]:0.000} | {times[^1]:0.000} | {none} | {allocated:0.0} |");
        }
        return 0;
    }

    /// <summary>Rows of 40 ft boxes end to end with 1 m between them, 6 m aisles between rows.</summary>
    private static YardLayout StackYard(int count)
    {
        const int perRow = 6;
        var rows = (count + perRow - 1) / perRow;
        var containers = new List<YardContainer>();
        for (var i = 0; i < count; i++)
        {
            var (row, column) = (i / perRow, i % perRow);
            containers.Add(new YardContainer("TGHU7720313", ContainerTypes.Forty, 10 + column * 13.2, row * (2.438 + 6), 0));
        }
        return new YardLayout(new YardBounds(-5, -8, 10 + perRow * 13.2 + 5, rows * 8.438 + 2), containers);
    }

    private static (double X, double Y) OpenGround(YardLayout yard, Random random)
    {
        while (true)
        {
            var p = (X: yard.Bounds.MinX + random.NextDouble() * (yard.Bounds.MaxX - yard.Bounds.MinX),
                     Y: yard.Bounds.MinY + random.NextDouble() * (yard.Bounds.MaxY - yard.Bounds.MinY));
            if (!yard.Containers.Any(c => c.Covers(p.X, p.Y, YardLayout.ContainerClearanceM))) return p;
        }
    }
}
