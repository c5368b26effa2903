using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Robot.Protocol.Extensions;
using Robot.Protocol.Topics;
using Robot.Protocol.Vda5050;

namespace Robot.Protocol.Codec;

/// <summary>The result of decoding one MQTT message: a typed message or a typed error, never an exception.</summary>
public readonly struct DecodeResult
{
    private DecodeResult(TopicAddress address, object? message, ProtocolError? error)
    {
        Address = address;
        Message = message;
        Error = error;
    }

    public TopicAddress Address { get; }
    public object? Message { get; }
    public ProtocolError? Error { get; }
    public bool IsSuccess => Error is null;

    public static DecodeResult Ok(TopicAddress address, object message) => new(address, message, null);
    public static DecodeResult Fail(TopicAddress address, ProtocolError error) => new(address, null, error);
}

/// <summary>
/// One codec for every topic: encode a message to UTF-8 JSON; decode topic + payload into a typed,
/// range-checked message. Used by the host, the remote, the simulator and the tests alike.
/// </summary>
public static class ProtocolCodec
{
    /// <summary>Default largest payload accepted (bytes). An order of MessageValidator.MaxNodes nodes fits within it.</summary>
    public const int DefaultMaxPayloadBytes = 256 * 1024;

    private static readonly ProtocolJsonContext Context = ProtocolJsonContext.Default;

    public static byte[] Encode<T>(T message) where T : notnull =>
        JsonSerializer.SerializeToUtf8Bytes(message, (JsonTypeInfo<T>)Context.GetTypeInfo(typeof(T))!);

    public static string EncodeToString<T>(T message) where T : notnull =>
        JsonSerializer.Serialize(message, (JsonTypeInfo<T>)Context.GetTypeInfo(typeof(T))!);

    /// <summary>Decode and validate a payload that arrived on <paramref name="topic"/>.</summary>
    public static DecodeResult Decode(string topic, ReadOnlySpan<byte> payload, int maxPayloadBytes = DefaultMaxPayloadBytes)
    {
        if (!TopicScheme.TryParse(topic, out var address))
        {
            return DecodeResult.Fail(default, new ProtocolError(ProtocolErrorCode.UnknownTopic, $"topic '{Truncate(topic)}' is not part of the protocol"));
        }
        if (payload.Length > maxPayloadBytes)
        {
            return DecodeResult.Fail(address, new ProtocolError(ProtocolErrorCode.PayloadTooLarge, $"payload is {payload.Length} bytes, the limit is {maxPayloadBytes}"));
        }
        return address.Kind switch
        {
            MessageKind.Order => Typed(address, payload, Context.Order, MessageValidator.Validate),
            MessageKind.InstantActions => Typed(address, payload, Context.InstantActions, MessageValidator.Validate),
            MessageKind.State => Typed(address, payload, Context.State, MessageValidator.Validate),
            MessageKind.Visualization => Typed(address, payload, Context.Visualization, MessageValidator.ValidateHeader),
            MessageKind.Connection => Typed(address, payload, Context.Connection, MessageValidator.ValidateHeader),
            MessageKind.Factsheet => Typed(address, payload, Context.Factsheet, MessageValidator.ValidateHeader),
            MessageKind.Teleop => Typed(address, payload, Context.TeleopCommand, MessageValidator.Validate),
            MessageKind.Telemetry => Typed(address, payload, Context.Telemetry, static _ => null),
            MessageKind.Command => Typed(address, payload, Context.CommandRequest, MessageValidator.Validate),
            MessageKind.Operator => Typed(address, payload, Context.OperatorPresence, MessageValidator.Validate),
            MessageKind.Event => Typed(address, payload, Context.RobotEvent, static _ => null),
            MessageKind.Response => Typed(address, payload, Context.CommandResponse, static _ => null),
            MessageKind.Report => Typed(address, payload, Context.InspectionReport, static _ => null),
            MessageKind.ReportAck => Typed(address, payload, Context.ReportAck, MessageValidator.Validate),
            _ => DecodeResult.Fail(address, new ProtocolError(ProtocolErrorCode.UnknownTopic, "unsupported topic")),
        };
    }

    /// <summary>Decode a payload as a known type (for responses, which arrive on per-client topics).</summary>
    public static bool TryDecode<T>(ReadOnlySpan<byte> payload, out T? message, out ProtocolError? error) where T : class
    {
        var result = Parse(payload, (JsonTypeInfo<T>)Context.GetTypeInfo(typeof(T))!);
        message = result.Message;
        error = result.Error;
        return error is null;
    }

    private static DecodeResult Typed<T>(TopicAddress address, ReadOnlySpan<byte> payload, JsonTypeInfo<T> typeInfo, Func<T, ProtocolError?> validate) where T : class
    {
        var (message, error) = Parse(payload, typeInfo);
        if (error is not null)
        {
            return DecodeResult.Fail(address, error);
        }
        var invalid = validate(message!);
        return invalid is null ? DecodeResult.Ok(address, message!) : DecodeResult.Fail(address, invalid);
    }

    private static (T? Message, ProtocolError? Error) Parse<T>(ReadOnlySpan<byte> payload, JsonTypeInfo<T> typeInfo) where T : class
    {
        if (payload.IsEmpty)
        {
            return (null, new ProtocolError(ProtocolErrorCode.MalformedJson, "payload is empty"));
        }
        try
        {
            var message = JsonSerializer.Deserialize(payload, typeInfo);
            return message is null
                ? (null, new ProtocolError(ProtocolErrorCode.SchemaViolation, "payload is JSON null, an object is required"))
                : (message, null);
        }
        catch (JsonException ex)
        {
            // Not JSON at all, or JSON of the wrong shape (wrong type, missing field, unknown enum)?
            var code = IsSyntaxError(payload) ? ProtocolErrorCode.MalformedJson : ProtocolErrorCode.SchemaViolation;
            return (null, new ProtocolError(code, FirstSentence(ex.Message), ex.Path));
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException or FormatException or OverflowException)
        {
            return (null, new ProtocolError(ProtocolErrorCode.SchemaViolation, FirstSentence(ex.Message)));
        }
    }

    /// <summary>True when the bytes are not well-formed JSON at all (as opposed to JSON of the wrong shape).</summary>
    private static bool IsSyntaxError(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
            }
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private static string FirstSentence(string text)
    {
        var cut = text.IndexOf(". Path:", StringComparison.Ordinal);
        return Truncate(cut > 0 ? text[..cut] : text, 300);
    }

    private static string Truncate(string text, int max = 120) => text.Length <= max ? text : text[..max] + "…";
}
