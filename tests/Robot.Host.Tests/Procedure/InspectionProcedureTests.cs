using System.Text.Json;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Procedure;
using Robot.Host.Tests.Support;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;
using Robot.Simulator.Clock;
using Robot.Simulator.Yard;

namespace Robot.Host.Tests.Procedure;

/// <summary>
/// A noise-free probe over an analytic field: background plus point sources by inverse square,
/// at the probe's true position (robot pose + lateral offset to the left, lift height).
/// Lets the procedure's logic be tested exactly; the physics lives in the simulator's own tests.
/// </summary>
public sealed class FieldProbe(SimWorld world, SimClock clock, double background, params (double X, double Y, double Z, double GammaA)[] sources) : IDoseRateProbe
{
    public const double Offset = 0.45;
    public DetectorStatus Status { get; set; } = DetectorStatus.Ok;
    public string Model => "field";

    public double TrueDose()
    {
        var p = world.Pose;
        var px = p.X.Meters - Math.Sin(p.Heading.Radians) * Offset;
        var py = p.Y.Meters + Math.Cos(p.Heading.Radians) * Offset;
        var pz = world.Lift.Height.Meters;
        return background + sources.Sum(s => s.GammaA / (Math.Pow(s.X - px, 2) + Math.Pow(s.Y - py, 2) + Math.Pow(s.Z - pz, 2)));
    }

    public DoseRateReading Read() => new(clock.Now, TrueDose(), TrueDose() * 1400, Status, (long)(TrueDose() * 1400 * (clock.Now - DateTimeOffset.UnixEpoch).TotalSeconds));
}

public class InspectionProcedureTests
{
    private static MeasurementProfileOptions FastProfile(string mode = "standard") => new()
    {
        WarmUp = TimeSpan.Zero,
        SettleS = 1,
        ReadingIntervalS = 1,
        ReadingsPerPoint = 3,
        PointMode = mode,
        Background = new BackgroundProfileOptions { IntervalS = 1, SettleS = 1 },
    };

    private static ProcedureOptions NearbyBackground() => new() { BackgroundSpotX = -6, BackgroundSpotY = 0 };

    private static Order InspectOrder(RobotRig rig, string number = "CSQU3054383", string type = "20ft", double x = 6, double y = 4, params (string Key, string Json)[] extra)
    {
        var parameters = new List<ActionParameter>
        {
            new() { Key = "containerNumber", Value = JsonDocument.Parse($"\"{number}\"").RootElement },
            new() { Key = "containerType", Value = JsonDocument.Parse($"\"{type}\"").RootElement },
            new() { Key = "x", Value = JsonDocument.Parse(x.ToString(System.Globalization.CultureInfo.InvariantCulture)).RootElement },
            new() { Key = "y", Value = JsonDocument.Parse(y.ToString(System.Globalization.CultureInfo.InvariantCulture)).RootElement },
            new() { Key = "operatorId", Value = JsonDocument.Parse("\"officer-7\"").RootElement },
        };
        parameters.AddRange(extra.Select(e => new ActionParameter { Key = e.Key, Value = JsonDocument.Parse(e.Json).RootElement }));
        var action = new VdaAction { ActionType = "inspectContainer", ActionId = "inspect-1", BlockingType = BlockingType.Hard, ActionParameters = parameters };
        return rig.Order("inspection", 0, RobotRig.Node("here", 0, 0, 0, true, action));
    }

    private static ActionState Action(RobotRig rig) => rig.State().ActionStates.Single(a => a.ActionId == "inspect-1");

    [Fact]
    public async Task Survey_progress_answers_the_points_measured_so_far_and_nothing_when_idle()
    {
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07));
        var idle = rig.Controller.HandleCommand(rig.Command(CommandNames.SurveyProgress));
        Assert.True(idle.Accepted, idle.Message);
        Assert.Empty(idle.Survey!);

        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => rig.Controller.Procedure.Telemetry().PointsDone >= 5, TimeSpan.FromMinutes(20)));
        var response = rig.Controller.HandleCommand(rig.Command(CommandNames.SurveyProgress));
        var telemetry = rig.Controller.Procedure.Telemetry();

        Assert.True(response.Accepted, response.Message);
        Assert.Equal(telemetry.PointsDone, response.Survey!.Count(p => p.Kind is null));
        Assert.Equal(telemetry.LastDoseUSvPerH, response.Survey![^1].DoseRateUSvPerH);
        // Where the robot stood: beside the 20 ft box at (6, 4), not at the origin.
        Assert.All(response.Survey!, p => Assert.True(double.Hypot(p.X - 6, p.Y - 4) < 6, $"{p.PointId} at ({p.X:0.0}, {p.Y:0.0})"));
    }

    [Fact]
    public async Task A_finished_inspection_action_stays_in_state_however_many_watchers_ask_for_the_state()
    {
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07));
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => Action(rig).ActionStatus == ActionStatus.Running, TimeSpan.FromMinutes(5)));
        rig.Controller.HandleInstantActions(rig.Instant("cancelOrder"));
        Assert.True(await rig.RunUntilAsync(() => Action(rig).ActionStatus == ActionStatus.Failed, TimeSpan.FromMinutes(1)));

        // Every phone that opens the robot asks for its state: the order's own result must not be pushed out.
        for (var i = 0; i < 100; i++) rig.Controller.HandleInstantActions(rig.Instant("stateRequest"));

        var states = rig.State().ActionStates;
        Assert.Equal(ActionStatus.Failed, Action(rig).ActionStatus);
        // Only the newest instant actions are kept (the cancelOrder is among the dropped ones).
        Assert.Equal(Robot.Host.Motion.OrderExecutor.MaxRememberedInstantActions, states.Count(a => a.ActionType == "stateRequest"));
        Assert.Equal(Robot.Host.Motion.OrderExecutor.MaxRememberedInstantActions + 1, states.Count);
    }

    [Fact]
    public async Task A_clean_20ft_container_is_surveyed_at_every_point_and_passes()
    {
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07));
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => Action(rig).ActionStatus is ActionStatus.Finished or ActionStatus.Failed, TimeSpan.FromMinutes(30)),
            $"not finished; procedure in {rig.Controller.Procedure.State}");
        var report = Assert.Single(rig.Recorder.Reports);
        Assert.Equal(Verdicts.Pass, report.Verdict);
        Assert.Equal(48, report.PlannedPoints);
        Assert.Equal(48, report.Points.Count(p => p.Kind is null));
        Assert.All(report.Points, p => Assert.Equal(3, p.Readings.Count));
        Assert.Equal(0.07, report.Background!.DoseRateUSvPerH, 6);
        Assert.Equal(ActionStatus.Finished, Action(rig).ActionStatus);
        Assert.Contains("PASS", Action(rig).ResultDescription);
        Assert.Equal(LampColor.Green, rig.World.Alarm.Lamp);
        Assert.Equal(report.ReportHash, rig.Controller.Procedure.LastReport!.ReportHash);
        // Every reading was journaled as it was taken: background readings plus three per point.
        Assert.Equal(5 + 48 * 3, rig.Recorder.Readings.Count);
    }

    [Fact]
    public async Task A_hot_source_is_confirmed_localised_and_alarmed()
    {
        // A Cs-137 point of about 4 MBq (Γ·A ≈ 0.37 µSv·m²/h) 0.4 m inside the left wall of a 20 ft box centred at (6, 4).
        var source = (X: 7.3, Y: 4 + 1.219 - 0.4, Z: 1.3, GammaA: 0.37);
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07, source));
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => Action(rig).ActionStatus is ActionStatus.Finished or ActionStatus.Failed, TimeSpan.FromMinutes(40)));
        var report = Assert.Single(rig.Recorder.Reports);
        Assert.True(report.Verdict == Verdicts.Exceeds, $"{report.Verdict}: {report.VerdictReason}");
        Assert.Contains(report.Points, p => p.Kind == "remeasure" && p.Decision == "exceeds");
        Assert.Contains(report.Points, p => p.Kind == "refine");
        // One hot spot over the limit; the faces the source shines through to are raised areas of their own.
        var spot = Assert.Single(report.HotSpots, h => h.Decision == PointDecisions.Exceeds);
        Assert.Equal("left", spot.Face);
        // The probe's position at the hot spot is within 0.5 m of the source's projection on the wall.
        Assert.InRange(Math.Abs(spot.X - source.X), 0, 0.5);
        Assert.InRange(spot.Y - source.Y, 0.4, 0.65); // the probe stands 0.10 m outside the wall, the source 0.4 m inside
        Assert.InRange(spot.HeightM, 0.8, 1.8);
        Assert.Equal(LampColor.Red, rig.World.Alarm.Lamp);
        Assert.True(rig.World.Alarm.BuzzerOn);

        // Telemetry tells clients the alarm sounds and the line the robot decided by, until someone silences it.
        var telemetry = rig.Controller.BuildTelemetry(1);
        Assert.True(telemetry.AlarmOn);
        Assert.Equal(report.ThresholdUSvPerH!.Value, telemetry.Procedure!.ThresholdUSvPerH!.Value, 4);
        Assert.Equal(report.Background!.DoseRateUSvPerH + FastProfile().LimitUSvPerH, telemetry.Procedure.ThresholdUSvPerH!.Value, 4);
        Assert.True(rig.Controller.HandleCommand(rig.Command(CommandNames.SilenceAlarm)).Accepted);
        Assert.False(rig.Controller.BuildTelemetry(2).AlarmOn);
        Assert.Equal(LampColor.Red, rig.World.Alarm.Lamp);
    }

    [Fact]
    public async Task A_detector_fault_mid_survey_makes_the_report_invalid_with_its_readings()
    {
        FieldProbe? probe = null;
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => probe = new FieldProbe(w, c, 0.07));
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => rig.Controller.Procedure.Telemetry().PointsDone >= 10, TimeSpan.FromMinutes(20)));
        probe!.Status = DetectorStatus.Fault;
        Assert.True(await rig.RunUntilAsync(() => Action(rig).ActionStatus is ActionStatus.Finished or ActionStatus.Failed, TimeSpan.FromMinutes(5)));
        var report = Assert.Single(rig.Recorder.Reports);
        Assert.Equal(Verdicts.Invalid, report.Verdict);
        Assert.Contains("detector", report.VerdictReason);
        Assert.True(report.Points.Count >= 10);
        Assert.Equal(ActionStatus.Failed, Action(rig).ActionStatus);
    }

    [Fact]
    public async Task An_expired_calibration_refuses_the_inspection_without_measuring()
    {
        var expired = new InstrumentOptions { CalibrationValidUntil = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) };
        await using var rig = new RobotRig(profile: FastProfile(), instrument: expired, procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07));
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => Action(rig).ActionStatus is ActionStatus.Failed or ActionStatus.Finished, TimeSpan.FromMinutes(1)));
        var report = Assert.Single(rig.Recorder.Reports);
        Assert.Equal(Verdicts.Invalid, report.Verdict);
        Assert.Contains("calibration expired", report.VerdictReason);
        Assert.Empty(report.Points);
        Assert.Equal(0, rig.World.Odometer, 6);
    }

    [Fact]
    public async Task Cancel_mid_survey_files_an_invalid_report_never_a_pass()
    {
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07));
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => rig.Controller.Procedure.Telemetry().PointsDone >= 5, TimeSpan.FromMinutes(20)));
        rig.Controller.HandleInstantActions(rig.Instant("cancelOrder"));
        Assert.True(await rig.RunUntilAsync(() => rig.Recorder.Reports.Count == 1 && rig.Controller.Procedure.State == ProcedureState.Idle, TimeSpan.FromMinutes(1)));
        var report = rig.Recorder.Reports[0];
        Assert.Equal(Verdicts.Invalid, report.Verdict);
        Assert.Contains("cancelled", report.VerdictReason);
    }

    [Fact]
    public async Task Pause_holds_the_survey_and_resume_completes_it()
    {
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground(), probe: (w, c) => new FieldProbe(w, c, 0.07));
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => rig.Controller.Procedure.Telemetry().PointsDone >= 7, TimeSpan.FromMinutes(20)));
        rig.Controller.HandleInstantActions(rig.Instant("startPause"));
        Assert.True(await rig.RunUntilAsync(() => rig.Controller.Procedure.State == ProcedureState.Paused, TimeSpan.FromSeconds(5)));
        var done = rig.Controller.Procedure.Telemetry().PointsDone;
        await rig.RunUntilAsync(() => false, TimeSpan.FromMinutes(2));
        Assert.Equal(done, rig.Controller.Procedure.Telemetry().PointsDone);
        rig.Controller.HandleInstantActions(rig.Instant("stopPause"));
        Assert.True(await rig.RunUntilAsync(() => Action(rig).ActionStatus is ActionStatus.Finished or ActionStatus.Failed, TimeSpan.FromMinutes(30)));
        Assert.Equal(Verdicts.Pass, rig.Recorder.Reports.Single().Verdict);
    }

    [Fact]
    public async Task Link_loss_holds_then_the_failsafe_holds_until_an_explicit_resume()
    {
        var options = NearbyBackground();
        options.LinkLossGrace = TimeSpan.FromSeconds(10);
        await using var rig = new RobotRig(profile: FastProfile(), procedure: options, probe: (w, c) => new FieldProbe(w, c, 0.07));
        Assert.Null(rig.Controller.HandleOrder(InspectOrder(rig)));
        Assert.True(await rig.RunUntilAsync(() => rig.Controller.Procedure.Telemetry().PointsDone >= 4, TimeSpan.FromMinutes(20)));
        rig.Controller.SetBrokerLink(false);
        Assert.True(await rig.RunUntilAsync(() => rig.Controller.Procedure.State == ProcedureState.HoldingOnLinkLoss, TimeSpan.FromSeconds(2)));
        Assert.Contains(rig.State().Errors, e => e.ErrorType == "inspectionHeldLinkLost");
        Assert.True(await rig.RunUntilAsync(() => rig.Controller.Procedure.State == ProcedureState.Paused, TimeSpan.FromSeconds(15)));
        rig.Controller.SetBrokerLink(true); // the link is back, but the failsafe hold needs an explicit resume
        await rig.RunUntilAsync(() => false, TimeSpan.FromSeconds(30));
        Assert.Equal(ProcedureState.Paused, rig.Controller.Procedure.State);
        Assert.Contains(rig.State().Errors, e => e.ErrorType == "inspectionFailsafeHold");
        rig.Controller.HandleInstantActions(rig.Instant("startPause"));
        rig.Controller.HandleInstantActions(rig.Instant("stopPause"));
        Assert.True(await rig.RunUntilAsync(() => Action(rig).ActionStatus is ActionStatus.Finished or ActionStatus.Failed, TimeSpan.FromMinutes(30)));
        Assert.Equal(Verdicts.Pass, rig.Recorder.Reports.Single().Verdict);
    }

    [Fact]
    public async Task A_bad_container_number_refuses_the_order_with_the_reason()
    {
        await using var rig = new RobotRig(profile: FastProfile(), procedure: NearbyBackground());
        var error = rig.Controller.HandleOrder(InspectOrder(rig, number: "CSQU3054384"));
        Assert.NotNull(error);
        Assert.Contains("check digit", error!.Message);
        Assert.Equal("", rig.State().OrderId);
    }
}
