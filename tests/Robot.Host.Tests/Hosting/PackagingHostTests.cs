using System.Text.Json.Nodes;
using Robot.Host.Hosting;

namespace Robot.Host.Tests.Hosting;

public sealed class PackagingHostTests
{
    [Fact]
    public void Watchdog_is_fed_at_half_of_WATCHDOG_USEC_and_only_for_this_process()
    {
        Assert.Equal(TimeSpan.FromSeconds(5), SystemdWatchdog.FeedInterval(k => k == "WATCHDOG_USEC" ? "10000000" : null, 42));
        Assert.Equal(TimeSpan.FromSeconds(5), SystemdWatchdog.FeedInterval(k => k switch { "WATCHDOG_USEC" => "10000000", "WATCHDOG_PID" => "42", _ => null }, 42));
        Assert.Null(SystemdWatchdog.FeedInterval(k => k switch { "WATCHDOG_USEC" => "10000000", "WATCHDOG_PID" => "7", _ => null }, 42));
        Assert.Null(SystemdWatchdog.FeedInterval(_ => null, 42));
        Assert.Null(SystemdWatchdog.FeedInterval(k => k == "WATCHDOG_USEC" ? "soon" : null, 42));
    }

    [Fact]
    public void Config_file_comes_from_the_command_line_before_ROBOT_CONFIG()
    {
        Assert.Equal("/etc/robot-host/appsettings.json", HardwareComposition.ConfigFilePath([], k => k == "ROBOT_CONFIG" ? "/etc/robot-host/appsettings.json" : null));
        Assert.Equal("/tmp/a.json", HardwareComposition.ConfigFilePath(["--config", "/tmp/a.json"], _ => "/etc/robot-host/appsettings.json"));
        Assert.Equal("/tmp/b.json", HardwareComposition.ConfigFilePath(["--config=/tmp/b.json"], _ => null));
        Assert.Null(HardwareComposition.ConfigFilePath(["--Safety:TickHz=50"], _ => null));
    }

    [Fact]
    public void Secrets_are_masked_at_any_depth()
    {
        var node = JsonNode.Parse("""{"Link":{"Username":"u","Password":"p"},"Broker":{"Password":null},"X":{"ApiKey":"k","Nested":{"ClientSecret":"s"}}}""")!;
        var text = RobotHostCli.Mask(node).ToJsonString();
        Assert.DoesNotContain("\"p\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"k\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\"s\"", text, StringComparison.Ordinal);
        Assert.Contains("\"Username\":\"u\"", text, StringComparison.Ordinal);
        Assert.Contains("\"Password\":null", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_key_messages_name_the_section()
    {
        var line = RobotHostCli.Plain("config error: 'ErrorOnUnknownConfiguration' was set on the provided BinderOptions, but the following properties were not found on the instance of Robot.Host.Configuration.SafetyOptions: 'TickHz2'");
        Assert.StartsWith("config error: Safety: unknown key(s) 'TickHz2'", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unusable_record_store_path_is_one_line_and_exit_2_before_anything_starts()
    {
        var dir = Directory.CreateTempSubdirectory("robot-host-records-");
        try
        {
            // A folder cannot be made under a file (this fails even for root, unlike permissions).
            var blocker = Path.Combine(dir.FullName, "not-a-folder");
            await File.WriteAllTextAsync(blocker, "x");
            var config = Path.Combine(dir.FullName, "appsettings.json");
            await File.WriteAllTextAsync(config, $$$"""
                {"Hardware":{"Kind":"virtual"},"Broker":{"Embedded":false},"Link":{"BrokerUri":"mqtt://127.0.0.1:1"},
                 "Records":{"DatabasePath":"{{{blocker}}}/store/robot-records.db"}}
                """);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var exit = await RobotHostCli.RunAsync(["run", "--config", config], stdout, stderr);
            Assert.Equal(2, exit);
            var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines);
            Assert.StartsWith("record store error: cannot create the record store's folder", line, StringComparison.Ordinal);
            Assert.Contains("Records:DatabasePath", line, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_hardware_verb_says_virtual_drivers_have_nothing_to_map_instead_of_refusing_them()
    {
        var dir = Directory.CreateTempSubdirectory("robot-host-hw-");
        try
        {
            var config = Path.Combine(dir.FullName, "appsettings.json");
            await File.WriteAllTextAsync(config, """{"Hardware":{"Kind":"virtual"}}""");
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Assert.Equal(0, await RobotHostCli.RunAsync(["hardware", "--config", config], stdout, stderr));
            Assert.Contains("Hardware:Kind is virtual", stdout.ToString(), StringComparison.Ordinal);
            Assert.Equal("", stderr.ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
