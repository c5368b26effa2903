using System.CommandLine;

namespace Robot.Simulator.Bench;

/// <summary>`bench VERB`: benchmarks that print their figures. Never run as tests.</summary>
public static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks that print their figures (see docs/benchmarks.md)");
        command.Subcommands.Add(TeleopBench.Create());
        command.Subcommands.Add(ProcedureBench.Create());
        command.Subcommands.Add(PlannerBench.Create());
        command.Subcommands.Add(SweepBench.Create());
        command.Subcommands.Add(EstopBench.Create());
        return command;
    }
}
