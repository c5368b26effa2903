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
                new AgvActionDescription
                {
                    ActionType = "inspectContainer",
                    ActionDescription = "SN/T 0570-2007 survey of a container: background (if stale), stations round every face at the profile heights, confirmation, hot-spot localisation, report",
                    ActionScopes = ["NODE"],
                    ActionParameters =
                    [
                        new FactsheetActionParameter { Key = "containerNumber", ValueDataType = "STRING", Description = "ISO 6346 number, check digit verified" },
                        new FactsheetActionParameter { Key = "containerType", ValueDataType = "STRING", Description = "20ft, 40ft or 40ftHC" },
                        new FactsheetActionParameter { Key = "x", ValueDataType = "NUMBER", Description = "container centre, metres" },
                        new FactsheetActionParameter { Key = "y", ValueDataType = "NUMBER", Description = "container centre, metres" },
                        new FactsheetActionParameter { Key = "theta", ValueDataType = "NUMBER", Description = "heading of the long axis towards the door end, radians", IsOptional = true },
                        new FactsheetActionParameter { Key = "profile", ValueDataType = "STRING", Description = "must name the configured profile", IsOptional = true },
                        new FactsheetActionParameter { Key = "pointMode", ValueDataType = "STRING", Description = "standard or sequential", IsOptional = true },
                        new FactsheetActionParameter { Key = "measureBackground", ValueDataType = "BOOL", Description = "measure a fresh background first", IsOptional = true },
                        new FactsheetActionParameter { Key = "operatorId", ValueDataType = "STRING", IsOptional = true },
                    ],
                    ResultDescription = "verdict and report id",
                },
                new AgvActionDescription
                {
                    ActionType = "measureBackground",
                    ActionDescription = "drive to the background spot and measure the local background (probe 1 m, mean of 5 readings)",
                    ActionScopes = ["NODE"],
                    ResultDescription = "background dose rate",
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
