using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Robot.Host.Configuration;
using Robot.Host.Link;
using Robot.Host.Procedure;
using Robot.Host.Tests.Support;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Host.Tests.Link;

/// <summary>
/// Issue 11: every message was handled one at a time, each command waiting for its reply's broker
/// acknowledgement, so a burst delayed an e-stop by up to 1.7 s. The bridge's intake (the link's
/// message handler, called here as the link calls it) latches an e-stop at once while the worker is
/// held on a gate with its queue full. No clock is read: the gate, not time, keeps the flood queued.
/// </summary>
public sealed class EmergencyStopUnderFloodTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly RobotRig _rig = new();
    private readonly GatedRecorder _recorder = new();
    private readonly FailOnErrorLogger<ProtocolBridge> _log = new();
    private MqttLink _link = null!;
    private ProtocolBridge _bridge = null!;
    private Func<LinkMessage, Task> _intake = null!;
    private int _ids;

    public async Task InitializeAsync()
    {
        // Never connected (nothing listens on port 1): replies go nowhere, which is all the intake needs.
        _link = new MqttLink(new MqttLinkOptions { BrokerUri = new Uri("mqtt://127.0.0.1:1"), ClientId = "robot-" + RobotRig.Serial }, TimeProvider.System);
        _bridge = new ProtocolBridge(_link, _rig.Controller, _rig.Hardware, new JournalWriter(_recorder, NullLogger.Instance),
            Options.Create(new RobotIdentityOptions { SerialNumber = RobotRig.Serial, Manufacturer = RobotRig.Manufacturer }),
            Options.Create(_rig.Safety), Options.Create(new TelemetryOptions()), _rig.Clock.Time, _log);
        await _bridge.StartAsync(CancellationToken.None);
        _intake = _link.MessageReceived!;
    }

    public async Task DisposeAsync()
    {
        _recorder.Open();
        await _bridge.StopAsync(CancellationToken.None);
        _bridge.Dispose();
        await _link.DisposeAsync();
        await _rig.DisposeAsync();
        _log.AssertNoErrors();
    }

    private static string Topic(MessageKind kind) => TopicScheme.For(RobotRig.Manufacturer, RobotRig.Serial, kind);

    private LinkMessage Command(CommandRequest request) =>
        new(Topic(MessageKind.Command), ProtocolCodec.Encode(request), 1) { ResponseTopic = "robot/v1/clients/op1/responses", CorrelationData = BitConverter.GetBytes(Interlocked.Increment(ref _ids)) };

    /// <summary>Hold the worker on the journal (a listReports query), then fill the queue past its bound.</summary>
    private async Task HoldTheWorkerAndFloodAsync(int flood)
    {
        await _intake(Command(_rig.Command(CommandNames.ListReports)));
        await _recorder.Entered.WaitAsync(Patience);
        for (var i = 0; i < flood; i++)
        {
            var message = (i % 5) switch
            {
                0 => new LinkMessage(Topic(MessageKind.Teleop), ProtocolCodec.Encode(_rig.Teleop(0.5, ttlMs: 300))),
                1 => Command(_rig.Command(CommandNames.Status)),
                2 => new LinkMessage(Topic(MessageKind.Order), Encoding.UTF8.GetBytes("{not json"), 1),
                3 => new LinkMessage(Topic(MessageKind.InstantActions), ProtocolCodec.Encode(_rig.Instant("stateRequest")), 1),
                _ => Command(_rig.Command(CommandNames.LiftTo, height: 0.5)) with { Payload = Encoding.UTF8.GetBytes("{\"commandId\":42}") },
            };
            // The link awaits its handler: a handler that waited on the worker would never come back here.
            var handled = _intake(message);
            Assert.True(handled.IsCompleted, $"the intake waited on message {i}");
            await handled;
        }
    }

    [Fact]
    public async Task An_emergency_stop_is_latched_at_the_drive_outputs_before_a_full_intake_queue_drains()
    {
        Assert.Null(_rig.Controller.HandleTeleop(_rig.Teleop(0.5, ttlMs: 300)));
        _rig.AdvanceMs(40);
        Assert.False(_rig.World.Drive.Command.OutputsOff);

        await HoldTheWorkerAndFloodAsync(10_000);
        Assert.True(_bridge.IntakeRefused > 0, "the flood did not fill the intake queue");

        var stop = _intake(Command(_rig.Command(CommandNames.EmergencyStop)));

        Assert.True(stop.IsCompleted);
        var drive = _rig.World.Drive.Command;
        Assert.True(drive.OutputsOff, "the drive outputs are still on while the flood waits in the queue");
        Assert.Equal(0, drive.Linear);
        Assert.Equal(EStopState.Remote, _rig.State().SafetyState.EStop);
        // Still held: the stop did not wait for the flood.
        Assert.False(_recorder.IsOpen);
        Assert.Equal(1, _recorder.Queries);
    }

    [Fact]
    public async Task A_reset_queued_before_an_emergency_stop_does_not_undo_it()
    {
        await HoldTheWorkerAndFloodAsync(0);
        await _intake(Command(_rig.Command(CommandNames.ResetEmergencyStop)));
        await _intake(Command(_rig.Command(CommandNames.EmergencyStop)));
        Assert.True(_rig.World.Drive.Command.OutputsOff);

        _recorder.Open(); // the worker now handles the older reset
        var refused = false;
        for (var end = DateTime.UtcNow + Patience; !refused && DateTime.UtcNow < end; await Task.Delay(10))
            refused = _rig.State().Errors.Any(e => e.ErrorType == ProtocolErrorCode.EmergencyStopActive);
        Assert.True(refused, "the reset sent before the stop was not refused");

        Assert.Equal(EStopState.Remote, _rig.State().SafetyState.EStop);
        Assert.True(_rig.World.Drive.Command.OutputsOff);
    }

    [Fact]
    public async Task A_payload_over_the_limit_is_refused_by_its_length_alone()
    {
        await _intake(new LinkMessage(Topic(MessageKind.Order), ReadOnlyMemory<byte>.Empty, 1) { DroppedPayloadLength = 10_000_000 });
        var found = false;
        for (var end = DateTime.UtcNow + Patience; !found && DateTime.UtcNow < end; await Task.Delay(10))
            found = _rig.State().Errors.Any(e => e.ErrorType == ProtocolErrorCode.PayloadTooLarge && e.ErrorDescription?.Contains("10000000", StringComparison.Ordinal) == true);
        Assert.True(found, "the oversized order was not refused as too large");
        Assert.False(_rig.Controller.HasActiveOrder);
        // The bridge hands its limit to the link, which checks it before copying a payload.
        Assert.Equal(new TelemetryOptions().MaxPayloadBytes, _link.MaxInboundPayloadBytes);
    }

    /// <summary>An in-memory journal whose report queries wait on a gate the test opens.</summary>
    private sealed class GatedRecorder : IInspectionRecorder
    {
        private readonly InMemoryRecorder _inner = new();
        private readonly ManualResetEventSlim _gate = new(false);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _queries;

        public Task Entered => _entered.Task;
        public bool IsOpen => _gate.IsSet;
        public int Queries => Volatile.Read(ref _queries);
        public void Open() => _gate.Set();

        public IReadOnlyList<InspectionReport> RecentReports(int limit)
        {
            Interlocked.Increment(ref _queries);
            _entered.TrySetResult();
            _gate.Wait();
            return _inner.RecentReports(limit);
        }

        public void StartInspection(string inspectionId, ContainerInfo container, string operatorId, InstrumentInfo instrument, ProfileInfo profile, DateTimeOffset startedAt) =>
            _inner.StartInspection(inspectionId, container, operatorId, instrument, profile, startedAt);
        public void SetPlannedPoints(string inspectionId, int plannedPoints) => _inner.SetPlannedPoints(inspectionId, plannedPoints);
        public void AppendReading(string inspectionId, string pointId, RawReading reading, MeasurementPose pose) => _inner.AppendReading(inspectionId, pointId, reading, pose);
        public void AppendBackground(string inspectionId, BackgroundResult background) => _inner.AppendBackground(inspectionId, background);
        public void AppendPoint(string inspectionId, PointResult point) => _inner.AppendPoint(inspectionId, point);
        public InspectionReport FileReport(InspectionReport draft) => _inner.FileReport(draft);
        public InspectionReport? FindReport(string reportId) => _inner.FindReport(reportId);
    }
}
