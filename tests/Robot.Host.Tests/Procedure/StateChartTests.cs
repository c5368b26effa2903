using Robot.Host.Procedure;

namespace Robot.Host.Tests.Procedure;

public class StateChartTests
{
    [Fact]
    public void The_committed_docs_procedure_md_is_the_chart_of_the_machine()
    {
        var repo = AppContext.BaseDirectory;
        while (repo is not null && !File.Exists(Path.Combine(repo, "Robot.sln"))) repo = Path.GetDirectoryName(repo);
        Assert.NotNull(repo);
        var committed = File.ReadAllText(Path.Combine(repo!, "docs", "procedure.md")).ReplaceLineEndings("\n");
        var generated = InspectionProcedure.ProcedureDocument().ReplaceLineEndings("\n");
        Assert.True(committed == generated,
            "docs/procedure.md is stale: run `dotnet run --project src/Robot.Host -- state-chart --write docs/procedure.md`");
    }

    [Fact]
    public void The_chart_shows_every_state_of_the_procedure()
    {
        var chart = InspectionProcedure.StateChart();
        foreach (var state in Enum.GetNames<ProcedureState>())
        {
            Assert.Contains(state, chart);
        }
    }
}
