using System.Net;
using Robot.Remote.Tests.Support;

namespace Robot.Remote.Tests;

/// <summary>The page's own files as the server hands them out.</summary>
public sealed class WebPageTests : WebRemoteTestBase
{
    [Theory]
    [InlineData("/app.js")]
    [InlineData("/app.css")]
    [InlineData("/index.html")]
    public async Task Page_files_are_last_modified_when_the_server_started_on_the_apps_clock(string path)
    {
        using var stranger = Stranger();
        var response = await stranger.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The fake clock started at Start (2026-05-04 10:42 UTC), far from the machine's own time.
        Assert.Equal(Start, response.Content.Headers.LastModified);
    }
}
