using Microsoft.Extensions.Logging.Abstractions;
using Robot.Protocol.Link;
using Robot.TestSupport;

namespace Robot.Protocol.Tests;

/// <summary>
/// The link over TLS to a broker whose certificate a port's own CA signed (Link:CaCertificateFile):
/// trusted only through that CA, and only under the name in the certificate.
/// </summary>
public sealed class MqttLinkTlsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly string _dir = Directory.CreateTempSubdirectory("robot-tls-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_link_trusting_the_port_CA_connects_over_TLS_and_messages_flow()
    {
        await using var broker = await TlsTestBroker.StartAsync(_dir);
        await using var robot = Link(broker.Uri, "tls-robot", broker.CaFile);
        await using var watcher = Link(broker.Uri, "tls-watcher", broker.CaFile);
        var heard = new TaskCompletionSource<LinkMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        watcher.MessageReceived = m => { heard.TrySetResult(m); return Task.CompletedTask; };
        await watcher.SubscribeAsync("robot/v1/T1/telemetry");
        using var timeout = new CancellationTokenSource(Patience);
        await watcher.StartAsync(timeout.Token);
        await robot.StartAsync(timeout.Token);

        Assert.True(await robot.PublishAsync(new LinkMessage("robot/v1/T1/telemetry", "{\"seq\":1}"u8.ToArray(), 1)));
        var message = await heard.Task.WaitAsync(Patience);
        Assert.Equal("{\"seq\":1}", System.Text.Encoding.UTF8.GetString(message.Payload.Span));
    }

    [Fact]
    public async Task A_publish_whose_caller_stops_waiting_does_not_break_the_link()
    {
        // A shutting-down host cancels its periodic publish. Cutting a TLS write off half way would
        // leave the stream unusable and the client disconnected, just before its OFFLINE farewell.
        await using var broker = await TlsTestBroker.StartAsync(_dir);
        await using var robot = Link(broker.Uri, "tls-cancelled", broker.CaFile);
        using (var timeout = new CancellationTokenSource(Patience)) await robot.StartAsync(timeout.Token);
        var big = new byte[1024 * 1024];

        for (var i = 0; i < 5; i++)
        {
            using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(1));
            try
            {
                await robot.PublishAsync(new LinkMessage("robot/v1/T1/bulk", big, 1), impatient.Token);
            }
            catch (OperationCanceledException)
            {
                // The caller stopped waiting; the send goes on.
            }
        }

        Assert.True(await robot.StopAsync(new LinkMessage("uagv/v2/PortCustoms/T1/connection", "{}"u8.ToArray(), 1)), robot.LastStopProblem);
    }

    [Fact]
    public async Task A_link_trusting_only_the_system_roots_is_refused_with_a_certificate_reason()
    {
        await using var broker = await TlsTestBroker.StartAsync(_dir);
        await using var link = Link(broker.Uri, "tls-system-roots", caFile: null);

        var reason = await RefusedAsync(link);
        Assert.StartsWith("the broker's certificate is not trusted: no trusted root of this system signed it (", reason);
        Assert.Contains("set Link:CaCertificateFile to the port's CA", reason);
    }

    [Fact]
    public async Task A_link_trusting_another_CA_is_refused()
    {
        await using var broker = await TlsTestBroker.StartAsync(_dir);
        await using var link = Link(broker.Uri, "tls-other-ca", broker.OtherCaFile);

        var reason = await RefusedAsync(link);
        Assert.StartsWith($"the broker's certificate is not trusted: its chain does not end at the CA in {broker.OtherCaFile} (", reason);
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_refused_even_from_the_port_CA()
    {
        await using var broker = await TlsTestBroker.StartAsync(_dir, "broker.port.example");
        await using var link = Link(broker.Uri, "tls-wrong-name", broker.CaFile);

        var reason = await RefusedAsync(link);
        Assert.Equal("the broker's certificate is not trusted: it is for CN=broker.port.example, not 127.0.0.1", reason);
    }

    [Fact]
    public void Options_refuse_a_CA_file_that_cannot_serve()
    {
        var pem = Path.Combine(_dir, "empty.pem");
        File.WriteAllText(pem, "not a certificate\n");
        string? Problem(string uri, string? ca, bool untrusted = false) =>
            new MqttLinkOptions { BrokerUri = new Uri(uri), CaCertificateFile = ca, AllowUntrustedCertificates = untrusted }.Validate();

        Assert.Equal("CaCertificateFile is set but BrokerUri 'mqtt://127.0.0.1:1883/' is not mqtts://", Problem("mqtt://127.0.0.1:1883", pem));
        Assert.Equal($"CaCertificateFile: no PEM certificate in {pem}", Problem("mqtts://127.0.0.1:8883", pem));
        Assert.StartsWith($"CaCertificateFile: cannot read {Path.Combine(_dir, "missing.pem")}", Problem("mqtts://127.0.0.1:8883", Path.Combine(_dir, "missing.pem")));
        Assert.Equal("CaCertificateFile and AllowUntrustedCertificates contradict each other: set one", Problem("mqtts://127.0.0.1:8883", pem, untrusted: true));
        Assert.Null(Problem("mqtts://127.0.0.1:8883", null));
        // Blank is unset (ROBOT_Link__CaCertificateFile= clears it), also for a plain broker.
        Assert.Null(Problem("mqtt://127.0.0.1:1883", ""));
        Assert.Null(Problem("mqtts://127.0.0.1:8883", "  "));
    }

    private static MqttLink Link(Uri broker, string clientId, string? caFile) =>
        new(new MqttLinkOptions { BrokerUri = broker, ClientId = clientId, CaCertificateFile = caFile, MaxReconnectDelay = TimeSpan.FromSeconds(1) }, TimeProvider.System, NullLogger.Instance);

    /// <summary>The link does not connect; returns why its first attempt failed.</summary>
    private static async Task<string> RefusedAsync(MqttLink link)
    {
        using var attempts = new CancellationTokenSource();
        var start = link.StartAsync(attempts.Token);
        using (var guard = new CancellationTokenSource(Patience))
        {
            // A real-time guard against a hang, not a measurement: an attempt ends within ConnectTimeout.
            while (link.LastConnectError is null && !start.IsCompleted && !guard.IsCancellationRequested) await Task.Delay(20, CancellationToken.None);
        }
        await attempts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        Assert.False(link.IsConnected);
        return link.LastConnectError ?? "(no reason recorded)";
    }
}
