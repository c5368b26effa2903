using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Robot.Host.Records;
using Robot.Protocol.Broker;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using static Robot.Host.Tests.Records.RecordSamples;

namespace Robot.Host.Tests.Records;

/// <summary>The outbox over a real in-process broker: reports go out until acknowledged; bad acks change nothing.</summary>
public class ReportOutboxTests
{
    private static readonly TimeSpan Resend = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_pending_report_is_sent_on_connect_after_reconnects_and_every_interval_until_acknowledged()
    {
        await using var rig = await OutboxRig.StartAsync();
        var a = rig.Journal.FileReport(RunAndDraft(rig.Journal, "insp-a"));
        await rig.StartRobotAsync();

        var first = await rig.NextReportAsync();
        Assert.Equal(a.ReportId, first.ReportId);
        Assert.Equal(a.ReportHash, first.ReportHash);
        Assert.True(ReportSeal.IsIntact(first), "the received report hashes to its reportHash");
        // ...and carries the robot's signature of the same bytes, checkable with the robot's public key alone.
        Assert.Equal((rig.Journal.SigningKeyId, a.Signature), (first.SigningKeyId, first.Signature));
        using (var keys = ReportPublicKeys.Load([PublicKeyBeside(rig.Journal.Path)]))
        {
            Assert.True(keys.Verify(first.SigningKeyId!, ReportSeal.CanonicalBytes(first), first.Signature!));
        }

        // The robot's connection drops and comes back: the report goes out again at once, no clock advance.
        await rig.Broker.DropClientAsync(rig.RobotLink.ClientId);
        Assert.Equal(a.ReportId, (await rig.NextReportAsync()).ReportId);
        Assert.True(rig.RobotLink.ConnectCount >= 2);

        // The receiving client was away: after the resend interval it gets it again.
        await rig.ReconnectFleetAsync();
        rig.Clock.Advance(Resend);
        Assert.Equal(a.ReportId, (await rig.NextReportAsync()).ReportId);

        // Acknowledged: no more copies of A. A newly filed report goes out at once, then on the interval, alone.
        Assert.Equal(AckOutcome.Acknowledged, await rig.AckAsync(new ReportAck { ReportId = a.ReportId, ReportHash = a.ReportHash!, AckedBy = "fleet-1", Timestamp = rig.Clock.GetUtcNow() }));
        var b = rig.Journal.FileReport(RunAndDraft(rig.Journal, "insp-b"));
        InspectionReport next;
        while ((next = await rig.NextReportAsync()).ReportId != b.ReportId)
        {
            Assert.Equal(a.ReportId, next.ReportId); // only a copy already on its way before the ack
        }
        rig.Clock.Advance(Resend);
        Assert.Equal(b.ReportId, (await rig.NextReportAsync()).ReportId);
        rig.Clock.Advance(Resend);
        Assert.Equal(b.ReportId, (await rig.NextReportAsync()).ReportId);
        Assert.Equal([b.ReportId], rig.Journal.PendingReports().Select(r => r.ReportId));
        Assert.NotNull(rig.Journal.GetReport(a.ReportId)); // kept after sending
    }

    [Fact]
    public async Task Bad_acks_change_nothing_and_the_report_keeps_going_out()
    {
        await using var rig = await OutboxRig.StartAsync();
        var a = rig.Journal.FileReport(RunAndDraft(rig.Journal, "insp-a"));
        var other = rig.Journal.FileReport(RunAndDraft(rig.Journal, "insp-o"));
        await rig.StartRobotAsync();
        Assert.Equal(a.ReportId, (await rig.NextReportAsync()).ReportId);

        Assert.Equal(AckOutcome.Malformed, await rig.AckRawAsync("{\"reportId\": 12"u8.ToArray()));
        Assert.Equal(AckOutcome.Malformed, await rig.AckRawAsync(ProtocolCodec.Encode(new ReportAck { ReportId = a.ReportId, ReportHash = "xyz", AckedBy = "fleet-1", Timestamp = T0 })));
        Assert.Equal(AckOutcome.HashMismatch, await rig.AckAsync(new ReportAck { ReportId = a.ReportId, ReportHash = other.ReportHash!, AckedBy = "fleet-1", Timestamp = T0 }));
        Assert.Equal(AckOutcome.UnknownReport, await rig.AckAsync(new ReportAck { ReportId = "rpt-unknown", ReportHash = a.ReportHash!, AckedBy = "fleet-1", Timestamp = T0 }));

        Assert.Equal([a.ReportId, other.ReportId], rig.Journal.PendingReports().Select(r => r.ReportId));
        Assert.All(rig.Journal.ListReports(), s => Assert.False(s.Acknowledged));
        rig.Clock.Advance(Resend);
        InspectionReport again;
        while ((again = await rig.NextReportAsync()).ReportId != a.ReportId) Assert.Equal(other.ReportId, again.ReportId);
        Assert.Equal(a.ReportHash, again.ReportHash);
    }

    [Fact]
    public async Task An_interrupted_inspection_from_an_earlier_run_is_filed_INVALID_and_sent_at_start()
    {
        await using var rig = await OutboxRig.StartAsync(beforeStart: store =>
        {
            var dead = Open(store.DbPath, Clock());
            Start(dead, "insp-died");
            Readings(dead, "insp-died", "background", 3, T0, 0.08);
            dead.Dispose();
        });
        await rig.StartRobotAsync();
        var sent = await rig.NextReportAsync();
        Assert.Equal("insp-died", sent.InspectionId);
        Assert.Equal(Verdicts.Invalid, sent.Verdict);
        Assert.Equal(3, sent.Background!.Readings.Count);
    }

    /// <summary>Broker, robot link + outbox (outbox on a fake clock), and a fleet client that collects reports.</summary>
    private sealed class OutboxRig : IAsyncDisposable
    {
        private static readonly TimeSpan Generous = TimeSpan.FromSeconds(15);
        private readonly Channel<InspectionReport> _reports = Channel.CreateUnbounded<InspectionReport>();
        private readonly Channel<AckOutcome> _acks = Channel.CreateUnbounded<AckOutcome>();
        private readonly TempStore _store = new();
        private TaskCompletionSource _fleetUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private OutboxRig(EmbeddedBroker broker) => Broker = broker;

        public EmbeddedBroker Broker { get; }
        public FakeTimeProvider Clock { get; } = RecordSamples.Clock();
        public InspectionJournal Journal { get; private set; } = null!;
        public MqttLink RobotLink { get; private set; } = null!;
        public MqttLink Fleet { get; private set; } = null!;
        public ReportOutbox Outbox { get; private set; } = null!;
        private static string ReportTopic => TopicScheme.Extension(Serial, MessageKind.Report);
        private static string AckTopic => TopicScheme.Extension(Serial, MessageKind.ReportAck);

        public static async Task<OutboxRig> StartAsync(Action<TempStore>? beforeStart = null)
        {
            var rig = new OutboxRig(await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { BindAddress = "127.0.0.1", Port = 0 }));
            beforeStart?.Invoke(rig._store);
            rig.Journal = Open(rig._store.DbPath, rig.Clock);
            // The records archive: the one identity whose acks the broker lets through.
            rig.Fleet = new MqttLink(new MqttLinkOptions { BrokerUri = rig.Broker.Uri, ClientId = "fleet-1", Username = "archive", Password = rig.Broker.Accounts.Issue("archive", ClientRole.Archive) }, TimeProvider.System);
            rig.Fleet.MessageReceived = m =>
            {
                if (m.Topic == ReportTopic && ProtocolCodec.TryDecode<InspectionReport>(m.Payload.Span, out var report, out _)) rig._reports.Writer.TryWrite(report!);
                return Task.CompletedTask;
            };
            rig.Fleet.ConnectionChanged += up =>
            {
                if (up) rig._fleetUp.TrySetResult();
            };
            await rig.Fleet.SubscribeAsync(ReportTopic, 1);
            await rig.Fleet.StartAsync(CancellationToken.None).WaitAsync(Generous);
            return rig;
        }

        /// <summary>As the host does: the outbox starts, then the link connects in the background.</summary>
        public async Task StartRobotAsync()
        {
            Broker.Accounts.Remove("robot-" + Serial);
            RobotLink = new MqttLink(new MqttLinkOptions { BrokerUri = Broker.Uri, ClientId = "robot-" + Serial, Username = "robot-" + Serial, Password = Broker.Accounts.Issue("robot-" + Serial, ClientRole.Robot, Serial) }, TimeProvider.System);
            Outbox = new ReportOutbox(Journal, RobotLink, Serial, Resend, Clock, NullLogger<ReportOutbox>.Instance);
            Outbox.AckHandled += (_, outcome) => _acks.Writer.TryWrite(outcome);
            await Outbox.StartAsync(CancellationToken.None);
            RobotLink.StartInBackground();
        }

        public async Task<InspectionReport> NextReportAsync() => await _reports.Reader.ReadAsync().AsTask().WaitAsync(Generous);

        public async Task ReconnectFleetAsync()
        {
            _fleetUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await Broker.DropClientAsync(Fleet.ClientId);
            await _fleetUp.Task.WaitAsync(Generous);
        }

        public Task<AckOutcome> AckAsync(ReportAck ack) => AckRawAsync(ProtocolCodec.Encode(ack));

        public async Task<AckOutcome> AckRawAsync(byte[] payload)
        {
            Assert.True(await Fleet.PublishAsync(new LinkMessage(AckTopic, payload, 1)));
            return await _acks.Reader.ReadAsync().AsTask().WaitAsync(Generous);
        }

        public async ValueTask DisposeAsync()
        {
            if (Outbox is not null) await Outbox.StopAsync(CancellationToken.None);
            if (RobotLink is not null) await RobotLink.DisposeAsync();
            await Fleet.DisposeAsync();
            await Broker.DisposeAsync();
            Journal.Dispose();
            Outbox?.Dispose();
            _store.Dispose();
        }
    }
}
