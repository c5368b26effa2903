using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Robot.Host.Records;
using Robot.Protocol.Broker;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.Protocol.Link;
using Robot.TestSupport;

namespace Robot.PackageTests;

/// <summary>
/// The host binary from the package, started as systemd would (run, config from a file), with
/// Hardware:Kind=virtual against a broker in this process: ONLINE, a valid state, OFFLINE on SIGTERM.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PackagedHostTests(PackageFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robot-pkg-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("amd64", 30)]
    [InlineData("arm64", 180)]
    public async Task Packaged_host_goes_online_publishes_state_and_goes_offline_on_sigterm(string arch, int startSeconds)
    {
        var package = fixture.Get(arch);
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { BindAddress = "127.0.0.1", Port = 0 }, NullLogger.Instance);
        var serial = "PKG-" + arch.ToUpperInvariant();
        var config = WriteConfig(new
        {
            Robot = new { Manufacturer = "PortCustoms", SerialNumber = serial },
            Broker = new { Embedded = false },
            Link = new { BrokerUri = broker.Uri.ToString(), Username = serial, Password = broker.Accounts.Issue(serial, ClientRole.Robot, serial) },
            Records = new { DatabasePath = Path.Combine(_dir, "records", "robot-records.db") },
            Hardware = new { Kind = "virtual" },
        });

        var messages = new ConcurrentQueue<LinkMessage>();
        // Every connection message with the moment it arrived, so a failure shows the timeline.
        var clock = Stopwatch.StartNew();
        var timeline = new ConcurrentQueue<string>();
        await using var client = new MqttLink(new MqttLinkOptions { BrokerUri = broker.Uri, ClientId = "package-test" }, TimeProvider.System);
        client.MessageReceived = m =>
        {
            messages.Enqueue(m);
            if (m.Topic.EndsWith("/connection", StringComparison.Ordinal)) timeline.Enqueue($"{clock.Elapsed.TotalSeconds:0.000} s {State(m)}");
            return Task.CompletedTask;
        };
        await client.StartAsync(CancellationToken.None);
        var prefix = $"uagv/v2/PortCustoms/{serial}/";
        await client.SubscribeAsync(prefix + "#");

        var (file, args) = package.Command("run", "--config", config);
        using var host = Start(file, args, out var output);
        try
        {
            await Until(() => messages.Any(m => m.Topic == prefix + "connection" && State(m) == "ONLINE"), TimeSpan.FromSeconds(startSeconds), host, output, "ONLINE");
            await Until(() => messages.Any(m => m.Topic == prefix + "state"), TimeSpan.FromSeconds(30), host, output, "a state message");
            var state = messages.First(m => m.Topic == prefix + "state");
            var problems = Vda5050Schemas.Shared.Validate("state", state.Payload.Span);
            Assert.True(problems.Count == 0, "state does not validate against the VDA 5050 schema:\n" + string.Join('\n', problems));

            timeline.Enqueue($"{clock.Elapsed.TotalSeconds:0.000} s SIGTERM");
            Signal(host.Id, "TERM");
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(arch == "amd64" ? 20 : 90));
            await host.WaitForExitAsync(exit.Token);
            timeline.Enqueue($"{clock.Elapsed.TotalSeconds:0.000} s host exited ({host.ExitCode})");
            Assert.True(host.ExitCode == 0, $"exit code {host.ExitCode} after SIGTERM:\n{output}");
            // The host has said OFFLINE before exiting when the broker acknowledged it; the broker
            // may still be forwarding it to us on a loaded machine, so allow it a generous while.
            await Until(() => messages.Any(m => m.Topic == prefix + "connection" && State(m) == "OFFLINE"), TimeSpan.FromSeconds(15), null, output, "OFFLINE",
                () => "connection messages and events, seconds since the test started:\n  " + string.Join("\n  ", timeline));
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// The trimmed native binary speaks TLS (OpenSSL through System.Net.Security) and trusts the
    /// broker only through the port's CA file, as docs/operations.md has the maintainer set it up.
    /// </summary>
    [Theory]
    [InlineData("amd64", 30)]
    [InlineData("arm64", 180)]
    public async Task Packaged_host_connects_over_TLS_trusting_the_port_CA_and_refuses_a_broker_it_cannot_trust(string arch, int startSeconds)
    {
        var package = fixture.Get(arch);
        await using var broker = await TlsTestBroker.StartAsync(_dir);
        var serial = "TLS-" + arch.ToUpperInvariant();
        var prefix = $"uagv/v2/PortCustoms/{serial}/";
        var messages = new ConcurrentQueue<LinkMessage>();
        await using var client = new MqttLink(new MqttLinkOptions { BrokerUri = broker.Uri, ClientId = "package-tls-test", CaCertificateFile = broker.CaFile }, TimeProvider.System);
        client.MessageReceived = m => { messages.Enqueue(m); return Task.CompletedTask; };
        await client.SubscribeAsync(prefix + "connection");
        using (var connect = new CancellationTokenSource(TimeSpan.FromSeconds(30))) await client.StartAsync(connect.Token);

        string Config(string caFile) => WriteConfig(new
        {
            Robot = new { Manufacturer = "PortCustoms", SerialNumber = serial },
            Broker = new { Embedded = false },
            Link = new { BrokerUri = broker.Uri.ToString(), CaCertificateFile = caFile },
            Records = new { DatabasePath = Path.Combine(_dir, "records-" + Path.GetFileNameWithoutExtension(caFile), "robot-records.db") },
            Hardware = new { Kind = "virtual" },
        });

        // Trusting another CA: the host runs (safe, without a link) and says why it cannot connect.
        var (file, args) = package.Command("run", "--config", Config(broker.OtherCaFile));
        using (var distrustful = Start(file, args, out var refusedOutput))
        {
            try
            {
                await Until(() => refusedOutput.ToString().Contains("the broker's certificate is not trusted: its chain does not end at the CA in " + broker.OtherCaFile, StringComparison.Ordinal),
                    TimeSpan.FromSeconds(startSeconds), distrustful, refusedOutput, "the refusal of the broker's certificate");
                Assert.DoesNotContain(messages, m => State(m) == "ONLINE");
                Signal(distrustful.Id, "TERM");
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(arch == "amd64" ? 20 : 90));
                await distrustful.WaitForExitAsync(exit.Token);
            }
            finally
            {
                if (!distrustful.HasExited) distrustful.Kill(entireProcessTree: true);
            }
        }

        (file, args) = package.Command("run", "--config", Config(broker.CaFile));
        using var host = Start(file, args, out var output);
        try
        {
            await Until(() => messages.Any(m => State(m) == "ONLINE"), TimeSpan.FromSeconds(startSeconds), host, output, "ONLINE over TLS");
            Signal(host.Id, "TERM");
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(arch == "amd64" ? 20 : 90));
            await host.WaitForExitAsync(exit.Token);
            Assert.True(host.ExitCode == 0, $"exit code {host.ExitCode} after SIGTERM:\n{output}");
            await Until(() => messages.Any(m => State(m) == "OFFLINE"), TimeSpan.FromSeconds(15), null, output, "OFFLINE over TLS");
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
        }
    }

    [Theory]
    [InlineData("{\"Hardware\":{\"Kind\":\"virtual\"},\"Safety\":{\"TickHz2\":50}}", "Safety", "TickHz2")]
    [InlineData("{\"Hardware\":{\"Kind\":\"virtual\"},\"Safety\":{\"MaxLinearSpeedMps\":\"fast\"}}", "Safety:MaxLinearSpeedMps", "fast")]
    [InlineData("{\"Hardware\":{\"Kind\":\"virtual\",\"Virtual\":{\"LiftSpeed\":1}}}", "Hardware", "LiftSpeed")]
    [InlineData("{\"Hardware\":{\"Kind\":\"wooden\"}}", "Hardware:Kind", "wooden")]
    public void Packaged_host_refuses_a_bad_config_with_one_clear_line(string json, string key, string detail)
    {
        var path = Path.Combine(_dir, "bad.json");
        var withRecords = json[..^1] + $",\"Records\":{{\"DatabasePath\":\"{Path.Combine(_dir, "r.db")}\"}}}}";
        File.WriteAllText(path, withRecords);
        var (file, args) = fixture.Get("amd64").Command("run", "--config", path);
        var r = PackageFixture.Run(file, args, TimeSpan.FromSeconds(60));
        Assert.True(r.ExitCode != 0, "the host started with a bad config:\n" + r.Stdout);
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, "expected one line, got:\n" + r.Stderr + r.Stdout);
        Assert.StartsWith("config error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(key, lines[0], StringComparison.Ordinal);
        Assert.Contains(detail, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amd64")]
    [InlineData("arm64")]
    public void Packaged_host_maintainer_verbs_work(string arch)
    {
        var package = fixture.Get(arch);
        var timeout = TimeSpan.FromSeconds(arch == "amd64" ? 30 : 120);
        PackageFixture.ProcessResult Verb(params string[] args)
        {
            var (file, a) = package.Command(args);
            return PackageFixture.Run(file, a, timeout);
        }

        var v = Verb("version");
        Assert.True(v.ExitCode == 0, v.Stderr);
        Assert.StartsWith($"robot-host {fixture.Version}", v.Stdout, StringComparison.Ordinal);

        var config = WriteConfig(new { Hardware = new { Kind = "virtual" }, Link = new { Username = "robot", Password = "hunter2" }, Broker = new { AccountsFile = "/etc/robot-host/broker-accounts" } });
        var p = Verb("print-config", "--config", config);
        Assert.True(p.ExitCode == 0, p.Stderr);
        Assert.DoesNotContain("hunter2", p.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"Password\": \"***\"", p.Stdout, StringComparison.Ordinal);
        Assert.Contains("\"Kind\": \"virtual\"", p.Stdout, StringComparison.Ordinal);
        // The source-generated option metadata covers every section, nested ones included.
        using (var printed = JsonDocument.Parse(p.Stdout[p.Stdout.IndexOf('{', StringComparison.Ordinal)..]))
        {
            Assert.Equal(50, printed.RootElement.GetProperty("Safety").GetProperty("TickHz").GetInt32());
            Assert.Equal("00:00:00.3000000", printed.RootElement.GetProperty("Safety").GetProperty("TeleopMaxTtl").GetString());
            Assert.Equal(3, printed.RootElement.GetProperty("Measurement").GetProperty("Profile").GetProperty("HeightsM").GetArrayLength());
            Assert.Equal(0x29, printed.RootElement.GetProperty("Hardware").GetProperty("WallRange").GetProperty("Address").GetInt32());
        }

        var selftest = Verb("selftest", "--config", config);
        Assert.True(selftest.ExitCode == 0, selftest.Stderr);
        Assert.Contains("Hardware:Kind is virtual: no devices to test", selftest.Stdout, StringComparison.Ordinal);

        // The pin and bus map is that of the real robot (Hardware:Kind gpio, the default).
        var hardware = Verb("hardware", "--config", WriteConfig(new { }));
        Assert.True(hardware.ExitCode == 0, hardware.Stderr);
        Assert.Contains("StepPin", hardware.Stdout, StringComparison.Ordinal);

        // The state chart comes from the Stateless machine in the binary: the same as the committed docs/procedure.md.
        var chart = Verb("state-chart");
        Assert.True(chart.ExitCode == 0, chart.Stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(fixture.Root, "docs", "procedure.md")).ReplaceLineEndings(), chart.Stdout.ReplaceLineEndings());

        var missing = Verb("verify-records", "--db", Path.Combine(_dir, "none.db"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("there is no record store", missing.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// The packaged host writes the record store (SQLite, the native e_sqlite3 in the package) as an
    /// inspection runs, is stopped mid-inspection, and after a restart files the interrupted inspection
    /// as an INVALID report, hash-chained, which it publishes and its own verify-records accepts.
    /// </summary>
    [Theory]
    [InlineData("amd64", 30)]
    [InlineData("arm64", 180)]
    public async Task Packaged_host_journals_an_inspection_and_files_it_after_a_restart(string arch, int startSeconds)
    {
        var package = fixture.Get(arch);
        await using var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { BindAddress = "127.0.0.1", Port = 0 }, NullLogger.Instance);
        var serial = "REC-" + arch.ToUpperInvariant();
        var db = Path.Combine(_dir, "records", "robot-records.db");
        var config = WriteConfig(new Dictionary<string, object>
        {
            ["Robot"] = new { Manufacturer = "PortCustoms", SerialNumber = serial },
            ["Broker"] = new { Embedded = false },
            ["Link"] = new { BrokerUri = broker.Uri.ToString(), Username = serial, Password = broker.Accounts.Issue(serial, ClientRole.Robot, serial) },
            ["Records"] = new { DatabasePath = db, ResendInterval = "00:00:02" },
            ["Hardware"] = new { Kind = "virtual" },
            // Background readings at once where the robot stands (no warm-up, no settle, half-second readings).
            ["Procedure"] = new { BackgroundSpotX = 0, BackgroundSpotY = 0 },
            ["Measurement"] = new { Profile = new { WarmUp = "00:00:00", Background = new { SettleS = 0, IntervalS = 0.5, Readings = 20 } } },
        });

        var messages = new ConcurrentQueue<LinkMessage>();
        await using var client = new MqttLink(new MqttLinkOptions { BrokerUri = broker.Uri, ClientId = "package-records-test", Username = "officer", Password = broker.Accounts.Issue("officer", ClientRole.Officer, serial) }, TimeProvider.System);
        client.MessageReceived = m => { messages.Enqueue(m); return Task.CompletedTask; };
        await client.StartAsync(CancellationToken.None);
        var prefix = $"uagv/v2/PortCustoms/{serial}/";
        var reportsTopic = TopicScheme.Extension(serial, MessageKind.Report);
        await client.SubscribeAsync(prefix + "#");
        await client.SubscribeAsync(reportsTopic);

        var (file, args) = package.Command("run", "--config", config);
        using (var host = Start(file, args, out var output))
        {
            try
            {
                await Until(() => messages.Any(m => m.Topic == prefix + "connection" && State(m) == "ONLINE"), TimeSpan.FromSeconds(startSeconds), host, output, "ONLINE");
                var order = new Order
                {
                    HeaderId = 1, Timestamp = DateTimeOffset.UtcNow, Version = TopicScheme.VdaProtocolVersion, Manufacturer = "PortCustoms", SerialNumber = serial,
                    OrderId = "inspect-pkg", OrderUpdateId = 0, Edges = [],
                    Nodes =
                    [
                        new Node
                        {
                            NodeId = "here", SequenceId = 0, Released = true, NodePosition = new NodePosition { X = 0, Y = 0, MapId = "yard" },
                            Actions =
                            [
                                new VdaAction
                                {
                                    ActionType = "inspectContainer", ActionId = "inspect-pkg-1", BlockingType = BlockingType.Hard,
                                    ActionParameters =
                                    [
                                        Parameter("containerNumber", "\"CSQU3054383\""), Parameter("containerType", "\"20ft\""),
                                        Parameter("x", "30"), Parameter("y", "0"), Parameter("operatorId", "\"package-test\""),
                                    ],
                                },
                            ],
                        },
                    ],
                };
                Assert.True(await client.PublishAsync(new LinkMessage(prefix + "order", ProtocolCodec.Encode(order), 1)));
                // Readings go to the journal as they are taken.
                await Until(() => Count(db, "SELECT count(*) FROM readings") >= 2, TimeSpan.FromSeconds(startSeconds), host, output, "two readings in the record store");
                Assert.Equal(0L, Count(db, "SELECT count(*) FROM reports"));
                Signal(host.Id, "TERM");
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(arch == "amd64" ? 20 : 90));
                await host.WaitForExitAsync(exit.Token);
                Assert.True(host.ExitCode == 0, $"exit code {host.ExitCode} after SIGTERM:\n{output}");
            }
            finally
            {
                if (!host.HasExited) host.Kill(entireProcessTree: true);
            }
        }

        // Restarted: the interrupted inspection becomes an INVALID report, filed and published.
        using (var host = Start(file, args, out var output))
        {
            try
            {
                await Until(() => messages.Any(m => m.Topic == reportsTopic), TimeSpan.FromSeconds(startSeconds), host, output, "a report");
                var report = Assert.IsType<InspectionReport>(ProtocolCodec.Decode(reportsTopic, messages.First(m => m.Topic == reportsTopic).Payload.Span).Message);
                Assert.Equal(Verdicts.Invalid, report.Verdict);
                Assert.Equal("CSQU3054383", report.Container.Number);
                Assert.Equal(1, report.Sequence);
                Assert.Equal(ReportSeal.Hash(ReportSeal.CanonicalBytes(report)), report.ReportHash);
                Signal(host.Id, "TERM");
                using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(arch == "amd64" ? 20 : 90));
                await host.WaitForExitAsync(exit.Token);
                Assert.True(host.ExitCode == 0, $"exit code {host.ExitCode} after SIGTERM:\n{output}");
            }
            finally
            {
                if (!host.HasExited) host.Kill(entireProcessTree: true);
            }
        }

        var (vfile, vargs) = package.Command("verify-records", "--db", db);
        var verify = PackageFixture.Run(vfile, vargs, TimeSpan.FromSeconds(60));
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        Assert.Contains("1 reports, chain OK", verify.Stdout, StringComparison.Ordinal);
    }

    private static ActionParameter Parameter(string key, string json)
    {
        using var document = JsonDocument.Parse(json);
        return new ActionParameter { Key = key, Value = document.RootElement.Clone() };
    }

    /// <summary>A count from the record store, read beside the running host (WAL: readers do not block the writer).</summary>
    private static long Count(string db, string sql)
    {
        if (!File.Exists(db)) return 0;
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection(new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder
        {
            DataSource = db, Mode = Microsoft.Data.Sqlite.SqliteOpenMode.ReadOnly, Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            return 0; // not created yet, or the schema is being written
        }
    }

    private string WriteConfig(object config)
    {
        var path = Path.Combine(_dir, $"appsettings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    private static string? State(LinkMessage m)
    {
        using var doc = JsonDocument.Parse(m.Payload);
        return doc.RootElement.TryGetProperty("connectionState", out var s) ? s.GetString() : null;
    }

    private static Process Start(string file, IEnumerable<string> args, out StringBuilder output)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var o = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (o) o.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (o) o.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        output = o;
        return p;
    }

    private static void Signal(int pid, string signal)
    {
        var r = PackageFixture.Run("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
        Assert.True(r.ExitCode == 0, r.Stderr);
    }

    private static async Task Until(Func<bool> condition, TimeSpan timeout, Process? host, StringBuilder output, string what, Func<string>? context = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            if (host is { HasExited: true }) Assert.Fail($"the host exited ({host.ExitCode}) before {what}:\n{output}\n{context?.Invoke()}");
            if (deadline.Elapsed > timeout) Assert.Fail($"no {what} within {timeout}:\n{output}\n{context?.Invoke()}");
            await Task.Delay(50);
        }
    }
}

/// <summary>The packaged host speaks sd_notify on NOTIFY_SOCKET: READY=1, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackagedHostNotifyTests(PackageFixture fixture) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("robot-pkg-notify-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Packaged_host_notifies_ready_feeds_the_watchdog_and_notifies_stopping()
    {
        var socketPath = Path.Combine(_dir, "notify.sock");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
        var received = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var n = await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, stop.Token);
                    received.Enqueue(Encoding.UTF8.GetString(buffer, 0, n));
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
        var config = Path.Combine(_dir, "appsettings.json");
        var port = EmbeddedBroker.FreePort(IPAddress.Loopback);
        File.WriteAllText(config, JsonSerializer.Serialize(new
        {
            Hardware = new { Kind = "virtual" },
            Broker = new { Embedded = true, Port = port },
            Link = new { BrokerUri = $"mqtt://127.0.0.1:{port}" },
            Records = new { DatabasePath = Path.Combine(_dir, "r.db") },
        }));
        var (file, args) = fixture.Get("amd64").Command("run", "--config", config);
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NOTIFY_SOCKET"] = socketPath;
        psi.Environment["WATCHDOG_USEC"] = "1000000";
        using var host = Process.Start(psi)!;
        var output = new StringBuilder();
        host.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        host.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        host.BeginOutputReadLine();
        host.BeginErrorReadLine();
        try
        {
            var deadline = Stopwatch.StartNew();
            while (!(received.Contains("READY=1") && received.Count(m => m == "WATCHDOG=1") >= 2))
            {
                Assert.False(host.HasExited, "the host exited:\n" + output);
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"no READY=1 and two WATCHDOG=1 within 30 s; got [{string.Join(", ", received)}]\n{output}");
                await Task.Delay(50);
            }
            PackageFixture.Run("kill", ["-TERM", host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(10));
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await host.WaitForExitAsync(exit.Token);
            Assert.Equal(0, host.ExitCode);
            await Task.Delay(200);
            Assert.Contains("STOPPING=1", received);
        }
        finally
        {
            if (!host.HasExited) host.Kill(entireProcessTree: true);
            await stop.CancelAsync();
            await reader;
        }
    }
}
