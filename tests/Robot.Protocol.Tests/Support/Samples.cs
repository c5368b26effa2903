using System.Text.Json;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Protocol.Tests.Support;

/// <summary>Fully populated, realistic instances of every wire message (every optional field set).</summary>
internal static class Samples
{
    public const string Manufacturer = "PortRad";
    public const string Serial = "RIR-0007";
    public const string MapId = "yard-east";

    /// <summary>A time with a sub-millisecond part, to prove the encoder cuts it to milliseconds.</summary>
    public static readonly DateTimeOffset Now = new DateTimeOffset(2026, 11, 26, 21, 28, 36, 123, TimeSpan.Zero).AddTicks(4567);

    /// <summary>The same instant at +08:00, to prove the encoder writes UTC.</summary>
    public static readonly DateTimeOffset NowLocal = Now.ToOffset(TimeSpan.FromHours(8));

    public static string VdaTopic(MessageKind kind) => TopicScheme.Vda(Manufacturer, Serial, kind);

    public static string ExtTopic(MessageKind kind) => TopicScheme.Extension(Serial, kind);

    private static JsonElement Json(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.Clone();
    }

    public static Connection Connection() => new()
    {
        HeaderId = 17,
        Timestamp = NowLocal,
        Version = TopicScheme.VdaProtocolVersion,
        Manufacturer = Manufacturer,
        SerialNumber = Serial,
        ConnectionState = ConnectionState.Online,
    };

    public static VdaAction MeasureAction(string id, BlockingType blocking) => new()
    {
        ActionType = "inspectContainer",
        ActionId = id,
        ActionDescription = "Survey the container wall at the configured points",
        BlockingType = blocking,
        ActionParameters =
        [
            new ActionParameter { Key = "containerNumber", Value = Json("\"MSKU9070323\"") },
            new ActionParameter { Key = "probeHeightsM", Value = Json("[0.5, 1.3, 2.1]") },
            new ActionParameter { Key = "standoffM", Value = Json("0.1") },
            new ActionParameter { Key = "sequential", Value = Json("true") },
            new ActionParameter { Key = "profile", Value = Json("{\"name\":\"snt0570-2007\",\"revision\":2}") },
        ],
    };

    public static InstantActions InstantActions() => new()
    {
        HeaderId = 4,
        Timestamp = Now,
        Version = TopicScheme.VdaProtocolVersion,
        Manufacturer = Manufacturer,
        SerialNumber = Serial,
        Actions =
        [
            new VdaAction { ActionType = "cancelOrder", ActionId = "ia-0001", ActionDescription = "operator cancelled", BlockingType = BlockingType.Hard },
            MeasureAction("ia-0002", BlockingType.Soft),
            new VdaAction
            {
                ActionType = "liftTo",
                ActionId = "ia-0003",
                BlockingType = BlockingType.None,
                ActionParameters = [new ActionParameter { Key = "heightM", Value = Json("1.25") }],
            },
        ],
    };

    public static Order Order() => new()
    {
        HeaderId = 42,
        Timestamp = Now,
        Version = TopicScheme.VdaProtocolVersion,
        Manufacturer = Manufacturer,
        SerialNumber = Serial,
        OrderId = "insp-2026-11-26-0042",
        OrderUpdateId = 3,
        ZoneSetId = "customs-lane-2",
        Nodes =
        [
            new Node
            {
                NodeId = "park",
                SequenceId = 0,
                NodeDescription = "parking bay",
                Released = true,
                NodePosition = new NodePosition
                {
                    X = 12.5, Y = -3.25, Theta = 1.5707963, AllowedDeviationXY = 0.05, AllowedDeviationTheta = 0.1,
                    MapId = MapId, MapDescription = "east yard, lanes 1-4",
                },
                Actions = [],
            },
            new Node
            {
                NodeId = "bay-07",
                SequenceId = 2,
                NodeDescription = "container bay 7",
                Released = true,
                NodePosition = new NodePosition
                {
                    X = 48.0, Y = 11.75, Theta = -3.14159, AllowedDeviationXY = 0.1, AllowedDeviationTheta = 0.05,
                    MapId = MapId, MapDescription = "east yard, lanes 1-4",
                },
                Actions = [MeasureAction("act-bay07-inspect", BlockingType.Hard)],
            },
        ],
        Edges =
        [
            new Edge
            {
                EdgeId = "park-bay-07",
                SequenceId = 1,
                EdgeDescription = "lane 2 northbound",
                Released = true,
                StartNodeId = "park",
                EndNodeId = "bay-07",
                MaxSpeed = 1.2,
                MaxHeight = 2.5,
                MinHeight = 0.2,
                Orientation = 0.0,
                OrientationType = "TANGENTIAL",
                Direction = "straight",
                RotationAllowed = true,
                MaxRotationSpeed = 0.8,
                Length = 37.9,
                Trajectory = new Trajectory
                {
                    Degree = 2,
                    KnotVector = [0, 0, 0, 0.5, 1, 1, 1],
                    ControlPoints =
                    [
                        new ControlPoint { X = 12.5, Y = -3.25, Weight = 1 },
                        new ControlPoint { X = 30, Y = -3.25, Weight = 0.7 },
                        new ControlPoint { X = 48, Y = 5, Weight = 1 },
                        new ControlPoint { X = 48, Y = 11.75 },
                    ],
                },
                Corridor = new Corridor { LeftWidth = 0.5, RightWidth = 0.75, CorridorRefPoint = "KINEMATICCENTER" },
                Actions = [new VdaAction { ActionType = "beep", ActionId = "act-edge-beep", BlockingType = BlockingType.None }],
            },
        ],
    };

    public static State State() => new()
    {
        HeaderId = 1234,
        Timestamp = NowLocal,
        Version = TopicScheme.VdaProtocolVersion,
        Manufacturer = Manufacturer,
        SerialNumber = Serial,
        Maps = [new MapInfo { MapId = MapId, MapVersion = "2026.11.1", MapDescription = "east yard", MapStatus = MapStatus.Enabled }],
        OrderId = "insp-2026-11-26-0042",
        OrderUpdateId = 3,
        ZoneSetId = "customs-lane-2",
        LastNodeId = "park",
        LastNodeSequenceId = 0,
        Driving = true,
        Paused = false,
        NewBaseRequest = false,
        DistanceSinceLastNode = 4.2,
        OperatingMode = OperatingMode.Automatic,
        NodeStates =
        [
            new NodeState
            {
                NodeId = "bay-07", SequenceId = 2, NodeDescription = "container bay 7", Released = true,
                NodePosition = new StateNodePosition { X = 48, Y = 11.75, Theta = -3.14159, MapId = MapId },
            },
        ],
        EdgeStates =
        [
            new EdgeState
            {
                EdgeId = "park-bay-07", SequenceId = 1, EdgeDescription = "lane 2 northbound", Released = true,
                Trajectory = new Trajectory
                {
                    Degree = 1,
                    KnotVector = [0, 0, 1, 1],
                    ControlPoints = [new ControlPoint { X = 12.5, Y = -3.25, Weight = 1 }, new ControlPoint { X = 48, Y = 11.75, Weight = 1 }],
                },
            },
        ],
        AgvPosition = new AgvPosition
        {
            X = 16.7, Y = -3.2, Theta = 0.02, MapId = MapId, MapDescription = "east yard",
            PositionInitialized = true, LocalizationScore = 0.93, DeviationRange = 0.04,
        },
        Velocity = new Velocity { Vx = 0.8, Vy = 0, Omega = 0.01 },
        ActionStates =
        [
            new ActionState
            {
                ActionId = "act-bay07-inspect", ActionType = "inspectContainer", ActionDescription = "survey bay 7",
                ActionStatus = ActionStatus.Waiting, ResultDescription = "",
            },
            new ActionState { ActionId = "act-bg", ActionType = "measureBackground", ActionStatus = ActionStatus.Finished, ResultDescription = "0.087 uSv/h" },
        ],
        BatteryState = new BatteryState { BatteryCharge = 76.5, BatteryVoltage = 25.4, BatteryHealth = 97, Charging = false, Reach = 5200 },
        Errors =
        [
            new VdaError
            {
                ErrorType = "operatorLinkLost",
                ErrorReferences = [new ErrorReference { ReferenceKey = "operatorId", ReferenceValue = "op-lee" }],
                ErrorDescription = "operator link lost for 4.0 s; holding",
                ErrorHint = "reconnect the remote and send resume",
                ErrorLevel = ErrorLevel.Warning,
            },
        ],
        Information =
        [
            new VdaInformation
            {
                InfoType = "doseRate",
                InfoReferences = [new InfoReference { ReferenceKey = "unit", ReferenceValue = "uSv/h" }],
                InfoDescription = "0.091",
                InfoLevel = InfoLevel.Info,
            },
        ],
        SafetyState = new SafetyState { EStop = EStopState.None, FieldViolation = false },
    };

    public static Visualization Visualization() => new()
    {
        HeaderId = 99,
        Timestamp = Now,
        Version = TopicScheme.VdaProtocolVersion,
        Manufacturer = Manufacturer,
        SerialNumber = Serial,
        AgvPosition = new AgvPosition
        {
            X = 16.7, Y = -3.2, Theta = 0.02, MapId = MapId, MapDescription = "east yard",
            PositionInitialized = true, LocalizationScore = 0.93, DeviationRange = 0.04,
        },
        Velocity = new Velocity { Vx = 0.8, Vy = 0.0, Omega = -0.05 },
    };

    public static Factsheet Factsheet() => new()
    {
        HeaderId = 0,
        Timestamp = Now,
        Version = TopicScheme.VdaProtocolVersion,
        Manufacturer = Manufacturer,
        SerialNumber = Serial,
        TypeSpecification = new TypeSpecification
        {
            SeriesName = "RIR-2",
            SeriesDescription = "port customs radiation inspection robot",
            AgvKinematic = "DIFF",
            AgvClass = "CARRIER",
            MaxLoadMass = 0,
            LocalizationTypes = ["NATURAL", "REFLECTOR"],
            NavigationTypes = ["AUTONOMOUS"],
        },
        PhysicalParameters = new PhysicalParameters
        {
            SpeedMin = 0.01, SpeedMax = 1.5, AccelerationMax = 0.5, DecelerationMax = 1.0,
            HeightMin = 0.6, HeightMax = 3.2, Width = 0.7, Length = 1.1,
        },
        ProtocolLimits = new ProtocolLimits
        {
            MaxStringLens = new MaxStringLens { MsgLen = 262144, TopicSerialLen = 64, TopicElemLen = 64, IdLen = 64, IdNumericalOnly = false, EnumLen = 32, LoadIdLen = 64 },
            MaxArrayLens = new MaxArrayLens { OrderNodes = 1000, OrderEdges = 1000, NodeActions = 32, EdgeActions = 32, ActionsParameters = 32, InstantActions = 32, StateErrors = 64 },
            Timing = new Timing { MinOrderInterval = 0.5, MinStateInterval = 0.1, DefaultStateInterval = 30, VisualizationInterval = 1 },
        },
        ProtocolFeatures = new ProtocolFeatures
        {
            OptionalParameters =
            [
                new OptionalParameter { Parameter = "order.nodes.nodePosition.allowedDeviationTheta", Support = "SUPPORTED", Description = "honoured at stations" },
                new OptionalParameter { Parameter = "order.edges.trajectory", Support = "SUPPORTED" },
            ],
            AgvActions =
            [
                new AgvActionDescription
                {
                    ActionType = "inspectContainer",
                    ActionDescription = "survey a container wall by SN/T 0570",
                    ActionScopes = ["NODE", "INSTANT"],
                    ActionParameters =
                    [
                        new FactsheetActionParameter { Key = "containerNumber", ValueDataType = "STRING", Description = "ISO 6346", IsOptional = false },
                        new FactsheetActionParameter { Key = "probeHeightsM", ValueDataType = "ARRAY", IsOptional = true },
                    ],
                    ResultDescription = "verdict PASS, ANOMALY, EXCEEDS or INVALID",
                    // BlockingTypes is left out on purpose: the 2.1.0 schema declares it as
                    // {"type":"array","enum":["NONE","SOFT","HARD"]}, which no array can satisfy.
                },
                new AgvActionDescription { ActionType = "liftTo", ActionScopes = ["INSTANT", "NODE", "EDGE"] },
            ],
        },
        AgvGeometry = new AgvGeometry
        {
            WheelDefinitions =
            [
                new WheelDefinition { Type = "DRIVE", IsActiveDriven = true, IsActiveSteered = false, Position = new WheelPosition { X = 0, Y = 0.3, Theta = 0 }, Diameter = 0.25, Width = 0.08 },
                new WheelDefinition { Type = "CASTER", IsActiveDriven = false, IsActiveSteered = false, Position = new WheelPosition { X = -0.4, Y = 0 }, Diameter = 0.1, Width = 0.04 },
            ],
            Envelopes2d =
            [
                new Envelope2d
                {
                    Set = "base",
                    Description = "footprint",
                    PolygonPoints = [new PolygonPoint { X = 0.55, Y = 0.35 }, new PolygonPoint { X = -0.55, Y = 0.35 }, new PolygonPoint { X = -0.55, Y = -0.35 }, new PolygonPoint { X = 0.55, Y = -0.35 }],
                },
            ],
        },
        LoadSpecification = new LoadSpecification { LoadPositions = ["probe"] },
        VehicleConfig = new VehicleConfig { Versions = [new VersionEntry { Key = "firmware", Value = "0.1.0" }, new VersionEntry { Key = "profile", Value = "snt0570-2007" }] },
    };

    public static TeleopCommand Teleop() => new()
    {
        CommandId = "tele-000981",
        IssuedAt = Now,
        TtlMs = 300,
        LinearMps = 0.45,
        AngularRadps = -0.3,
        LiftMps = 0.05,
        OperatorId = "op-lee",
    };

    public static Telemetry Telemetry() => new()
    {
        Timestamp = NowLocal,
        Seq = 5521,
        SerialNumber = Serial,
        Pose = new PoseDto { X = 16.7, Y = -3.2, Theta = 0.02, MapId = MapId },
        LinearMps = 0.8,
        AngularRadps = 0.01,
        LiftHeightM = 1.3,
        Detector = new DetectorTelemetry { Status = "ok", DoseRateUSvPerH = 0.091, CountsPerSecond = 14.2 },
        Battery = new BatteryTelemetry { ChargePercent = 76.5, VoltageV = 25.4, CurrentA = -3.1 },
        EmergencyStop = new EmergencyStopTelemetry { Latched = false, Source = "none", InputOpen = false },
        WallDistanceM = 0.1,
        Activity = "order",
        OperatorLinkUp = true,
        AlarmOn = true,
        Procedure = new ProcedureTelemetry
        {
            State = "Measuring", InspectionId = "INS-20261126-212836-a1b2c3", ContainerNumber = "CSQU3054383", PointsDone = 12, PointsPlanned = 48,
            CurrentPoint = "right-04-h1.3", BackgroundUSvPerH = 0.071, ThresholdUSvPerH = 0.321, LastDoseUSvPerH = 0.074, LastVerdict = "PASS", LastReportId = "R-20261126-201500-ffeedd",
        },
    };

    public static CommandRequest Command() => new()
    {
        CommandId = "cmd-7f3a",
        IssuedAt = Now,
        ExpiresAt = Now.AddSeconds(5),
        Command = CommandNames.LiftTo,
        OperatorId = "op-lee",
        HeightM = 1.3,
        ReportId = "R-20261126-201500-ffeedd",
        Limit = 20,
    };

    public static CommandResponse CommandResponse() => new()
    {
        CommandId = "cmd-7f3a",
        Command = CommandNames.Status,
        Accepted = true,
        Code = "ok",
        Message = "status follows",
        Timestamp = NowLocal,
        Status = new RobotStatus
        {
            SerialNumber = Serial,
            OperatingMode = OperatingMode.Automatic,
            Activity = "order",
            EmergencyStop = new EmergencyStopTelemetry { Latched = false, Source = "none", InputOpen = false },
            Pose = new PoseDto { X = 16.7, Y = -3.2, Theta = 0.02, MapId = MapId },
            LiftHeightM = 1.3,
            Battery = new BatteryTelemetry { ChargePercent = 76.5, VoltageV = 25.4, CurrentA = -3.1 },
            Detector = new DetectorTelemetry { Status = "ok", DoseRateUSvPerH = 0.091, CountsPerSecond = 14.2 },
            OrderId = "insp-2026-11-26-0042",
            Driving = true,
            Paused = false,
            Errors =
            [
                new VdaError
                {
                    ErrorType = "lowBattery", ErrorLevel = ErrorLevel.Warning, ErrorDescription = "below 30 %",
                    ErrorHint = "return to the charger", ErrorReferences = [new ErrorReference { ReferenceKey = "chargePercent", ReferenceValue = "28" }],
                },
            ],
        },
        Reports =
        [
            new ReportSummary
            {
                ReportId = "R-20261126-201500-ffeedd", Sequence = 41, ContainerNumber = "CSQU3054383", Verdict = "PASS",
                VerdictReason = "all 48 points within background", FinishedAt = Now, ReportHash = new string('a', 64),
            },
        ],
        Report = InspectionReport(),
        Survey =
        [
            new MeasuredPoint { PointId = "left-01-h0.5", X = 7.4, Y = -4.68, HeightM = 0.5, DoseRateUSvPerH = 0.072, Decision = "clear" },
            new MeasuredPoint { PointId = "left-02-h0.5-r1", X = 8.4, Y = -4.68, HeightM = 0.5, DoseRateUSvPerH = 0.41, Decision = "exceeds", Kind = "remeasure" },
        ],
    };

    public static OperatorPresence Operator() => new()
    {
        OperatorId = "op-lee",
        State = ConnectionState.Online,
        Timestamp = Now,
    };

    public static RobotEvent Event() => new()
    {
        Timestamp = Now,
        Seq = 77,
        Kind = "failsafe",
        Severity = "warning",
        Message = "operator link lost: holding inspection",
    };

    private static RawReading Raw(int second, double value) => new() { T = Now.AddSeconds(second), RawUSvPerH = value, Cps = value * 152.5 };

    private static MeasurementPose ProbePose(double x, double height) => new() { X = x, Y = 11.65, Theta = 1.5707963, HeightM = height, WallDistanceM = 0.1 };

    public static InspectionReport InspectionReport() => new()
    {
        ReportId = "rpt-2026-11-26-0042",
        Sequence = 42,
        InspectionId = "insp-2026-11-26-0042",
        SerialNumber = Serial,
        Container = new ContainerInfo { Number = "MSKU9070323", Type = ContainerTypes.Forty, X = 48.0, Y = 13.2, Theta = 1.5707963 },
        OperatorId = "op-lee",
        StartedAt = NowLocal,
        FinishedAt = Now.AddMinutes(21),
        Instrument = new InstrumentInfo
        {
            Model = "NaI(Tl) 51x51", SerialNumber = "D-3301", K1 = 1.05, K2 = 0.98, K3 = 1.0, CosmicResponseUSvPerH = 0.031,
            CalibrationCertificate = "ZJ-2026-0117", CalibrationValidUntil = new DateTimeOffset(2027, 6, 30, 0, 0, 0, TimeSpan.Zero), CountsPerSecondPerUSvPerH = 1400,
            LowestCountsPerSecondPerUSvPerH = 326, DisplayTimeConstantS = 2,
        },
        Profile = new ProfileInfo
        {
            Name = "snt0570-2007", Version = "2", PointMode = "sequential", LimitUSvPerH = 0.25,
            DoseConversion = "dose from the probe's spectrum-weighted dose (G(E)), right at every energy; decisions on its effective counts",
            Figures = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["LimitUSvPerH"] = "0.25", ["Sequential:Alpha"] = "0.001" },
        },
        Background = new BackgroundResult
        {
            Pose = ProbePose(40.0, 1.0),
            Readings = [Raw(60, 0.084), Raw(61, 0.088), Raw(62, 0.086)],
            MeanRawUSvPerH = 0.086,
            StandardErrorUSvPerH = 0.0012,
            DoseRateUSvPerH = 0.0575,
            Attempts = 2,
            MeasuredAt = Now.AddSeconds(62),
            CountRatePerS = 120.4,
            CountingS = 50,
            AcceptanceBasis = "chi-square dispersion 3.1 on 4 degrees of freedom, p = 0.54",
        },
        ThresholdUSvPerH = 0.3075,
        Points =
        [
            new PointResult
            {
                PointId = "L-07-2", Face = "left", AlongM = 6.5, HeightM = 1.3, Pose = ProbePose(44.5, 1.3),
                Readings = [Raw(300, 0.41), Raw(301, 0.43)], MeanRawUSvPerH = 0.42, StandardErrorUSvPerH = 0.01,
                DoseRateUSvPerH = 0.401, NetUSvPerH = 0.3435, Decision = PointDecisions.Exceeds, Mode = "sequential",
                DecisionBasis = "SPRT accepted r1 after 2.0 s", DwellS = 2.0, Kind = "confirmation",
                ProbeX = 44.52, ProbeY = 12.01, MeasuredAlongM = 6.52, MeasuredHeightM = 1.298,
            },
        ],
        PlannedPoints = 36,
        Verdict = Verdicts.Exceeds,
        VerdictReason = "point L-07-2 confirmed at 0.401 µSv/h, over background + 0.25",
        HotSpots = [new HotSpot { Face = "left", AlongM = 6.6, HeightM = 1.25, X = 44.6, Y = 12.0, DoseRateUSvPerH = 0.43, NetUSvPerH = 0.3725, Decision = PointDecisions.Exceeds, PointId = "L-07-2-h", AreaPointIds = ["L-07-2"] }],
        PreviousReportHash = "4f1c0e7d9a3b5c8e2d6f0a1b3c5d7e9f1a2b3c4d5e6f708192a3b4c5d6e7f809",
        ReportHash = "9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877665544",
        Signature = "3q2+7wABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=",
        SigningKeyId = "0f1e2d3c4b5a6978",
    };

    public static ReportAck ReportAck() => new()
    {
        ReportId = "rpt-2026-11-26-0042",
        ReportHash = "9d8c7b6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa998877665544",
        AckedBy = "fleet-east",
        Timestamp = NowLocal,
    };
}
