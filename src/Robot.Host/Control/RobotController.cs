using Microsoft.Extensions.Logging;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Motion;
using Robot.Host.Procedure;
using Robot.Host.Safety;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;
using UnitsNet;

namespace Robot.Host.Control;

/// <summary>
/// The robot's single owner of control state. Every input (the tick, the e-stop edge, protocol
/// messages) enters through here under one lock, so the supervisor and the order executor never
/// see two threads at once. Work under the lock is short and does no I/O; publishing happens
/// outside it from snapshots.
/// </summary>
public sealed class RobotController
{
    private readonly Lock _gate = new();
    private readonly RobotHardware _hw;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly RobotIdentityOptions _identity;
    private readonly TelemetryOptions _telemetry;
    private readonly SafetySupervisor _supervisor;
    private readonly OrderExecutor _executor;
    private readonly CommandGuard _commands;
    private readonly CommandGuard _teleopGuard;
    private readonly VdaMessageGuard _messages;
    private readonly List<(VdaError Error, DateTimeOffset At)> _inputErrors = [];
    private readonly HashSet<string> _lostOperators = new(StringComparer.Ordinal);
    private string? _teleopOperator;
    private string? _inspectionOperator;
    private long _stateVersion;
    private long _eventSeq;

    public RobotController(RobotHardware hardware, TimeProvider time, ILogger<RobotController> log,
        RobotIdentityOptions identity, SafetyOptions safety, MotionOptions motion, TelemetryOptions telemetry, ProcedureSetup? procedure = null)
    {
        _hw = hardware;
        _time = time;
        _log = log;
        _identity = identity;
        _telemetry = telemetry;
        _supervisor = new SafetySupervisor(hardware, safety);
        var setup = procedure ?? new ProcedureSetup(new MeasurementProfileOptions(), new InstrumentOptions(), new ProcedureOptions(), new JournalWriter(new InMemoryRecorder(), log));
        Procedure = new InspectionProcedure(_gate, hardware, _supervisor, time, log, setup.Journal, setup.Profile, setup.Instrument, setup.Options, motion,
            identity.SerialNumber, (kind, severity, message) => Raise(kind, severity, message));
        Procedure.Changed += MarkStateChanged;
        _executor = new OrderExecutor(hardware, _supervisor, motion, identity.MapId, Procedure, setup.Profile.Name);
        _commands = new CommandGuard(time, safety.CommandMaxAge, safety.CommandClockSkew);
        _teleopGuard = new CommandGuard(time, safety.TeleopMaxAge, safety.CommandClockSkew);
        _messages = new VdaMessageGuard(time, motion.MessageMaxAge, motion.MessageClockSkew);
        _supervisor.CauseChanged += OnCauseChanged;
        _executor.Changed += MarkStateChanged;
        // The e-stop edge acts at once, from the input's thread, without waiting for the tick.
        _hw.EmergencyStop.Changed += open =>
        {
            if (open) EmergencyStop(FailsafeCause.EmergencyStopInput);
        };
    }

    /// <summary>The SN/T 0570 inspection procedure (runs as node actions of orders).</summary>
    public InspectionProcedure Procedure { get; }

    /// <summary>True while an order (and its node actions) still runs.</summary>
    public bool HasActiveOrder
    {
        get { lock (_gate) return _executor.HasActiveOrder; }
    }

    /// <summary>Rises whenever something the VDA 5050 state reports has changed.</summary>
    public long StateVersion => Interlocked.Read(ref _stateVersion);

    /// <summary>Operator-facing events (e-stop, failsafes, refusals) for robot/v1/{serial}/events.</summary>
    public event Action<RobotEvent>? EventRaised;

    /// <summary>The tick: supervisor first (inputs, dead-man, outputs), then the order executor.</summary>
    public void Tick()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            // Order first (it may start the procedure), then the procedure's activity, then the
            // supervisor, which gates and applies whatever motion was asked for.
            _executor.Tick();
            Procedure.Tick(now);
            _supervisor.Tick(now);
            PruneInputErrors(now);
        }
    }

    // ---------------- inputs from the protocol ----------------

    public ProtocolError? HandleOrder(Order order)
    {
        lock (_gate)
        {
            // Stale, replayed or out of order: refused before anything else is looked at. A message
            // that passes moves the topic's mark even if the order is then refused for its content.
            var late = _messages.Check(OrderTopic, order.HeaderId, order.Timestamp);
            if (late is not null)
            {
                _log.LogWarning("order {Id} refused: {Error}", order.OrderId, late);
                AddInputError(late.Code, late.Message, ErrorLevel.Warning, ("topic", "order"), ("id", order.OrderId), ("field", late.Field ?? "$"),
                    ("headerId", Invariant(order.HeaderId)), ("timestamp", VdaMessageGuard.Format(order.Timestamp)));
                return late;
            }
            _messages.Taken(OrderTopic, order.HeaderId, order.Timestamp);
            if (_supervisor.EmergencyStopLatched)
                return Refuse(new ProtocolError(ProtocolErrorCode.EmergencyStopActive, "emergency stop is latched; reset it before sending orders", "$.orderId"), "order", order.OrderId);
            var error = _executor.Accept(order);
            if (error is not null) return Refuse(error, "order", order.OrderId);
            _inspectionOperator = order.Nodes.SelectMany(n => n.Actions).SelectMany(a => a.ActionParameters ?? [])
                .Where(p => p.Key == "operatorId" && p.Value.ValueKind == System.Text.Json.JsonValueKind.String).Select(p => p.Value.GetString()).LastOrDefault() ?? _inspectionOperator;
            _log.LogInformation("order {OrderId}/{Update} accepted: {Nodes} nodes", order.OrderId, order.OrderUpdateId, order.Nodes.Count);
            MarkStateChanged();
            return null;
        }
    }

    private const string OrderTopic = "order";
    private const string InstantActionsTopic = "instantActions";

    /// <summary>
    /// Instant actions that only stop the robot. Like the e-stop they are never refused for age,
    /// replay or a clashing actionId: stopping is always safe. Every other one needs a fresh message.
    /// </summary>
    public static readonly IReadOnlyList<string> StopInstantActions = ["startPause", "cancelOrder"];

    /// <summary>Runs instant actions; returns the ones that asked for an immediate publish.</summary>
    public (bool StateRequested, bool FactsheetRequested) HandleInstantActions(InstantActions message)
    {
        var state = false;
        var factsheet = false;
        lock (_gate)
        {
            var late = _messages.Check(InstantActionsTopic, message.HeaderId, message.Timestamp);
            if (late is null) _messages.Taken(InstantActionsTopic, message.HeaderId, message.Timestamp);
            var header = (Key: "headerId", Value: Invariant(message.HeaderId));
            var stamp = (Key: "timestamp", Value: VdaMessageGuard.Format(message.Timestamp));
            var inMessage = new HashSet<string>(StringComparer.Ordinal);
            foreach (var action in message.Actions)
            {
                var stops = StopInstantActions.Contains(action.ActionType);
                var first = inMessage.Add(action.ActionId);
                if (late is not null && !stops)
                {
                    // Refused. Its state is recorded only under an id nobody has yet: a replay must not
                    // overwrite what the original did.
                    if (first && !_executor.KnowsAction(action.ActionId)) _executor.RecordInstantAction(action, ActionStatus.Failed, "refused: " + late.Message);
                    _log.LogWarning("instant action {Type} {Id} refused: {Error}", action.ActionType, action.ActionId, late);
                    AddInputError(late.Code, late.Message, ErrorLevel.Warning, ("topic", InstantActionsTopic), ("actionId", action.ActionId), ("actionType", action.ActionType),
                        ("field", late.Field ?? "$"), header, stamp);
                    continue;
                }
                // An id already in use would overwrite that action's state (a running HARD liftTo or
                // inspection would look finished and the order would go on without it).
                var clash = first ? _executor.ActionIdInUse(action.ActionId) : $"actionId {action.ActionId} appears more than once in this message";
                if (clash is not null)
                {
                    _log.LogWarning("instant action {Type} {Id}: {Clash}", action.ActionType, action.ActionId, clash);
                    AddInputError(VdaMessageGuard.DuplicateActionId,
                        stops ? $"{clash}; the {action.ActionType} was carried out (a stop is never refused) but is not reported under that id" : $"{clash}; the {action.ActionType} was refused",
                        ErrorLevel.Warning, ("topic", InstantActionsTopic), ("actionId", action.ActionId), ("actionType", action.ActionType), header, stamp);
                    if (!stops) continue;
                }
                void Record(ActionStatus status, string? result = null)
                {
                    if (clash is null) _executor.RecordInstantAction(action, status, result);
                }
                switch (action.ActionType)
                {
                    case "startPause":
                        _executor.Pause();
                        Record(ActionStatus.Finished, "paused");
                        break;
                    case "stopPause":
                    {
                        var why = _executor.Resume();
                        Record(why is null ? ActionStatus.Finished : ActionStatus.Failed, why ?? "resumed");
                        if (why is not null) AddInputError("stopPauseRefused", why, ErrorLevel.Warning, ("actionId", action.ActionId));
                        break;
                    }
                    case "cancelOrder":
                        if (_executor.Cancel())
                        {
                            Record(ActionStatus.Finished, "order cancelled");
                        }
                        else
                        {
                            Record(ActionStatus.Failed, "no order to cancel");
                            AddInputError("noOrderToCancel", "cancelOrder received with no order running", ErrorLevel.Warning, ("actionId", action.ActionId));
                        }
                        break;
                    case "stateRequest":
                        Record(ActionStatus.Finished);
                        state = true;
                        break;
                    case "factsheetRequest":
                        Record(ActionStatus.Finished);
                        factsheet = true;
                        break;
                    default:
                        Record(ActionStatus.Failed, "unsupported action");
                        AddInputError(ProtocolErrorCode.UnsupportedAction,
                            $"instant action '{action.ActionType}' is not supported; supported: {string.Join(", ", OrderExecutor.SupportedInstantActions)}",
                            ErrorLevel.Warning, ("actionId", action.ActionId), ("actionType", action.ActionType));
                        break;
                }
            }
            MarkStateChanged();
        }
        return (state, factsheet);
    }

    private static string Invariant(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public ProtocolError? HandleTeleop(TeleopCommand command)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var refused = _teleopGuard.Admit(command.CommandId, command.IssuedAt, null);
            if (refused is not null) return Refuse(refused, "teleop", command.CommandId);
            if (_executor.HasActiveOrder && !_executor.Paused)
                return Refuse(new ProtocolError(ProtocolErrorCode.Busy, $"order {_executor.OrderId} is running; pause or cancel it before driving by hand"), "teleop", command.CommandId);
            if (command.OperatorId is { } op && _lostOperators.Count > 0 && !_lostOperators.Contains(op))
            {
                // Another operator has taken over: the lost one no longer holds the robot.
                _lostOperators.Clear();
                _supervisor.SetLinkState(FailsafeCause.OperatorLinkLost, false);
            }
            var why = _supervisor.ApplyTeleop(command.LinearMps, command.AngularRadps, command.LiftMps, TimeSpan.FromMilliseconds(command.TtlMs), now);
            if (why is not null)
            {
                var code = _supervisor.EmergencyStopLatched ? ProtocolErrorCode.EmergencyStopActive : ProtocolErrorCode.ValueOutOfRange;
                if (!_supervisor.EmergencyStopLatched && !why.Contains("exceeds", StringComparison.Ordinal)) code = ProtocolErrorCode.NotPermitted;
                return Refuse(new ProtocolError(code, why), "teleop", command.CommandId);
            }
            _teleopOperator = command.OperatorId;
            return null;
        }
    }

    /// <summary>Answer a command; never throws.</summary>
    public CommandResponse HandleCommand(CommandRequest request)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (request.Command == CommandNames.EmergencyStop)
            {
                // Latched before anything else is looked at (DESIGN.md, Safety): no age, expiry,
                // replay or busy check may refuse a stop, and a duplicate only stops what is stopped.
                var late = _commands.Admit(request.CommandId, request.IssuedAt, request.ExpiresAt);
                EmergencyStop(FailsafeCause.EmergencyStopCommand);
                return Response(request, "ok", late is null ? "emergency stop latched" : $"emergency stop latched (an emergency stop is never refused; the request was: {late.Message})", now);
            }
            var refused = _commands.Admit(request.CommandId, request.IssuedAt, request.ExpiresAt);
            if (refused is not null)
            {
                Refuse(refused, "command", request.CommandId);
                return Response(request, refused.Code, refused.Message, now);
            }
            switch (request.Command)
            {
                case CommandNames.ResetEmergencyStop:
                {
                    var why = _supervisor.TryResetEmergencyStop();
                    if (why is not null) return Response(request, ProtocolErrorCode.NotPermitted, why, now);
                    Raise("emergencyStopReset", "info", $"emergency stop reset{By(request.OperatorId)}; nothing moves until a new command");
                    MarkStateChanged();
                    return Response(request, "ok", "emergency stop reset; the robot waits for a new command", now);
                }
                case CommandNames.Status:
                    return Response(request, "ok", "status", now) with { Status = StatusUnlocked() };
                case CommandNames.LiftTo:
                {
                    if (_executor.HasActiveOrder && !_executor.Paused)
                        return Response(request, ProtocolErrorCode.Busy, $"order {_executor.OrderId} is running", now);
                    var why = _supervisor.RequestLift(Length.FromMeters(request.HeightM!.Value));
                    return why is null
                        ? Response(request, "ok", $"lift moving to {request.HeightM:0.###} m", now)
                        : Response(request, _supervisor.EmergencyStopLatched ? ProtocolErrorCode.EmergencyStopActive : ProtocolErrorCode.NotPermitted, why, now);
                }
                case CommandNames.SilenceAlarm:
                    _hw.Alarm.SetBuzzer(false);
                    Raise("alarmSilenced", "info", $"buzzer silenced{By(request.OperatorId)}; the lamp stays until the next inspection");
                    return Response(request, "ok", "buzzer silenced", now);
                case CommandNames.SurveyProgress:
                {
                    var survey = Procedure.SurveySoFar();
                    return Response(request, "ok", $"{survey.Count} point(s) so far", now) with { Survey = survey };
                }
                case CommandNames.ListReports:
                case CommandNames.GetReport:
                    // Admitted here (replay and expiry checks); the bridge reads the journal outside the control lock.
                    return Response(request, "ok", "query admitted", now);
                default:
                    return Response(request, ProtocolErrorCode.UnknownCommand, $"unknown command '{request.Command}'", now);
            }
        }
    }

    public void HandleOperatorPresence(OperatorPresence presence)
    {
        lock (_gate)
        {
            if (Procedure.State != ProcedureState.Idle && presence.OperatorId == _inspectionOperator)
            {
                // The operator who started the inspection: its link decides the inspection's hold.
                Procedure.OnLinkChanged(lost: presence.State == ConnectionState.ConnectionBroken);
            }
            if (presence.State == ConnectionState.Online)
            {
                if (_lostOperators.Remove(presence.OperatorId) && _lostOperators.Count == 0)
                {
                    _supervisor.SetLinkState(FailsafeCause.OperatorLinkLost, false);
                }
                return;
            }
            var driving = _supervisor.TeleopActive && (_teleopOperator is null || _teleopOperator == presence.OperatorId);
            if (presence.State == ConnectionState.Offline)
            {
                // A clean goodbye: stop any motion this operator started, but nothing is wrong.
                if (driving) _supervisor.StopTeleop();
                return;
            }
            // CONNECTIONBROKEN (the operator client's will): the link died under a driving operator.
            if (driving)
            {
                _lostOperators.Add(presence.OperatorId);
                _supervisor.SetLinkState(FailsafeCause.OperatorLinkLost, true);
                Raise("operatorLinkLost", "warning", $"operator {presence.OperatorId}'s link broke: teleop stopped");
            }
        }
    }

    public void SetBrokerLink(bool up)
    {
        lock (_gate)
        {
            _supervisor.SetLinkState(FailsafeCause.BrokerLinkLost, !up);
            Procedure.OnLinkChanged(lost: !up);
        }
    }

    /// <summary>Every input refused so far (state.errors keeps only the newest): each bad message counts once or more.</summary>
    public long InputErrorsTotal => Interlocked.Read(ref _inputErrorsTotal);
    private long _inputErrorsTotal;

    /// <summary>One more refused input that state.errors already stands for (an overload refuses many with one error).</summary>
    public void CountRefusedInput() => Interlocked.Increment(ref _inputErrorsTotal);

    /// <summary>Record a message that could not be decoded (it changes nothing else).</summary>
    public void ReportBadInput(string topic, ProtocolError error)
    {
        lock (_gate)
        {
            AddInputError(error.Code, error.Message, ErrorLevel.Warning, ("topic", topic), ("field", error.Field ?? "$"));
        }
    }

    // ---------------- snapshots for publishing ----------------

    public State BuildState(long headerId, string version)
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            var pose = _hw.Pose.Pose;
            var errors = new List<VdaError>();
            foreach (var cause in _supervisor.ActiveCauses.OrderBy(c => c))
            {
                var rule = FailsafeTable.For(cause);
                errors.Add(new VdaError
                {
                    ErrorType = rule.ErrorType,
                    ErrorDescription = rule.Description,
                    ErrorLevel = rule.Action >= FailsafeAction.Hold ? ErrorLevel.Fatal : ErrorLevel.Warning,
                    ErrorHint = rule.Clear switch
                    {
                        ClearCondition.ExplicitReset => "release the button, then send resetEmergencyStop",
                        ClearCondition.LinkRestored => "clears when the link is back",
                        ClearCondition.NewCommand => "send a new command",
                        _ => "clears when the battery recovers",
                    },
                });
            }
            errors.AddRange(Procedure.Errors());
            errors.AddRange(_inputErrors.Select(e => e.Error));
            return new State
            {
                HeaderId = headerId,
                Timestamp = now,
                Version = version,
                Manufacturer = _identity.Manufacturer,
                SerialNumber = _identity.SerialNumber,
                Maps = [new MapInfo { MapId = _identity.MapId, MapVersion = "1", MapStatus = MapStatus.Enabled }],
                OrderId = _executor.OrderId,
                OrderUpdateId = _executor.OrderUpdateId,
                LastNodeId = _executor.LastNodeId,
                LastNodeSequenceId = _executor.LastNodeSequenceId,
                Driving = _executor.Driving || Math.Abs(_hw.Drive.MeasuredLinear.MetersPerSecond) > 0.01,
                Paused = _executor.Paused,
                NewBaseRequest = false,
                DistanceSinceLastNode = Math.Round(_executor.DistanceSinceLastNode, 3),
                OperatingMode = _supervisor.TeleopActive ? OperatingMode.Manual : OperatingMode.Automatic,
                NodeStates = _executor.NodeStates,
                EdgeStates = _executor.EdgeStates,
                AgvPosition = Position(pose),
                Velocity = new Velocity { Vx = _hw.Drive.MeasuredLinear.MetersPerSecond, Vy = 0, Omega = _hw.Drive.MeasuredAngular.RadiansPerSecond },
                ActionStates = _executor.ActionStates,
                BatteryState = new BatteryState
                {
                    BatteryCharge = Math.Clamp(_hw.Battery.StateOfCharge.Percent, 0, 100),
                    BatteryVoltage = _hw.Battery.Voltage.Volts,
                    Charging = _hw.Battery.IsCharging,
                },
                Errors = errors,
                Information = [new VdaInformation { InfoType = "activity", InfoDescription = ActivityUnlocked(), InfoLevel = InfoLevel.Info }],
                SafetyState = new SafetyState
                {
                    EStop = _supervisor.ActiveCauses.Contains(FailsafeCause.EmergencyStopInput) ? EStopState.Manual
                        : _supervisor.ActiveCauses.Contains(FailsafeCause.EmergencyStopCommand) ? EStopState.Remote : EStopState.None,
                    FieldViolation = false,
                },
            };
        }
    }

    public Visualization BuildVisualization(long headerId, string version)
    {
        lock (_gate)
        {
            return new Visualization
            {
                HeaderId = headerId,
                Timestamp = _time.GetUtcNow(),
                Version = version,
                Manufacturer = _identity.Manufacturer,
                SerialNumber = _identity.SerialNumber,
                AgvPosition = Position(_hw.Pose.Pose),
                Velocity = new Velocity { Vx = _hw.Drive.MeasuredLinear.MetersPerSecond, Vy = 0, Omega = _hw.Drive.MeasuredAngular.RadiansPerSecond },
            };
        }
    }

    public Telemetry BuildTelemetry(long seq)
    {
        lock (_gate)
        {
            var pose = _hw.Pose.Pose;
            var dose = _hw.DoseProbe.Read();
            return new Telemetry
            {
                Timestamp = _time.GetUtcNow(),
                Seq = seq,
                SerialNumber = _identity.SerialNumber,
                Pose = Pose(pose),
                LinearMps = Math.Round(_hw.Drive.MeasuredLinear.MetersPerSecond, 4),
                AngularRadps = Math.Round(_hw.Drive.MeasuredAngular.RadiansPerSecond, 4),
                LiftHeightM = Math.Round(_hw.Lift.Height.Meters, 4),
                Detector = Detector(dose),
                Battery = Battery(),
                EmergencyStop = EStopUnlocked(),
                WallDistanceM = _hw.WallRange.Distance?.Meters,
                Activity = ActivityUnlocked(),
                OperatorLinkUp = !_supervisor.ActiveCauses.Contains(FailsafeCause.OperatorLinkLost),
                AlarmOn = _hw.Alarm.BuzzerOn,
                Procedure = Procedure.Telemetry(),
            };
        }
    }

    public RobotStatus Status()
    {
        lock (_gate) return StatusUnlocked();
    }

    // ---------------- internals (call under the lock) ----------------

    private void EmergencyStop(FailsafeCause cause)
    {
        lock (_gate)
        {
            var already = _supervisor.EmergencyStopLatched;
            _supervisor.LatchEmergencyStop(cause);
            _executor.OnEmergencyStop();
            if (!already)
            {
                _log.LogWarning("EMERGENCY STOP latched ({Cause})", cause);
                Raise("emergencyStop", "alarm", FailsafeTable.For(cause).Description);
            }
            MarkStateChanged();
        }
    }

    private RobotStatus StatusUnlocked() => new()
    {
        SerialNumber = _identity.SerialNumber,
        OperatingMode = _supervisor.TeleopActive ? OperatingMode.Manual : OperatingMode.Automatic,
        Activity = ActivityUnlocked(),
        EmergencyStop = EStopUnlocked(),
        Pose = Pose(_hw.Pose.Pose),
        LiftHeightM = Math.Round(_hw.Lift.Height.Meters, 4),
        Battery = Battery(),
        Detector = Detector(_hw.DoseProbe.Read()),
        OrderId = _executor.OrderId,
        Driving = _executor.Driving,
        Paused = _executor.Paused,
        Errors = _supervisor.ActiveCauses.Select(c => new VdaError
        {
            ErrorType = FailsafeTable.For(c).ErrorType,
            ErrorDescription = FailsafeTable.For(c).Description,
            ErrorLevel = FailsafeTable.For(c).Action >= FailsafeAction.Hold ? ErrorLevel.Fatal : ErrorLevel.Warning,
        }).ToList(),
    };

    private string ActivityUnlocked() =>
        _supervisor.EmergencyStopLatched ? "emergencyStop"
        : _supervisor.Action == FailsafeAction.Hold ? "hold"
        : _supervisor.TeleopActive ? "teleop"
        : Procedure.State != ProcedureState.Idle ? (_executor.Paused ? "paused" : "inspecting")
        : _executor.HasActiveOrder ? (_executor.Paused ? "paused" : "order")
        : "idle";

    private EmergencyStopTelemetry EStopUnlocked() => new()
    {
        Latched = _supervisor.EmergencyStopLatched,
        Source = _supervisor.ActiveCauses.Contains(FailsafeCause.EmergencyStopInput) ? "input"
            : _supervisor.ActiveCauses.Contains(FailsafeCause.EmergencyStopCommand) ? "command" : "none",
        InputOpen = _hw.EmergencyStop.IsOpen,
    };

    private BatteryTelemetry Battery() => new()
    {
        ChargePercent = Math.Round(_hw.Battery.StateOfCharge.Percent, 2),
        VoltageV = Math.Round(_hw.Battery.Voltage.Volts, 3),
        CurrentA = Math.Round(_hw.Battery.Current.Amperes, 3),
    };

    private static DetectorTelemetry Detector(DoseRateReading r) => new()
    {
        Status = r.Status switch
        {
            DetectorStatus.Ok => "ok",
            DetectorStatus.WarmingUp => "warmingUp",
            DetectorStatus.Fault => "fault",
            DetectorStatus.Saturated => "saturated",
            DetectorStatus.Silent => "silent",
            _ => "unknown",
        },
        DoseRateUSvPerH = double.IsFinite(r.RawMicroSievertPerHour) ? Math.Round(r.RawMicroSievertPerHour, 5) : null,
        CountsPerSecond = r.CountsPerSecond is { } c && double.IsFinite(c) ? Math.Round(c, 2) : null,
    };

    private PoseDto Pose(Pose p) => new() { X = Math.Round(p.X.Meters, 4), Y = Math.Round(p.Y.Meters, 4), Theta = Math.Round(p.Heading.Radians, 4), MapId = _identity.MapId };

    private AgvPosition Position(Pose p) => new()
    {
        X = Math.Round(p.X.Meters, 4),
        Y = Math.Round(p.Y.Meters, 4),
        Theta = Math.Round(PoseController.WrapAngle(p.Heading.Radians), 4),
        MapId = _identity.MapId,
        PositionInitialized = _hw.Pose.IsInitialized,
    };

    private CommandResponse Response(CommandRequest request, string code, string message, DateTimeOffset now) => new()
    {
        CommandId = request.CommandId,
        Command = request.Command,
        Accepted = code == "ok",
        Code = code,
        Message = message,
        Timestamp = now,
    };

    private ProtocolError Refuse(ProtocolError error, string what, string id)
    {
        _log.LogWarning("{What} {Id} refused: {Error}", what, id, error);
        AddInputError(error.Code, error.Message, ErrorLevel.Warning, ("topic", what), ("id", id), ("field", error.Field ?? "$"));
        return error;
    }

    private void AddInputError(string type, string description, ErrorLevel level, params (string Key, string Value)[] refs)
    {
        var error = new VdaError
        {
            ErrorType = type,
            ErrorDescription = description.Length > 500 ? description[..500] : description,
            ErrorLevel = level,
            ErrorReferences = refs.Select(r => new ErrorReference { ReferenceKey = r.Key, ReferenceValue = r.Value.Length > 200 ? r.Value[..200] : r.Value }).ToList(),
        };
        _inputErrors.Add((error, _time.GetUtcNow()));
        Interlocked.Increment(ref _inputErrorsTotal);
        // Bounded: a flood of bad input must not grow the state message without limit.
        if (_inputErrors.Count > 20) _inputErrors.RemoveAt(0);
        MarkStateChanged();
    }

    private void PruneInputErrors(DateTimeOffset now)
    {
        var removed = _inputErrors.RemoveAll(e => now - e.At > _telemetry.InputErrorRetention);
        if (removed > 0) MarkStateChanged();
    }

    private void OnCauseChanged(FailsafeCause cause, bool active)
    {
        MarkStateChanged();
        if (cause is FailsafeCause.TeleopDeadman && active)
        {
            Raise("teleopExpired", "info", "teleop stream stopped: robot stopped (dead-man)");
        }
        else if (cause is FailsafeCause.BatteryCritical or FailsafeCause.BatteryLow or FailsafeCause.BrokerLinkLost && active)
        {
            Raise(FailsafeTable.For(cause).ErrorType, "warning", FailsafeTable.For(cause).Description);
        }
    }

    private void Raise(string kind, string severity, string message)
    {
        var e = new RobotEvent { Timestamp = _time.GetUtcNow(), Seq = Interlocked.Increment(ref _eventSeq), Kind = kind, Severity = severity, Message = message };
        try
        {
            EventRaised?.Invoke(e);
        }
        catch (Exception ex)
        {
            _log.LogError(ex, "event handler failed");
        }
    }

    private static string By(string? operatorId) => operatorId is null ? "" : $" by {operatorId}";

    private void MarkStateChanged() => Interlocked.Increment(ref _stateVersion);
}

/// <summary>What the procedure needs: the measurement profile, the instrument's calibration, where to work, and the journal.</summary>
public sealed record ProcedureSetup(MeasurementProfileOptions Profile, InstrumentOptions Instrument, ProcedureOptions Options, JournalWriter Journal);
