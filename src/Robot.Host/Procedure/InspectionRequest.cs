using System.Text.Json;
using Robot.Host.Measurement;
using Robot.Protocol.Codec;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;

namespace Robot.Host.Procedure;

/// <summary>What an inspectContainer or measureBackground action asks for, validated.</summary>
public sealed record InspectionRequest(
    string ActionId,
    bool BackgroundOnly,
    ContainerInfo? Container,
    string OperatorId,
    string? PointMode,
    bool ForceBackground)
{
    public const string InspectContainer = "inspectContainer";
    public const string MeasureBackground = "measureBackground";

    /// <summary>Parse the action's parameters; a bad parameter is a typed error naming it, and nothing starts.</summary>
    public static (InspectionRequest? Request, ProtocolError? Error) From(VdaAction action, string profileName, string defaultOperator)
    {
        var p = (action.ActionParameters ?? []).GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        string? Str(string key) => p.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        double? Num(string key) => p.TryGetValue(key, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;
        bool? Bool(string key) => p.TryGetValue(key, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;
        ProtocolError Bad(string key, string why) => new(ProtocolErrorCode.ValueOutOfRange, $"{action.ActionType}: {key} {why}", $"$.actionParameters[{key}]");

        var operatorId = Str("operatorId") ?? defaultOperator;
        if (Str("profile") is { } profile && profile != profileName)
            return (null, Bad("profile", $"'{profile}' is not the configured profile '{profileName}'"));
        var mode = Str("pointMode");
        if (mode is not null and not ("standard" or "sequential")) return (null, Bad("pointMode", "must be standard or sequential"));
        var force = Bool("measureBackground") ?? false;

        if (action.ActionType == MeasureBackground)
        {
            return (new InspectionRequest(action.ActionId, true, null, operatorId, mode, true), null);
        }
        var number = Str("containerNumber");
        if (number is null) return (null, Bad("containerNumber", "is required (ISO 6346, e.g. CSQU3054383)"));
        if (Iso6346.Validate(number) is { } why) return (null, Bad("containerNumber", why));
        var type = Str("containerType");
        if (type is null || !ContainerTypes.All.Contains(type)) return (null, Bad("containerType", $"must be one of {string.Join(", ", ContainerTypes.All)}"));
        var x = Num("x");
        var y = Num("y");
        var theta = Num("theta") ?? 0;
        if (x is null || y is null) return (null, Bad("x/y", "the container's centre in the yard (metres) is required"));
        if (Math.Abs(x.Value) > MessageValidator.MaxCoordinate || Math.Abs(y.Value) > MessageValidator.MaxCoordinate) return (null, Bad("x/y", "is outside the yard"));
        if (Math.Abs(theta) > Math.PI + 1e-9) return (null, Bad("theta", "must be within [-pi, pi]"));
        var container = new ContainerInfo { Number = Iso6346.Normalize(number), Type = type, X = x.Value, Y = y.Value, Theta = theta };
        return (new InspectionRequest(action.ActionId, false, container, operatorId, mode, force), null);
    }
}
