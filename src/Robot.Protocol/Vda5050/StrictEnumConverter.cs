using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Robot.Protocol.Vda5050;

/// <summary>
/// VDA 5050 enumerations on the wire: a JSON string spelled exactly as the specification
/// (the <see cref="JsonStringEnumMemberNameAttribute"/> names, case-sensitive). JsonStringEnumConverter
/// alone also reads integers (0, 99), numeric strings ("1") and comma lists ("HARD, SOFT"), which give
/// values the schemas forbid and undefined enum values; those are refused here.
/// </summary>
public sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
{
    private static readonly (Dictionary<string, TEnum> ByName, Dictionary<TEnum, string> ByValue) Names = BuildNames();

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && Names.ByName.TryGetValue(reader.GetString()!, out var value))
        {
            return value;
        }
        throw new JsonException($"{typeof(TEnum).Name} must be one of {string.Join(", ", Names.ByName.Keys)}");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        if (!Names.ByValue.TryGetValue(value, out var name))
        {
            throw new JsonException($"{value} is not a defined {typeof(TEnum).Name}");
        }
        writer.WriteStringValue(name);
    }

    // The wire names come from JsonStringEnumConverter itself, so the attributes stay the one source of truth.
    private static (Dictionary<string, TEnum>, Dictionary<TEnum, string>) BuildNames()
    {
        // A plain options instance: the enum converter reads no type metadata from it (JsonSerializerOptions.Default
        // would bring the reflection resolver, which is not trim/AOT safe).
        var options = new JsonSerializerOptions();
        var names = (JsonConverter<TEnum>)new JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false).CreateConverter(typeof(TEnum), options)!;
        var byName = new Dictionary<string, TEnum>(StringComparer.Ordinal);
        var byValue = new Dictionary<TEnum, string>();
        foreach (var value in Enum.GetValues<TEnum>())
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                names.Write(writer, value, options);
            }
            var reader = new Utf8JsonReader(buffer.WrittenSpan);
            reader.Read();
            var name = reader.GetString()!;
            byName[name] = value;
            byValue[value] = name;
        }
        return (byName, byValue);
    }
}
