using System.Net;
using Robot.Remote.Tests.Support;

namespace Robot.Remote.Tests;

/// <summary>An inspection started from the web remote.</summary>
public sealed class WebInspectionTests : WebRemoteTestBase
{
    [Fact]
    public async Task The_inspection_order_names_the_officer_who_started_it_so_the_report_does()
    {
        using var a = await SignInAsync("officerA");
        var response = await a.PostAsync("inspect", new { containerNumber = Hot.Number, containerType = Hot.Type, x = Hot.X, y = Hot.Y, theta = 0 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var (_, order) = await NextAsync(Robot.Orders);
        var parameters = order.Nodes[0].Actions[0].ActionParameters!.ToDictionary(p => p.Key, p => p.Value.ToString());
        Assert.Equal("web:officerA", parameters["operatorId"]);
        Assert.Equal(Hot.Number, parameters["containerNumber"]);
    }
}
