using Robot.Protocol.Extensions;
using Robot.Remote.Inspection;

namespace Robot.Remote.Tests;

public sealed class InspectionUnitTests
{
    [Theory]
    [InlineData("CSQU3054383")]
    [InlineData("MSKU9070323")]
    [InlineData("tghu 123456 7")]
    [InlineData("ABCU0000017")]
    public void Valid_container_numbers_pass(string number) => Assert.Null(Iso6346.Problem(number));

    [Theory]
    [InlineData("CSQU3054384", "check digit is 4, it should be 3")]
    [InlineData("CSQU305438", "has 10 characters")]
    [InlineData("CSQX3054383", "category")]
    [InlineData("C5QU3054383", "first four characters must be letters")]
    [InlineData("CSQU30543A3", "must be digits")]
    [InlineData("", "empty")]
    public void Invalid_container_numbers_say_why(string number, string why) => Assert.Contains(why, Iso6346.Problem(number));

    [Theory]
    [InlineData("PASS report R-12: all clear", "PASS", "R-12", "all clear")]
    [InlineData("EXCEEDS report R-7: right-02 twice: confirmed", "EXCEEDS", "R-7", "right-02 twice: confirmed")]
    [InlineData("INVALID report R-9", "INVALID", "R-9", null)]
    [InlineData("detector fault", null, null, "detector fault")]
    public void Results_are_split_into_verdict_report_and_reason(string result, string? verdict, string? reportId, string? reason)
    {
        var ended = new InspectionEnded(DateTimeOffset.UnixEpoch, true, result);

        Assert.Equal((verdict, reportId, reason), (ended.Verdict, ended.ReportId, ended.Reason));
    }
}
