using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;
using Robot.Remote.Tests.Support;

namespace Robot.Remote.Tests;

/// <summary>
/// Drive runs on a fake clock: the test advances it by one period after each sample arrives, so the
/// number of samples follows rate × seconds exactly and nothing depends on wall-clock time.
/// </summary>
public sealed class DriveVerbTests : RemoteTestBase
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 4, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Streams_rate_times_seconds_samples_then_one_stop()
    {
        var run = Start(_time, CancellationToken.None, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "drive", Serial, "--linear", "0.5", "--angular", "-0.2", "--seconds", "1");

        var samples = await CollectUntilStopAsync(TimeSpan.FromMilliseconds(100));
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        var moving = samples[..^1];
        Assert.Equal(10, moving.Count);
        Assert.All(moving, s =>
        {
            Assert.Equal(0.5, s.LinearMps);
            Assert.Equal(-0.2, s.AngularRadps);
            Assert.Equal(300, s.TtlMs);
            Assert.Equal("cli", s.OperatorId);
        });
        // Every sample is fresh: its own id, stamped when it was sent.
        Assert.Equal(samples.Count, samples.Select(s => s.CommandId).Distinct().Count());
        for (var i = 0; i < moving.Count; i++)
        {
            Assert.Equal(new DateTimeOffset(2026, 5, 4, 10, 0, 0, TimeSpan.Zero).AddMilliseconds(100 * i), moving[i].IssuedAt);
        }
        var stop = samples[^1];
        Assert.Equal((0.0, 0.0, 0.0), (stop.LinearMps, stop.AngularRadps, stop.LiftMps));
        Assert.Equal(300, stop.TtlMs);
        Assert.Contains("sent 10 teleop commands to R1", result.Out);
    }

    [Fact]
    public async Task Rate_and_ttl_options_are_followed()
    {
        var run = Start(_time, CancellationToken.None, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "--json", "drive", Serial,
            "--linear", "-1", "--seconds", "2", "--rate-hz", "5", "--ttl-ms", "250");

        var samples = await CollectUntilStopAsync(TimeSpan.FromMilliseconds(200));
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(11, samples.Count);
        Assert.All(samples, s => Assert.Equal(250, s.TtlMs));
        Assert.Equal(0.0, samples[^1].LinearMps);
        using var json = JsonDocument.Parse(Assert.Single(result.Lines));
        Assert.Equal(10, json.RootElement.GetProperty("commandsSent").GetInt32());
        Assert.True(json.RootElement.GetProperty("stopSent").GetBoolean());
        Assert.False(json.RootElement.GetProperty("interrupted").GetBoolean());
    }

    [Fact]
    public async Task Ctrl_c_stops_the_stream_early_and_still_sends_the_stop()
    {
        using var ctrlC = new CancellationTokenSource();
        var run = Start(_time, ctrlC.Token, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "drive", Serial, "--linear", "1", "--seconds", "60");

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1.0, (await NextAsync(Robot.Teleop)).LinearMps);
            if (i < 2) _time.Advance(TimeSpan.FromMilliseconds(100));
        }
        ctrlC.Cancel();
        var stop = await NextAsync(Robot.Teleop);
        var result = await run.WaitAsync(Patience);

        Assert.Equal(0.0, stop.LinearMps);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("interrupted: sent 3 teleop commands", result.Out);
    }

    [Fact]
    public async Task Driving_announces_the_operator_and_signs_off_cleanly()
    {
        var run = Start(_time, CancellationToken.None, "--broker", BrokerUrl, "--username", "officer", "--password", OfficerSecret, "--operator", "officer-7", "drive", Serial, "--angular", "0.3", "--seconds", "0.1");
        await CollectUntilStopAsync(TimeSpan.FromMilliseconds(100));
        var result = await run.WaitAsync(Patience);

        Assert.True(result.ExitCode == 0, result.ToString());
        var online = await NextAsync(Robot.Presence);
        var offline = await NextAsync(Robot.Presence);
        Assert.Equal(("officer-7", ConnectionState.Online), (online.OperatorId, online.State));
        Assert.Equal(("officer-7", ConnectionState.Offline), (offline.OperatorId, offline.State));
    }

    /// <summary>Read samples until the zero-velocity one, advancing the fake clock one period after each.</summary>
    private async Task<List<TeleopCommand>> CollectUntilStopAsync(TimeSpan period)
    {
        var samples = new List<TeleopCommand>();
        while (true)
        {
            var sample = await NextAsync(Robot.Teleop);
            samples.Add(sample);
            if (sample is { LinearMps: 0, AngularRadps: 0 }) return samples;
            Assert.True(samples.Count <= 1000, "the stream does not end");
            _time.Advance(period);
        }
    }
}
