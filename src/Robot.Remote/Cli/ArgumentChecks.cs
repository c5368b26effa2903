using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Robot.Remote.Cli;

/// <summary>Range and shape checks on arguments, reported by System.CommandLine as parse errors naming the option.</summary>
internal static class ArgumentChecks
{
    public const int MaxIdLength = 64;

    /// <summary>Adds an error when the option's value is outside the range (NaN is always outside).</summary>
    public static void Range(OptionResult result, Option<double> option, double min, bool minInclusive, double max, bool maxInclusive, string unit)
    {
        if (!TryGetValue(result, out double value)) return;
        var aboveMin = minInclusive ? value >= min : value > min;
        var belowMax = maxInclusive ? value <= max : value < max;
        if (aboveMin && belowMax) return;
        var range = (min == -max && minInclusive && maxInclusive)
            ? $"within ±{F(max)} {unit}"
            : $"within {(minInclusive ? "[" : "(")}{F(min)}, {F(max)}{(maxInclusive ? "]" : ")")} {unit}";
        result.AddError($"{option.Name} {F(value)} is out of range: it must be {range}");
    }

    public static void Range(OptionResult result, Option<int> option, int min, int max, string unit)
    {
        if (!TryGetValue(result, out int value)) return;
        if (value >= min && value <= max) return;
        result.AddError($"{option.Name} {value} is out of range: it must be within [{min}, {max}] {unit}".TrimEnd());
    }

    /// <summary>Ids go into topics: 1 to 64 characters, no MQTT wildcards, '/' or control characters.</summary>
    public static void Id(OptionResult result, Option<string> option)
    {
        if (IdProblem(result.GetValueOrDefault<string>()) is { } problem) result.AddError($"{option.Name}: {problem}");
    }

    public static void Id(ArgumentResult result, Argument<string> argument)
    {
        if (IdProblem(result.GetValueOrDefault<string>()) is { } problem) result.AddError($"{argument.Name}: {problem}");
    }

    /// <summary>The option's value, when given, must be one of <paramref name="allowed"/> (exactly as spelled).</summary>
    public static void OneOf(OptionResult result, Option option, IReadOnlyList<string> allowed)
    {
        var value = result.GetValueOrDefault<string?>();
        if (value is null || allowed.Contains(value, StringComparer.Ordinal)) return;
        result.AddError($"{option.Name} '{value}' is not one of {string.Join(", ", allowed)}");
    }

    /// <summary>
    /// Validators run even when the text did not convert (for example "--to high"); System.CommandLine
    /// reports that error itself, so there is nothing to range-check then.
    /// </summary>
    public static bool TryGetValue<T>(OptionResult result, out T? value)
    {
        try
        {
            value = result.GetValueOrDefault<T>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = default;
            return false;
        }
    }

    private static string? IdProblem(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return "must not be empty";
        if (value.Length > MaxIdLength) return $"at most {MaxIdLength} characters";
        foreach (var ch in value)
        {
            if (char.IsControl(ch) || ch is '+' or '#' or '/') return $"'{value}' must not contain '+', '#', '/' or control characters";
        }
        return null;
    }

    private static string F(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
