using Robot.Remote.Cli;
using Robot.Remote.Web;

namespace Robot.Remote.Tests;

/// <summary>The yard file of `serve --yard FILE`: read and checked at start, one clear line when it is wrong.</summary>
public sealed class YardLayoutTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("remote-yard-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void A_good_file_gives_the_bounds_and_the_containers_with_normalised_numbers()
    {
        var layout = YardLayout.Load(Write("""
            {"bounds":{"minX":-30,"minY":-15,"maxX":40,"maxY":12},
             "containers":[{"number":"tghu 772031 3","type":"40ft","x":14,"y":-6,"theta":0},
                           {"number":"CSQU3054383","type":"20ft","x":12,"y":4,"theta":1.5708}]}
            """));
        Assert.Equal(new YardBounds(-30, -15, 40, 12), layout.Bounds);
        Assert.Equal(new YardContainer("TGHU7720313", "40ft", 14, -6, 0), layout.Containers[0]);
        Assert.True(layout.Containers[1].Covers(12, 6.5, 0.5));   // turned 90°: its length runs along y
        Assert.False(layout.Containers[1].Covers(15, 4, 0.5));
    }

    [Theory]
    [InlineData("""{"bounds":{"minX":0,"minY":0,"maxX":10,"maxY":10},"containers":[{"number":"TGHU7720310","type":"40ft","x":5,"y":5,"theta":0}]}""",
        "containers[0] (TGHU7720310): 'TGHU7720310': the check digit is 0, it should be 3")]
    [InlineData("""{"bounds":{"minX":0,"minY":0,"maxX":10,"maxY":10},"containers":[{"number":"TGHU7720313","type":"45ft","x":5,"y":5,"theta":0}]}""",
        "containers[0] (TGHU7720313): type must be one of 20ft, 40ft, 40ftHC")]
    [InlineData("""{"bounds":{"minX":0,"minY":0,"maxX":10,"maxY":10},"containers":[{"number":"TGHU7720313","type":"40ft","x":50,"y":5,"theta":0}]}""",
        "containers[0] (TGHU7720313): (50, 5) is outside the bounds (x 0..10 m, y 0..10 m)")]
    [InlineData("""{"bounds":{"minX":10,"minY":0,"maxX":0,"maxY":10},"containers":[]}""", "bounds: minX < maxX and minY < maxY")]
    [InlineData("""{"containers":[]}""", "needs \"bounds\"")]
    [InlineData("""not json""", "not a yard layout")]
    public void A_bad_file_is_refused_naming_what_is_wrong(string json, string message)
    {
        var path = Write(json);
        var error = Assert.Throws<ArgumentException>(() => YardLayout.Load(path));
        Assert.Contains($"yard file {path}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_stops_at_start_with_one_clear_line_for_a_bad_yard_file_or_lease_time()
    {
        var users = Path.Combine(_dir.FullName, "users.json");
        UserStore.Open(users, TimeProvider.System).Add("alice", Roles.Officer, "alice-secret-1");
        var yard = Write("""{"bounds":{"minX":0,"minY":0,"maxX":10,"maxY":10},"containers":[{"number":"TGHU7720310","type":"40ft","x":5,"y":5,"theta":0}]}""");

        var (code, output) = await CliAsync("serve", "--http-port", "1", "--users-file", users, "--yard", yard);
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("the check digit is 0, it should be 3", output, StringComparison.Ordinal);

        (code, output) = await CliAsync("serve", "--http-port", "1", "--users-file", users, "--yard", Path.Combine(_dir.FullName, "missing.json"));
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("missing.json", output, StringComparison.Ordinal);

        (code, output) = await CliAsync("serve", "--http-port", "1", "--users-file", users, "--lease-quiet", "1");
        Assert.Equal(ExitCodes.BadArguments, code);
        Assert.Contains("--lease-quiet must be 2 to 3600 seconds, got 1", output, StringComparison.Ordinal);
    }

    private string Write(string json)
    {
        var path = Path.Combine(_dir.FullName, $"yard-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static async Task<(int Code, string Output)> CliAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await RemoteCli.RunAsync(args, stdout, stderr, TimeProvider.System);
        return (code, stdout.ToString() + stderr);
    }
}
