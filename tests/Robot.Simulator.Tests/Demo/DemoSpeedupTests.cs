using System.CommandLine;
using Microsoft.Extensions.Time.Testing;
using Robot.Simulator.Clock;
using Robot.Simulator.Composition;
using Robot.Simulator.Demo;

namespace Robot.Simulator.Tests.Demo;

/// <summary>`demo --speedup N`: the robot on a virtual clock N times faster than real time, the web remote on real time.</summary>
public class DemoSpeedupTests
{
    /// <summary>
    /// Parse and run `demo ARGS` as Program does, for arguments that must be refused: the parse errors
    /// are checked first, so that a broken check fails here instead of starting a demo that runs until Ctrl+C.
    /// </summary>
    private static async Task<(int Exit, string Error)> RefusedAsync(params string[] args)
    {
        var parse = new RootCommand { DemoCommand.Create() }.Parse(["demo", .. args]);
        Assert.True(parse.Errors.Count > 0, $"demo {string.Join(' ', args)} was accepted");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, error.ToString());
    }

    [Theory]
    [InlineData("0", "--speedup must be a number from 1 to 100 (times real time), got 0")]
    [InlineData("0.5", "--speedup must be a number from 1 to 100 (times real time), got 0.5")]
    [InlineData("101", "--speedup must be a number from 1 to 100 (times real time), got 101")]
    [InlineData("-20", "--speedup must be a number from 1 to 100 (times real time), got -20")]
    [InlineData("NaN", "--speedup must be a number from 1 to 100 (times real time), got NaN")]
    [InlineData("fast", "Cannot parse argument 'fast' for option '--speedup'")]
    public async Task A_bad_speedup_is_refused_with_a_clear_error_and_a_non_zero_exit_before_anything_starts(string value, string message)
    {
        var (exit, error) = await RefusedAsync("--speedup", value);
        Assert.NotEqual(0, exit);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_that_is_not_a_number_is_a_clear_error_too_not_a_crash()
    {
        var (exit, error) = await RefusedAsync("--mqtt-port", "abc");
        Assert.NotEqual(0, exit);
        Assert.Contains("Cannot parse argument 'abc' for option '--mqtt-port'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_speedup_is_one_by_default_and_may_be_a_fraction()
    {
        var root = new RootCommand { DemoCommand.Create() };
        var plain = root.Parse(["demo"]);
        Assert.Empty(plain.Errors);
        Assert.Equal(1.0, plain.GetValue<double>("--speedup"));
        var fast = root.Parse(["demo", "--speedup", "12.5"]);
        Assert.Empty(fast.Errors);
        Assert.Equal(12.5, fast.GetValue<double>("--speedup"));
    }

    [Fact]
    public void On_the_real_clock_the_demo_robot_keeps_the_hosts_durations()
    {
        var options = DemoHost.RobotOptions(1883, "SIM-1", seed: 1);
        Assert.Null(options.Speedup);
        Assert.DoesNotContain(options.Config.Keys, k => k.StartsWith("Safety:", StringComparison.Ordinal) || k.StartsWith("Telemetry:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_sped_up_robot_lengthens_the_durations_that_stand_for_people_and_the_network_but_not_the_dead_man()
    {
        var options = DemoHost.RobotOptions(1883, "SIM-1", seed: 1, speedup: 20);
        Assert.Equal(20, options.Speedup);
        var c = options.Config;
        Assert.Equal("00:10:00", c["Safety:CommandMaxAge"]);      // 30 s of real time
        Assert.Equal("00:00:10", c["Safety:TeleopMaxAge"]);       // 1 s, capped by the host's 10 s limit
        Assert.Equal("00:10:00", c["Motion:MessageMaxAge"]);      // orders and instant actions: 30 s of real time
        Assert.Equal("00:10:00", c["Procedure:LinkLossGrace"]);   // 30 s of real time
        Assert.Equal("00:10:00", c["Telemetry:InputErrorRetention"]);
        Assert.Equal("0.25", c["Telemetry:RateHz"]);              // 5 Hz of real time
        Assert.Equal("0.1", c["Telemetry:VisualizationRateHz"]);
        Assert.False(c.ContainsKey("Safety:TeleopMaxTtl"));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(double.NaN)]
    public void A_simulated_robot_refuses_a_speedup_out_of_range(double speedup)
    {
        var options = DemoHost.RobotOptions(1883, "SIM-1", seed: 1);
        options.Speedup = speedup;
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => SimulatedRobot.Create(options));
        Assert.Contains("Speedup must be 1 to 100 times real time", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_time_of_day_clock_tells_the_robots_time_and_waits_in_real_time()
    {
        var robot = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        var clock = new TimeOfDayClock(robot);
        Assert.Equal(robot.GetUtcNow(), clock.GetUtcNow());
        robot.Advance(TimeSpan.FromHours(3));
        Assert.Equal(robot.GetUtcNow(), clock.GetUtcNow());
        // A delay on it ends although the robot's clock stands still (it would never end on the fake itself).
        await Task.Delay(TimeSpan.FromMilliseconds(1), clock).WaitAsync(TimeSpan.FromSeconds(30), TimeProvider.System);
        Assert.False(Task.Delay(TimeSpan.FromMilliseconds(1), robot).IsCompleted);
    }
}
