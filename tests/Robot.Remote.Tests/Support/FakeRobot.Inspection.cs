using System.Security.Cryptography;
using System.Threading.Channels;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Remote.Tests.Support;

// The inspection side of the fake robot: orders and acks received, one canned report, and an
// inspection played on demand through telemetry and state as the real robot reports it.
internal sealed partial class FakeRobot
{
    public const string ReportId = "R-000012";

    public Channel<(string Topic, Order Order)> Orders { get; } = Channel.CreateUnbounded<(string, Order)>();
    public Channel<ReportAck> Acks { get; } = Channel.CreateUnbounded<ReportAck>();
    /// <summary>What listReports and getReport answer from (sealed with its hash; tests may tamper with it).</summary>
    public InspectionReport Report { get; set; }
    /// <summary>What surveyProgress answers: the running inspection's points so far.</summary>
    public IReadOnlyList<MeasuredPoint> Survey { get; set; } = [];

    /// <summary>One telemetry step of a played inspection.</summary>
    public sealed record Step(int PointsDone, int PointsPlanned, string? CurrentPoint, double? LastDoseUSvPerH, string State = "Measuring");

    private CommandResponse DefaultAnswer(CommandRequest request) => request.Command switch
    {
        CommandNames.Status => Accept(request, SampleStatus(SerialNumber)),
        CommandNames.ListReports => Accept(request) with { Reports = [Summary(Report)] },
        CommandNames.GetReport when request.ReportId == Report.ReportId => Accept(request) with { Report = Report },
        CommandNames.GetReport => Refuse(request, "notFound", $"no report {request.ReportId}"),
        CommandNames.SurveyProgress => Accept(request) with { Survey = Survey },
        _ => Accept(request),
    };

    /// <summary>
    /// Play an inspection of <paramref name="order"/>'s action: RUNNING in state, one telemetry per
    /// step, then the action FINISHED (or FAILED) with <paramref name="result"/> as its resultDescription.
    /// </summary>
    public async Task PlayInspectionAsync(Order order, IEnumerable<Step> steps, bool finished, string result)
    {
        var action = order.Nodes[0].Actions[0];
        await PublishStateAsync(order.OrderId, [new ActionState { ActionId = action.ActionId, ActionType = action.ActionType, ActionStatus = ActionStatus.Running, ResultDescription = "started" }], []);
        var container = action.ActionParameters!.Single(p => p.Key == "containerNumber").Value.GetString();
        foreach (var step in steps)
        {
            await PublishAsync(TopicScheme.Extension(SerialNumber, MessageKind.Telemetry), SampleTelemetry(SerialNumber) with
            {
                Activity = "order",
                Procedure = new ProcedureTelemetry
                {
                    State = step.State,
                    // The idle procedure has no run, so no container number (as the robot reports it).
                    ContainerNumber = step.State == "Idle" ? null : container,
                    PointsDone = step.PointsDone,
                    PointsPlanned = step.PointsPlanned,
                    CurrentPoint = step.CurrentPoint,
                    LastDoseUSvPerH = step.LastDoseUSvPerH,
                },
            });
        }
        await PublishStateAsync(order.OrderId, [new ActionState
        {
            ActionId = action.ActionId,
            ActionType = action.ActionType,
            ActionStatus = finished ? ActionStatus.Finished : ActionStatus.Failed,
            ResultDescription = result,
        }], []);
    }

    /// <summary>Refuse an order as the robot does: an input error in state.errors naming the topic and the order id.</summary>
    public Task RefuseOrderAsync(string orderId, string errorType, string description) =>
        PublishStateAsync("", [], [new VdaError
        {
            ErrorType = errorType,
            ErrorLevel = ErrorLevel.Warning,
            ErrorDescription = description,
            ErrorReferences =
            [
                new ErrorReference { ReferenceKey = "topic", ReferenceValue = "order" },
                new ErrorReference { ReferenceKey = "id", ReferenceValue = orderId },
                new ErrorReference { ReferenceKey = "field", ReferenceValue = "$.nodes[0]" },
            ],
        }]);

    /// <summary>Every order and instantActions payload exactly as it came over the wire (for the schema checks).</summary>
    public Channel<(string Topic, string Json)> Raw { get; } = Channel.CreateUnbounded<(string, string)>();
    public Channel<InstantActions> InstantActions { get; } = Channel.CreateUnbounded<InstantActions>();
    /// <summary>Every stateRequest instant action, as it came over the wire.</summary>
    public Channel<(string Topic, string Json)> StateRequests { get; } = Channel.CreateUnbounded<(string, string)>();
    /// <summary>Answer a stateRequest with <see cref="SampleState"/>, as the robot publishes its state at once; off: only recorded.</summary>
    public bool AnswerStateRequests { get; set; }
    /// <summary>Take every order at once (state names it as running); off: orders are only recorded.</summary>
    public bool AnswerOrders { get; set; }
    /// <summary>The order the fake robot runs ("" when none): cancelOrder without one FAILS as the robot's does.</summary>
    public string RunningOrderId { get; private set; } = "";

    private Task<bool> AnswerOrderAsync(Order order)
    {
        RunningOrderId = order.OrderId;
        return PublishStateAsync(order.OrderId, [], []);
    }

    /// <summary>As the robot: startPause and stopPause FINISH; cancelOrder FINISHES, or FAILS with noOrderToCancel when no order runs.</summary>
    private Task<bool> AnswerInstantActionsAsync(InstantActions message)
    {
        var states = new List<ActionState>();
        var errors = new List<VdaError>();
        foreach (var a in message.Actions)
        {
            var failed = a.ActionType == "cancelOrder" && RunningOrderId.Length == 0;
            states.Add(new ActionState
            {
                ActionId = a.ActionId,
                ActionType = a.ActionType,
                ActionStatus = failed ? ActionStatus.Failed : ActionStatus.Finished,
                ResultDescription = failed ? "no order to cancel" : a.ActionType switch { "startPause" => "paused", "stopPause" => "resumed", _ => "order cancelled" },
            });
            if (failed)
            {
                errors.Add(new VdaError
                {
                    ErrorType = "noOrderToCancel",
                    ErrorLevel = ErrorLevel.Warning,
                    ErrorDescription = "cancelOrder received with no order running",
                    ErrorReferences = [new ErrorReference { ReferenceKey = "actionId", ReferenceValue = a.ActionId }],
                });
            }
            if (a.ActionType == "cancelOrder") RunningOrderId = "";
        }
        return PublishStateAsync(RunningOrderId, states, errors);
    }

    private Task<bool> PublishStateAsync(string orderId, IReadOnlyList<ActionState> actions, IReadOnlyList<VdaError> errors) =>
        PublishAsync(TopicScheme.Vda(Manufacturer, SerialNumber, MessageKind.State), SampleState() with
        {
            OrderId = orderId,
            Driving = false,
            ActionStates = actions,
            Errors = errors,
        });

    /// <summary>The hash as the robot computes it: SHA-256 of the codec's JSON without reportHash.</summary>
    public static InspectionReport Sealed(InspectionReport report)
    {
        var unsealed = report with { ReportHash = null };
        return unsealed with { ReportHash = Convert.ToHexStringLower(SHA256.HashData(ProtocolCodec.Encode(unsealed))) };
    }

    public static ReportSummary Summary(InspectionReport r) => new()
    {
        ReportId = r.ReportId,
        Sequence = r.Sequence,
        ContainerNumber = r.Container.Number,
        Verdict = r.Verdict,
        VerdictReason = r.VerdictReason,
        FinishedAt = r.FinishedAt,
        ReportHash = r.ReportHash ?? "",
    };

    public static InspectionReport SampleReport(string serialNumber)
    {
        var started = new DateTimeOffset(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
        MeasurementPose At(double x, double height) => new() { X = x, Y = 1.3, Theta = 0, HeightM = height, WallDistanceM = 0.1 };
        RawReading[] Readings(double raw) => [new RawReading { T = started.AddMinutes(5), RawUSvPerH = raw, Cps = 30 }];
        PointResult Point(string id, double along, double height, double dose, string decision, string? kind = null) => new()
        {
            PointId = id,
            Face = "right",
            AlongM = along,
            HeightM = height,
            Pose = At(along, height),
            Readings = Readings(dose),
            MeanRawUSvPerH = dose,
            StandardErrorUSvPerH = 0.004,
            DoseRateUSvPerH = dose,
            NetUSvPerH = dose - 0.071,
            Decision = decision,
            Mode = "standard",
            DecisionBasis = "mean of 1 reading",
            DwellS = 10,
            Kind = kind,
        };
        return Sealed(new InspectionReport
        {
            ReportId = ReportId,
            Sequence = 12,
            InspectionId = "insp-0012",
            SerialNumber = serialNumber,
            Container = new ContainerInfo { Number = "CSQU3054383", Type = ContainerTypes.Forty, X = 30.5, Y = -12, Theta = 1.5 },
            OperatorId = "officer-7",
            StartedAt = started,
            FinishedAt = started.AddMinutes(42),
            Instrument = new InstrumentInfo
            {
                Model = "FH40G",
                SerialNumber = "D-4711",
                K1 = 1.02,
                K2 = 0.98,
                K3 = 1,
                CosmicResponseUSvPerH = 0.011,
                CalibrationCertificate = "CAL-2026-031",
                CalibrationValidUntil = new DateTimeOffset(2027, 1, 31, 0, 0, 0, TimeSpan.Zero),
            },
            Profile = new ProfileInfo { Name = "snt0570", Version = "v3", PointMode = "standard", LimitUSvPerH = 0.1 },
            Background = new BackgroundResult
            {
                Pose = At(0, 1),
                Readings = Readings(0.07),
                MeanRawUSvPerH = 0.07,
                StandardErrorUSvPerH = 0.002,
                DoseRateUSvPerH = 0.071,
                Attempts = 1,
                MeasuredAt = started.AddMinutes(2),
            },
            ThresholdUSvPerH = 0.171,
            Points =
            [
                Point("right-01-h0.5", 0.5, 0.5, 0.073, PointDecisions.Clear),
                Point("right-02-h1.3", 1.5, 1.3, 0.412, PointDecisions.Exceeds),
                Point("right-02-h1.3-c", 1.5, 1.3, 0.405, PointDecisions.Exceeds, "confirmation"),
            ],
            PlannedPoints = 48,
            Verdict = Verdicts.Exceeds,
            VerdictReason = "right-02-h1.3 exceeds 0.171 µSv/h twice",
            HotSpots = [new HotSpot { Face = "right", AlongM = 1.75, HeightM = 1.2, X = 31.2, Y = -10.7, DoseRateUSvPerH = 0.431, NetUSvPerH = 0.36 }],
            PreviousReportHash = new string('a', 64),
        });
    }
}
