using Robot.Protocol.Broker;
using System.Threading.Channels;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Link;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Remote.Tests.Support;

/// <summary>
/// Just enough robot for the remote's tests, speaking the protocol over a real broker: retained
/// connection ONLINE (will CONNECTIONBROKEN), a factsheet, MQTT 5 answers to commands (status,
/// listReports and getReport from one canned report), a record of every command, teleop sample,
/// operator-presence message, order and report acknowledgement it receives, and inspections played
/// on demand (FakeRobot.Inspection.cs).
/// </summary>
internal sealed partial class FakeRobot : IAsyncDisposable
{
    public const string Manufacturer = "acme";
    public const string Series = "RI-200";

    private readonly MqttLink _link;
    private long _headerId;

    private FakeRobot(MqttLink link, string serialNumber)
    {
        _link = link;
        SerialNumber = serialNumber;
        Report = SampleReport(serialNumber);
        Responder = DefaultAnswer;
    }

    public string SerialNumber { get; }
    public Channel<CommandRequest> Commands { get; } = Channel.CreateUnbounded<CommandRequest>();
    public Channel<TeleopCommand> Teleop { get; } = Channel.CreateUnbounded<TeleopCommand>();
    public Channel<OperatorPresence> Presence { get; } = Channel.CreateUnbounded<OperatorPresence>();
    /// <summary>Decides the answer to each command; null means no answer at all.</summary>
    public Func<CommandRequest, CommandResponse?> Responder { get; set; }

    public static async Task<FakeRobot> StartAsync(EmbeddedBroker broker, string serialNumber)
    {
        // A robot account of its own, as on a real broker: the robot topics are only a robot's to publish.
        var account = $"fake-{serialNumber}-{Guid.NewGuid():N}"[..24];
        var secret = broker.Accounts.Issue(account, ClientRole.Robot, serialNumber);
        var link = new MqttLink(new MqttLinkOptions { BrokerUri = broker.Uri, ClientId = "fake-" + serialNumber, Username = account, Password = secret }, TimeProvider.System);
        var robot = new FakeRobot(link, serialNumber);
        link.SetWill(robot.ConnectionMessage(ConnectionState.ConnectionBroken));
        link.MessageReceived = robot.OnMessageAsync;
        await link.SubscribeAsync(TopicScheme.Extension(serialNumber, MessageKind.Command), 1);
        await link.SubscribeAsync(TopicScheme.Extension(serialNumber, MessageKind.Teleop), 0);
        await link.SubscribeAsync(TopicScheme.Extension(serialNumber, MessageKind.Operator), 1);
        await link.SubscribeAsync(TopicScheme.Vda(Manufacturer, serialNumber, MessageKind.Order), 1);
        await link.SubscribeAsync(TopicScheme.Vda(Manufacturer, serialNumber, MessageKind.InstantActions), 1);
        await link.SubscribeAsync(TopicScheme.Extension(serialNumber, MessageKind.ReportAck), 1);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await link.StartAsync(timeout.Token);
        await link.PublishAsync(robot.ConnectionMessage(ConnectionState.Online));
        await link.PublishAsync(new LinkMessage(TopicScheme.Vda(Manufacturer, serialNumber, MessageKind.Factsheet),
            ProtocolCodec.Encode(SampleFactsheet(serialNumber, robot.NextHeader())), 1, Retain: true));
        return robot;
    }

    public Task<bool> PublishAsync<T>(string topic, T message) where T : notnull =>
        _link.PublishAsync(new LinkMessage(topic, ProtocolCodec.Encode(message), 1));

    public Task<bool> PublishRawAsync(string topic, string payload) =>
        _link.PublishAsync(new LinkMessage(topic, System.Text.Encoding.UTF8.GetBytes(payload), 1));

    /// <summary>Clean stop: retained OFFLINE, as a robot switched off properly.</summary>
    public Task StopAsync() => _link.StopAsync(ConnectionMessage(ConnectionState.Offline));

    public ValueTask DisposeAsync() => _link.DisposeAsync();

    public static CommandResponse Accept(CommandRequest request, RobotStatus? status = null) => new()
    {
        CommandId = request.CommandId,
        Command = request.Command,
        Accepted = true,
        Code = "ok",
        Message = $"{request.Command} done",
        Timestamp = DateTimeOffset.UtcNow,
        Status = status,
    };

    public static CommandResponse Refuse(CommandRequest request, string code, string message) => new()
    {
        CommandId = request.CommandId,
        Command = request.Command,
        Accepted = false,
        Code = code,
        Message = message,
        Timestamp = DateTimeOffset.UtcNow,
    };

    public static RobotStatus SampleStatus(string serialNumber) => new()
    {
        SerialNumber = serialNumber,
        OperatingMode = OperatingMode.Manual,
        Activity = "idle",
        EmergencyStop = new EmergencyStopTelemetry { Latched = false, Source = "none", InputOpen = false },
        Pose = new PoseDto { X = 12.5, Y = -3.25, Theta = 1.5708, MapId = "yard" },
        LiftHeightM = 1.2,
        Battery = new BatteryTelemetry { ChargePercent = 87, VoltageV = 48.1 },
        Detector = new DetectorTelemetry { Status = "ok", DoseRateUSvPerH = 0.137, CountsPerSecond = 41 },
        OrderId = "",
        Driving = false,
        Paused = false,
        Errors = [new VdaError { ErrorType = "batteryLow", ErrorLevel = ErrorLevel.Warning, ErrorDescription = "below 90 %" }],
    };

    public static Telemetry SampleTelemetry(string serialNumber) => new()
    {
        Timestamp = DateTimeOffset.UtcNow,
        Seq = 7,
        SerialNumber = serialNumber,
        Pose = new PoseDto { X = 4.25, Y = 8.5, Theta = -0.5, MapId = "yard" },
        LinearMps = 0.4,
        AngularRadps = 0.1,
        LiftHeightM = 2.75,
        Detector = new DetectorTelemetry { Status = "ok", DoseRateUSvPerH = 0.412 },
        Battery = new BatteryTelemetry { ChargePercent = 66 },
        EmergencyStop = new EmergencyStopTelemetry { Latched = true, Source = "command", InputOpen = false },
        Activity = "teleop",
        OperatorLinkUp = true,
    };

    public State SampleState() => new()
    {
        HeaderId = NextHeader(),
        Timestamp = DateTimeOffset.UtcNow,
        Version = TopicScheme.VdaProtocolVersion,
        Manufacturer = Manufacturer,
        SerialNumber = SerialNumber,
        OrderId = "order-42",
        OrderUpdateId = 0,
        LastNodeId = "n1",
        LastNodeSequenceId = 0,
        Driving = true,
        OperatingMode = OperatingMode.Automatic,
        NodeStates = [],
        EdgeStates = [],
        AgvPosition = new AgvPosition { X = 30, Y = 5, Theta = 0, MapId = "yard", PositionInitialized = true },
        Velocity = new Velocity { Vx = 0.8, Omega = 0 },
        ActionStates = [],
        BatteryState = new BatteryState { BatteryCharge = 55, Charging = false },
        Errors = [],
        SafetyState = new SafetyState { EStop = EStopState.None, FieldViolation = false },
    };

    public static RobotEvent SampleEvent() => new()
    {
        Timestamp = DateTimeOffset.UtcNow,
        Seq = 3,
        Kind = "emergencyStop",
        Severity = "alarm",
        Message = "E-stop latched by command",
    };

    private static Factsheet SampleFactsheet(string serialNumber, long headerId) => new()
    {
        HeaderId = headerId,
        Timestamp = DateTimeOffset.UtcNow,
        Version = TopicScheme.VdaProtocolVersion,
        Manufacturer = Manufacturer,
        SerialNumber = serialNumber,
        TypeSpecification = new TypeSpecification
        {
            SeriesName = Series,
            AgvKinematic = "DIFF",
            AgvClass = "CARRIER",
            MaxLoadMass = 0,
            LocalizationTypes = ["NATURAL"],
            NavigationTypes = ["AUTONOMOUS"],
        },
        PhysicalParameters = new PhysicalParameters
        {
            SpeedMin = 0, SpeedMax = 1.5, AccelerationMax = 1, DecelerationMax = 1, HeightMax = 2, Width = 0.8, Length = 1.2,
        },
        ProtocolLimits = new ProtocolLimits
        {
            MaxStringLens = new MaxStringLens(),
            MaxArrayLens = new MaxArrayLens(),
            Timing = new Timing { MinOrderInterval = 1, MinStateInterval = 0.1 },
        },
        ProtocolFeatures = new ProtocolFeatures { OptionalParameters = [], AgvActions = [] },
        AgvGeometry = new AgvGeometry(),
        LoadSpecification = new LoadSpecification(),
    };

    private LinkMessage ConnectionMessage(ConnectionState state) =>
        new(TopicScheme.Vda(Manufacturer, SerialNumber, MessageKind.Connection), ProtocolCodec.Encode(new Connection
        {
            HeaderId = NextHeader(),
            Timestamp = DateTimeOffset.UtcNow,
            Version = TopicScheme.VdaProtocolVersion,
            Manufacturer = Manufacturer,
            SerialNumber = SerialNumber,
            ConnectionState = state,
        }), 1, Retain: true);

    private long NextHeader() => Interlocked.Increment(ref _headerId);

    private async Task OnMessageAsync(LinkMessage message)
    {
        var decoded = ProtocolCodec.Decode(message.Topic, message.Payload.Span);
        switch (decoded.Message)
        {
            case TeleopCommand teleop:
                Teleop.Writer.TryWrite(teleop);
                break;
            case OperatorPresence presence:
                Presence.Writer.TryWrite(presence);
                break;
            case Order order:
                Raw.Writer.TryWrite((message.Topic, System.Text.Encoding.UTF8.GetString(message.Payload.Span)));
                Orders.Writer.TryWrite((message.Topic, order));
                if (AnswerOrders) await AnswerOrderAsync(order);
                break;
            case InstantActions { Actions: [{ ActionType: "stateRequest" }] } request:
                // Every watcher asks for the state when it starts; kept apart from the order controls the tests follow.
                StateRequests.Writer.TryWrite((message.Topic, System.Text.Encoding.UTF8.GetString(message.Payload.Span)));
                if (AnswerStateRequests) await PublishAsync(TopicScheme.Vda(Manufacturer, SerialNumber, MessageKind.State), SampleState());
                break;
            case InstantActions actions:
                Raw.Writer.TryWrite((message.Topic, System.Text.Encoding.UTF8.GetString(message.Payload.Span)));
                InstantActions.Writer.TryWrite(actions);
                await AnswerInstantActionsAsync(actions);
                break;
            case ReportAck ack:
                Acks.Writer.TryWrite(ack);
                break;
            case CommandRequest request:
                Commands.Writer.TryWrite(request);
                if (message.ResponseTopic is { } responseTopic && Responder(request) is { } response)
                {
                    await _link.PublishAsync(new LinkMessage(responseTopic, ProtocolCodec.Encode(response), 1) { CorrelationData = message.CorrelationData });
                }
                break;
        }
    }
}
