using System.CommandLine;
using Robot.Simulator.Bench;
using Robot.Simulator.Demo;

// robot-sim: the simulated yard around the real robot host.
//   demo   the one-command demo on the embedded broker
//   bench  benchmarks that print their figures (docs/benchmarks.md)
var root = new RootCommand("Simulator for the radiation-inspection robot: the real host over simulated hardware")
{
    DemoCommand.Create(),
    BenchCommand.Create(),
    Robot.Simulator.Scenarios.RunCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
