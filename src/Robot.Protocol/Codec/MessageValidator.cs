using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Protocol.Codec;

/// <summary>
/// Range checks the JSON types alone cannot express: lengths, finite numbers, angles, counts.
/// These are protocol-level sanity limits; the robot applies its own tighter limits from config.
/// </summary>
public static class MessageValidator
{
    public const int MaxIdLength = 64;
    public const int MaxTextLength = 512;
    /// <summary>With node positions, 500 nodes and their edges stay well inside the 256 KiB payload limit.</summary>
    public const int MaxNodes = 500;
    public const int MaxActionsPerElement = 32;
    public const int MaxActionParameters = 32;
    /// <summary>Yard coordinates are metres from the map origin; a port yard is a few km at most.</summary>
    public const double MaxCoordinate = 100_000;
    public const double MaxLinearSpeed = 5.0;
    public const double MaxAngularSpeed = 10.0;
    public const double MaxLiftSpeed = 2.0;
    public const int MaxTeleopTtlMs = 2000;

    public static ProtocolError? ValidateHeader(Vda5050Message m)
    {
        if (m.HeaderId < 0) return Range("headerId", "must be 0 or more");
        if (!m.Version.StartsWith("2.", StringComparison.Ordinal))
        {
            return new ProtocolError(ProtocolErrorCode.WrongVersion, $"version '{Clip(m.Version)}' is not VDA 5050 2.x", "$.version");
        }
        return Id(m.Manufacturer, "manufacturer") ?? Id(m.SerialNumber, "serialNumber");
    }

    public static ProtocolError? Validate(Order o)
    {
        var e = ValidateHeader(o) ?? Id(o.OrderId, "orderId");
        if (e is not null) return e;
        if (o.OrderUpdateId < 0) return Range("orderUpdateId", "must be 0 or more");
        if (o.Nodes.Count == 0) return Range("nodes", "an order needs at least one node");
        if (o.Nodes.Count > MaxNodes) return Range("nodes", $"at most {MaxNodes} nodes");
        if (o.Edges.Count > MaxNodes) return Range("edges", $"at most {MaxNodes} edges");
        for (var i = 0; i < o.Nodes.Count; i++)
        {
            var n = o.Nodes[i];
            var at = $"nodes[{i}]";
            if (n is null) return Null(at);
            e = Id(n.NodeId, at + ".nodeId") ?? Seq(n.SequenceId, at + ".sequenceId") ?? Actions(n.Actions, at + ".actions");
            if (e is not null) return e;
            if (n.NodePosition is { } p)
            {
                e = Coord(p.X, at + ".nodePosition.x") ?? Coord(p.Y, at + ".nodePosition.y") ?? Id(p.MapId, at + ".nodePosition.mapId");
                if (e is not null) return e;
                if (p.Theta is { } t && !(Math.Abs(t) <= 3.14159265359)) return Range(at + ".nodePosition.theta", "must be within [-pi, pi]");
                if (p.AllowedDeviationXY is { } d && !(d >= 0 && d <= 1000)) return Range(at + ".nodePosition.allowedDeviationXY", "must be within [0, 1000] m");
                if (p.AllowedDeviationTheta is { } dt && !(Math.Abs(dt) <= 3.141592654)) return Range(at + ".nodePosition.allowedDeviationTheta", "must be within [-pi, pi]");
            }
        }
        for (var i = 0; i < o.Edges.Count; i++)
        {
            var ed = o.Edges[i];
            var at = $"edges[{i}]";
            if (ed is null) return Null(at);
            e = Id(ed.EdgeId, at + ".edgeId") ?? Seq(ed.SequenceId, at + ".sequenceId") ?? Id(ed.StartNodeId, at + ".startNodeId")
                ?? Id(ed.EndNodeId, at + ".endNodeId") ?? Actions(ed.Actions, at + ".actions");
            if (e is not null) return e;
            if (ed.Orientation is { } or && !(Math.Abs(or) <= 3.14159265359)) return Range(at + ".orientation", "must be within [-pi, pi]");
            if (ed.Trajectory is { } tr)
            {
                if (tr.Degree < 1) return Range(at + ".trajectory.degree", "must be 1 or more");
                for (var j = 0; j < tr.KnotVector.Count; j++)
                {
                    if (!(tr.KnotVector[j] is >= 0 and <= 1)) return Range($"{at}.trajectory.knotVector[{j}]", "must be within [0, 1]");
                }
                for (var j = 0; j < tr.ControlPoints.Count; j++)
                {
                    if (tr.ControlPoints[j] is null) return Null($"{at}.trajectory.controlPoints[{j}]");
                    if (tr.ControlPoints[j].Weight is { } wt && !(wt >= 0 && double.IsFinite(wt))) return Range($"{at}.trajectory.controlPoints[{j}].weight", "must be 0 or more");
                }
            }
            if (ed.Corridor is { } c)
            {
                if (!(c.LeftWidth >= 0 && double.IsFinite(c.LeftWidth))) return Range(at + ".corridor.leftWidth", "must be 0 or more");
                if (!(c.RightWidth >= 0 && double.IsFinite(c.RightWidth))) return Range(at + ".corridor.rightWidth", "must be 0 or more");
                if (c.CorridorRefPoint is not (null or "KINEMATICCENTER" or "CONTOUR"))
                {
                    return new ProtocolError(ProtocolErrorCode.SchemaViolation, "must be KINEMATICCENTER or CONTOUR", "$." + at + ".corridor.corridorRefPoint");
                }
            }
            if (ed.MaxSpeed is { } v && !(v > 0 && v <= MaxLinearSpeed)) return Range(at + ".maxSpeed", $"must be within (0, {MaxLinearSpeed}] m/s");
            if (ed.MaxRotationSpeed is { } w && !(w > 0 && w <= MaxAngularSpeed)) return Range(at + ".maxRotationSpeed", $"must be within (0, {MaxAngularSpeed}] rad/s");
        }
        return null;
    }

    public static ProtocolError? Validate(InstantActions a) =>
        ValidateHeader(a) ?? (a.Actions.Count == 0 ? Range("actions", "at least one action") : Actions(a.Actions, "actions"));

    public static ProtocolError? Validate(State s) => ValidateHeader(s);

    public static ProtocolError? Validate(TeleopCommand t)
    {
        var e = Id(t.CommandId, "commandId") ?? OptionalId(t.OperatorId, "operatorId");
        if (e is not null) return e;
        if (t.TtlMs < 1 || t.TtlMs > MaxTeleopTtlMs) return Range("ttlMs", $"must be within [1, {MaxTeleopTtlMs}] ms");
        if (!Within(t.LinearMps, MaxLinearSpeed)) return Range("linearMps", $"must be within ±{MaxLinearSpeed} m/s");
        if (!Within(t.AngularRadps, MaxAngularSpeed)) return Range("angularRadps", $"must be within ±{MaxAngularSpeed} rad/s");
        if (!Within(t.LiftMps, MaxLiftSpeed)) return Range("liftMps", $"must be within ±{MaxLiftSpeed} m/s");
        return null;
    }

    public static ProtocolError? Validate(CommandRequest c)
    {
        var e = Id(c.CommandId, "commandId") ?? OptionalId(c.OperatorId, "operatorId");
        if (e is not null) return e;
        if (!CommandNames.All.Contains(c.Command))
        {
            return new ProtocolError(ProtocolErrorCode.UnknownCommand, $"unknown command '{Clip(c.Command)}'; known: {string.Join(", ", CommandNames.All)}", "$.command");
        }
        if (c.ExpiresAt <= c.IssuedAt) return Range("expiresAt", "must be after issuedAt");
        if (c.Command == CommandNames.GetReport)
        {
            if (c.ReportId is null) return new ProtocolError(ProtocolErrorCode.SchemaViolation, "getReport needs reportId", "$.reportId");
            var bad = Id(c.ReportId, "reportId");
            if (bad is not null) return bad;
        }
        if (c.Limit is { } limit && limit is < 1 or > 200) return Range("limit", "must be within [1, 200]");
        if (c.Command == CommandNames.LiftTo)
        {
            if (c.HeightM is not { } h) return new ProtocolError(ProtocolErrorCode.SchemaViolation, "liftTo needs heightM", "$.heightM");
            if (!(h >= 0 && h <= 20)) return Range("heightM", "must be within [0, 20] m");
        }
        return null;
    }

    public static ProtocolError? Validate(OperatorPresence p) => Id(p.OperatorId, "operatorId");

    public static ProtocolError? Validate(ReportAck a)
    {
        var e = Id(a.ReportId, "reportId") ?? Id(a.AckedBy, "ackedBy");
        if (e is not null) return e;
        return a.ReportHash.Length == 64 && a.ReportHash.All(Uri.IsHexDigit) ? null : Range("reportHash", "must be 64 hexadecimal digits (SHA-256)");
    }

    private static ProtocolError? Actions(IReadOnlyList<VdaAction> actions, string at)
    {
        if (actions.Count > MaxActionsPerElement) return Range(at, $"at most {MaxActionsPerElement} actions");
        for (var i = 0; i < actions.Count; i++)
        {
            var a = actions[i];
            if (a is null) return Null($"{at}[{i}]");
            var e = Id(a.ActionType, $"{at}[{i}].actionType") ?? Id(a.ActionId, $"{at}[{i}].actionId");
            if (e is not null) return e;
            if (a.ActionDescription is { Length: > MaxTextLength }) return Range($"{at}[{i}].actionDescription", $"at most {MaxTextLength} characters");
            if (a.ActionParameters is { } ps)
            {
                if (ps.Count > MaxActionParameters) return Range($"{at}[{i}].actionParameters", $"at most {MaxActionParameters} parameters");
                for (var j = 0; j < ps.Count; j++)
                {
                    if (ps[j] is null) return Null($"{at}[{i}].actionParameters[{j}]");
                    e = Id(ps[j].Key, $"{at}[{i}].actionParameters[{j}].key");
                    if (e is not null) return e;
                    if (ps[j].Value.ValueKind is System.Text.Json.JsonValueKind.Null or System.Text.Json.JsonValueKind.Undefined)
                    {
                        return new ProtocolError(ProtocolErrorCode.SchemaViolation, "value must not be null", $"$.{at}[{i}].actionParameters[{j}].value");
                    }
                }
            }
        }
        return null;
    }

    private static ProtocolError? Id(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value)) return new ProtocolError(ProtocolErrorCode.SchemaViolation, "must not be empty", "$." + field);
        if (value.Length > MaxIdLength) return Range(field, $"at most {MaxIdLength} characters");
        foreach (var ch in value)
        {
            // Ids end up in topics and logs: no MQTT wildcards, separators or control characters.
            if (char.IsControl(ch) || ch is '+' or '#' or '/') return Range(field, "must not contain control characters, '+', '#' or '/'");
        }
        return null;
    }

    private static ProtocolError? OptionalId(string? value, string field) => value is null ? null : Id(value, field);

    private static ProtocolError? Seq(long value, string field) => value < 0 ? Range(field, "must be 0 or more") : null;

    private static ProtocolError? Coord(double value, string field) =>
        Within(value, MaxCoordinate) ? null : Range(field, $"must be a finite number within ±{MaxCoordinate} m");

    private static bool Within(double value, double limit) => double.IsFinite(value) && Math.Abs(value) <= limit;

    // System.Text.Json's RespectNullableAnnotations does not cover list elements: [null] gets through deserialization.
    private static ProtocolError Null(string field) => new(ProtocolErrorCode.SchemaViolation, "must not be null", "$." + field);

    private static ProtocolError Range(string field, string why) => new(ProtocolErrorCode.ValueOutOfRange, $"{field} {why}", "$." + field);

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
