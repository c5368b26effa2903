using Microsoft.Extensions.Hosting;
using Robot.Host.Hosting;
using Robot.Simulator.Yard;

namespace Robot.Host.Tests.Configuration;

/// <summary>A bad configuration stops the host at start with one line per problem, naming the key.</summary>
public class ConfigurationValidationTests
{
    private static async Task<IReadOnlyList<string>> StartWith(params (string Key, string Value)[] settings)
    {
        var clock = new Robot.Simulator.Clock.SimClock();
        using var world = new SimWorld(new SimWorldOptions(), clock.Time);
        var config = settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)).ToList();
        if (config.All(c => c.Key != "Link:BrokerUri")) config.Add(new("Link:BrokerUri", "mqtt://127.0.0.1:1"));
        var builder = RobotHostBuilder.Create([], _ => world.Hardware, clock.Time, config);
        try
        {
            using var host = builder.Build();
            await host.StartAsync();
            await host.StopAsync();
            return [];
        }
        catch (Exception ex)
        {
            var lines = RobotHostBuilder.DescribeConfigurationError(ex);
            Assert.True(lines is not null, $"not reported as a configuration error: {ex}");
            return lines!;
        }
        finally
        {
            await clock.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_embedded_broker_without_credentials_does_not_listen_beyond_loopback()
    {
        // The packaged config once bound 0.0.0.0 with no credentials: anyone on the port network could command the robot.
        var lines = await StartWith(("Broker:Embedded", "true"), ("Broker:BindAddress", "0.0.0.0"));
        Assert.Contains(lines, l => l.StartsWith("config error:", StringComparison.Ordinal) && l.Contains("Broker", StringComparison.Ordinal) && l.Contains("loopback", StringComparison.Ordinal));
    }

    [Fact]
    public void The_packaged_config_keeps_the_embedded_broker_on_loopback()
    {
        var repo = AppContext.BaseDirectory;
        while (repo is not null && !File.Exists(Path.Combine(repo, "Robot.sln"))) repo = Path.GetDirectoryName(repo);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(repo!, "deploy", "appsettings.json")));
        var broker = json.RootElement.GetProperty("Broker");
        var bind = System.Net.IPAddress.Parse(broker.GetProperty("BindAddress").GetString()!);
        Assert.True(System.Net.IPAddress.IsLoopback(bind) || broker.TryGetProperty("Username", out _), $"deploy/appsettings.json binds the embedded broker to {bind} without credentials");
    }

    [Theory]
    [InlineData("Safety:TickHz", "5", "Safety:TickHz")]
    [InlineData("Safety:MaxLinearSpeedMps", "9", "Safety:MaxLinearSpeedMps")]
    [InlineData("Robot:SerialNumber", "bad/serial#", "Robot:SerialNumber")]
    [InlineData("Telemetry:RateHz", "0", "Telemetry:RateHz")]
    [InlineData("Safety:TickHz", "fast", "Safety:TickHz")]
    [InlineData("Safety:TickHzz", "50", "TickHzz")]
    [InlineData("Link:BrokerUri", "http://example", "Link")]
    [InlineData("Records:ResendInterval", "00:00:00", "Records:ResendInterval")]
    [InlineData("Records:DatabasePath", "records/", "Records:DatabasePath")]
    [InlineData("Records:SigningKeyFile", "keys/", "Records:SigningKeyFile")]
    [InlineData("Records:SigningKeyFile", "", "Records:SigningKeyFile")]
    [InlineData("Records:Path", "x.db", "Path")]
    [InlineData("Motion:MessageMaxAge", "00:00:00", "Motion:MessageMaxAge")]
    [InlineData("Motion:MessageMaxAge", "1.00:00:00", "Motion:MessageMaxAge")]
    [InlineData("Motion:MessageClockSkew", "00:10:00", "Motion:MessageClockSkew")]
    public async Task A_bad_value_or_unknown_key_is_one_clear_line_naming_the_key(string key, string value, string named)
    {
        var lines = await StartWith((key, value));
        Assert.NotEmpty(lines);
        Assert.Contains(lines, l => l.StartsWith("config error:", StringComparison.Ordinal) && l.Contains(named, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.DoesNotContain('\n', l));
    }

    [Fact]
    public async Task The_order_message_window_can_be_set()
    {
        Assert.Empty(await StartWith(("Motion:MessageMaxAge", "00:01:00"), ("Motion:MessageClockSkew", "00:00:10")));
    }

    [Fact]
    public async Task Battery_thresholds_must_be_ordered()
    {
        var lines = await StartWith(("Safety:BatteryWarnPercent", "10"), ("Safety:BatteryCriticalPercent", "20"));
        Assert.Contains(lines, l => l.Contains("Safety:BatteryCriticalPercent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_good_configuration_starts()
    {
        Assert.Empty(await StartWith(("Safety:TickHz", "100")));
    }
}

/// <summary>The report's profile block names every figure of the profile (issue 10: a changed figure must show in the report).</summary>
public class ProfileFiguresTests
{
    [Fact]
    public void Every_figure_of_the_profile_is_in_the_report_block_by_its_configuration_key()
    {
        var profile = new Robot.Host.Configuration.MeasurementProfileOptions();
        var figures = profile.Figures();
        IEnumerable<string> Keys(Type type, string prefix) => type.GetProperties()
            .Where(p => p.CanWrite)
            .SelectMany(p => p.PropertyType.IsClass && p.PropertyType != typeof(string) && !p.PropertyType.IsArray
                ? Keys(p.PropertyType, prefix + p.Name + ":")
                : [prefix + p.Name]);
        var expected = Keys(typeof(Robot.Host.Configuration.MeasurementProfileOptions), "").Except(["Name", "Version", "PointMode"]).ToList();
        Assert.Empty(expected.Except(figures.Keys));
        Assert.Equal("0.25", figures["LimitUSvPerH"]);
        Assert.Equal("0.5 1.3 2.1", figures["HeightsM"]);
        Assert.Equal("0.001", figures["Sequential:Alpha"]);
        Assert.Equal("00:10:00", figures["WarmUp"]);
        // A changed figure shows.
        profile.Sequential.Beta = 0.02;
        Assert.Equal("0.02", profile.Figures()["Sequential:Beta"]);
    }
}
