using System.CommandLine;
using Robot.Simulator.Bench;

namespace Robot.Simulator.Tests.Bench;

/// <summary>`bench estop` refuses a bad rate list or stop count with a clear error before it starts anything.</summary>
public class EstopBenchCommandTests
{
    private static IReadOnlyList<string> Errors(params string[] args)
    {
        var root = new RootCommand { BenchCommand.Create() };
        return root.Parse(["bench", "estop", .. args]).Errors.Select(e => e.Message).ToList();
    }

    [Theory]
    [InlineData("0,500,2000,10000,max")]
    [InlineData("MAX")]
    [InlineData("250")]
    public void A_valid_rate_list_parses(string rates) => Assert.Empty(Errors("--rates", rates));

    [Theory]
    [InlineData("fast")]
    [InlineData("-5")]
    [InlineData("2000000")]
    [InlineData(",")]
    public void A_bad_rate_list_is_refused_by_name(string rates) =>
        Assert.Contains(Errors("--rates", rates), e => e.Contains("--rates", StringComparison.Ordinal));

    [Fact]
    public void Too_few_stops_are_refused_by_name() =>
        Assert.Contains(Errors("--stops", "3"), e => e.Contains("--stops", StringComparison.Ordinal));
}
