using System.Security.Cryptography;
using System.Text.Json;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;
using Robot.SystemTests.Support;

namespace Robot.SystemTests;

/// <summary>An inspection started and followed through the protocol only, as a fleet manager or the phone would.</summary>
public class InspectionOverTheWireTests
{
    private static void FastProfile(Robot.Simulator.Composition.SimulatedRobotOptions o)
    {
        o.Config["Measurement:Profile:SettleS"] = "1";
        o.Config["Measurement:Profile:ReadingIntervalS"] = "1";
        o.Config["Measurement:Profile:ReadingsPerPoint"] = "3";
        o.Config["Measurement:Profile:Background:IntervalS"] = "1";
        o.Config["Measurement:Profile:Background:SettleS"] = "1";
        o.Config["Procedure:BackgroundSpotX"] = "-5";
        o.Config["Procedure:BackgroundSpotY"] = "0";
    }

    private static string Order(SystemRig rig, string number) => $$"""
        {"headerId":1,"timestamp":"{{rig.Stamp}}","version":"2.1.0","manufacturer":"{{SystemRig.Manufacturer}}","serialNumber":"{{rig.Serial}}",
         "orderId":"inspect-1","orderUpdateId":0,
         "nodes":[{"nodeId":"start","sequenceId":0,"released":true,"nodePosition":{"x":0,"y":0,"mapId":"yard"},
                   "actions":[{"actionType":"inspectContainer","actionId":"insp-1","blockingType":"HARD","actionParameters":[
                     {"key":"containerNumber","value":"{{number}}"},{"key":"containerType","value":"20ft"},
                     {"key":"x","value":6.0},{"key":"y","value":5.0},{"key":"theta","value":0.0},{"key":"operatorId","value":"officer-7"}]}]}],
         "edges":[]}
        """;

    [Fact]
    public async Task A_clean_container_inspected_over_the_protocol_passes_and_its_report_can_be_fetched_and_verified()
    {
        await using var rig = await SystemRig.StartAsync(BrokerKind.Embedded, FastProfile, speedup: 50);
        await rig.Probe.PublishAsync(rig.Vda(MessageKind.Order), Order(rig, "CSQU3054383"));
        await rig.Probe.WaitForAsync<State>("/state", s => s.ActionStates.Any(a => a.ActionId == "insp-1" && a.ActionStatus == ActionStatus.Running));
        await rig.Probe.WaitForAsync<Telemetry>("/telemetry", t => t.Procedure is { PointsDone: > 0, PointsPlanned: 48 }, TimeSpan.FromSeconds(60));
        var done = await rig.Probe.WaitForAsync<State>("/state",
            s => s.ActionStates.Any(a => a.ActionId == "insp-1" && a.ActionStatus is ActionStatus.Finished or ActionStatus.Failed), TimeSpan.FromSeconds(120));
        var action = done.ActionStates.Single(a => a.ActionId == "insp-1");
        Assert.True(action.ActionStatus == ActionStatus.Finished, action.ResultDescription);
        Assert.StartsWith("PASS report R-", action.ResultDescription);
        await rig.Probe.WaitForAsync<RobotEvent>("/events", e => e.Kind == "pass");

        var list = await rig.CommandAsync(CommandNames.ListReports);
        var summary = Assert.Single(list.Reports!);
        Assert.Equal("CSQU3054383", summary.ContainerNumber);
        var fetched = await rig.CommandAsync(CommandNames.GetReport, reportId: summary.ReportId);
        var report = fetched.Report!;
        Assert.Equal(48, report.Points.Count(p => p.Kind is null));
        Assert.Equal(Verdicts.Pass, report.Verdict);
        // Anyone can check the hash: SHA-256 of the canonical JSON without the hash field.
        // As an outside verifier does (docs/records.md): the hash covers the report without its seal (hash, signature, key id).
        Assert.NotNull(report.Signature);
        var hash = Convert.ToHexStringLower(SHA256.HashData(ProtocolCodec.Encode(report with { ReportHash = null, Signature = null, SigningKeyId = null })));
        Assert.Equal(report.ReportHash, hash);
        Assert.Equal(summary.ReportHash, hash);

        var missing = await rig.CommandAsync(CommandNames.GetReport, reportId: "R-nope");
        Assert.False(missing.Accepted);
        Assert.Equal(ProtocolErrorCode.NotFound, missing.Code);
    }

    [Fact]
    public async Task A_wrong_check_digit_refuses_the_order_and_nothing_moves()
    {
        await using var rig = await SystemRig.StartAsync(BrokerKind.Embedded, FastProfile);
        var mark = rig.Probe.Mark();
        await rig.Probe.PublishAsync(rig.Vda(MessageKind.Order), Order(rig, "CSQU3054384"));
        var state = await rig.Probe.WaitForAsync<State>("/state", s => s.Errors.Any(e => e.ErrorDescription?.Contains("check digit") == true), after: mark);
        Assert.Equal("", state.OrderId);
        await rig.VirtualDelayAsync(TimeSpan.FromSeconds(2));
        Assert.Equal(0, rig.Robot.World.Odometer, 6);
    }
}
