using Robot.Host.Configuration;
using Robot.Host.Motion;
using Robot.Protocol.Codec;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Host.Link;

/// <summary>What the robot tells a fleet manager about itself (VDA 5050 factsheet).</summary>
public static class FactsheetBuilder
{
    public static Factsheet Build(long headerId, DateTimeOffset now, RobotIdentityOptions id, SafetyOptions safety, TelemetryOptions telemetry, double liftMin, double liftMax) => new()
    {
        HeaderId = headerId,
        Timestamp = now,
        Version = TopicScheme.VdaProtocolVersion,
        Manufacturer = id.Manufacturer,
        SerialNumber = id.SerialNumber,
        TypeSpecification = new TypeSpecification
        {
            SeriesName = id.SeriesName,
            SeriesDescription = "Gamma dose-rate survey robot with a probe on a lift mast (SN/T 0570-2007 container inspection)",
            AgvKinematic = "DIFF",
            AgvClass = "CARRIER",
            MaxLoadMass = 0,
            LocalizationTypes = ["NATURAL"],
            NavigationTypes = ["AUTONOMOUS"],
        },
        PhysicalParameters = new PhysicalParameters
        {
            SpeedMin = 0,
            SpeedMax = safety.MaxLinearSpeedMps,
            AccelerationMax = 0.5,
            DecelerationMax = 0.5,
            HeightMin = liftMin,
            HeightMax = liftMax,
            Width = 0.7,
            Length = 1.0,
        },
        ProtocolLimits = new ProtocolLimits
        {
            MaxStringLens = new MaxStringLens { MsgLen = telemetry.MaxPayloadBytes, IdLen = MessageValidator.MaxIdLength, TopicSerialLen = 64, TopicElemLen = 64, IdNumericalOnly = false, EnumLen = 32 },
            MaxArrayLens = new MaxArrayLens
            {
                OrderNodes = MessageValidator.MaxNodes,
                OrderEdges = MessageValidator.MaxNodes,
                NodeActions = MessageValidator.MaxActionsPerElement,
                EdgeActions = MessageValidator.MaxActionsPerElement,
                ActionsParameters = MessageValidator.MaxActionParameters,
                InstantActions = MessageValidator.MaxActionsPerElement,
                StateErrors = 32,
            },
            Timing = new Timing
            {
                MinOrderInterval = 0.1,
                MinStateInterval = 0.1,
                DefaultStateInterval = telemetry.StateMaxInterval.TotalSeconds,
                VisualizationInterval = 1.0 / telemetry.VisualizationRateHz,
            },
        },
        // blockingTypes is left out on purpose: the official 2.1.0 factsheet schema rejects any array there.
        ProtocolFeatures = new ProtocolFeatures
        {
            OptionalParameters =
            [
                new OptionalParameter { Parameter = "order.nodes.nodePosition", Support = "REQUIRED", Description = "the robot drives to node positions" },
                new OptionalParameter { Parameter = "order.edges.maxSpeed", Support = "SUPPORTED" },
                new OptionalParameter { Parameter = "order.nodes.nodePosition.allowedDeviationXY", Support = "SUPPORTED" },
                new OptionalParameter { Parameter = "order.nodes.nodePosition.theta", Support = "SUPPORTED" },
            ],
            AgvActions =
            [
                new AgvActionDescription
                {
                    ActionType = "liftTo",
                    ActionDescription = "raise or lower the probe mast to a height; always waited for",
                    ActionScopes = ["NODE"],
                    ActionParameters = [new FactsheetActionParameter { Key = "heightM", ValueDataType = "NUMBER", Description = "probe height above ground, metres" }],
                },
                .. OrderExecutor.SupportedInstantActions.Select(a => new AgvActionDescription { ActionType = a, ActionScopes = ["INSTANT"] }),
            ],
        },
        AgvGeometry = new AgvGeometry
        {
            WheelDefinitions =
            [
                new WheelDefinition { Type = "DRIVE", IsActiveDriven = true, IsActiveSteered = false, Position = new WheelPosition { X = 0, Y = 0.3 }, Diameter = 0.25, Width = 0.08 },
                new WheelDefinition { Type = "DRIVE", IsActiveDriven = true, IsActiveSteered = false, Position = new WheelPosition { X = 0, Y = -0.3 }, Diameter = 0.25, Width = 0.08 },
            ],
        },
        LoadSpecification = new LoadSpecification(),
        VehicleConfig = new VehicleConfig
        {
            Versions = [new VersionEntry { Key = "robot-host", Value = typeof(FactsheetBuilder).Assembly.GetName().Version?.ToString() ?? "0" }],
        },
    };
}
