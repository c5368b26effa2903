using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Robot.Host.Configuration;

/// <summary>
/// Data-annotation validation that names the configuration key ("Safety:TickHz") in every failure,
/// so a maintainer reading one line knows what to fix.
/// </summary>
/// <remarks>
/// Trim and Native AOT safe: the options type's public properties are kept for reflection
/// (<see cref="DynamicallyAccessedMembersAttribute"/>), each property is validated on its own with
/// <see cref="Validator.TryValidateValue"/> (a display name given, so no reflection to find one), and
/// the attributes used on options are the trim-safe ones (no <c>Range(typeof(TimeSpan), ...)</c>: see
/// <see cref="TimeSpanRangeAttribute"/>). Same rules as <c>Validator.TryValidateObject</c> with
/// <c>validateAllProperties</c>: [Required] first, the other attributes only when it passes.
/// </remarks>
public sealed class SectionValidator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(
    string section, Func<TOptions, IEnumerable<string>>? extra = null) : IValidateOptions<TOptions>
    where TOptions : class
{
    private static readonly (PropertyInfo Property, ValidationAttribute[] Attributes)[] Validated = typeof(TOptions)
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
        .Select(p => (p, p.GetCustomAttributes<ValidationAttribute>(inherit: true).ToArray()))
        .Where(p => p.Item2.Length > 0)
        .ToArray();

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        foreach (var (property, attributes) in Validated)
        {
            var context = new ValidationContext(options, property.Name, serviceProvider: null, items: null) { MemberName = property.Name };
            Validator.TryValidateValue(property.GetValue(options), context, results, attributes);
        }
        var failures = results
            .Select(r => $"{section}:{string.Join(",", r.MemberNames)}: {Reason(r.ErrorMessage)}")
            .Concat((extra?.Invoke(options) ?? []).Select(e => $"{section}:{e}"))
            .ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // "The field TickHz must be between 10 and 1000." -> "must be between 10 and 1000"
    private static string Reason(string? message)
    {
        if (message is null) return "is not valid";
        var text = message.TrimEnd('.');
        if (text.StartsWith("The field ", StringComparison.Ordinal))
        {
            var rest = text["The field ".Length..];
            var space = rest.IndexOf(' ');
            if (space > 0) text = rest[(space + 1)..];
        }
        else if (text.StartsWith("The ", StringComparison.Ordinal) && text.Contains(" field is required", StringComparison.Ordinal))
        {
            text = "is required";
        }
        return text;
    }
}

/// <summary>
/// A TimeSpan within [minimum, maximum], both inclusive, written as TimeSpan text ("00:00:00.050").
/// The trim-safe stand-in for <c>[TimeSpanRange(min, max)]</c>, whose constructor needs a
/// TypeConverter found by reflection (not trim/AOT safe). Same message as RangeAttribute.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum) : ValidationAttribute(() => "The field {0} must be between {1} and {2}.")
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, System.Globalization.CultureInfo.InvariantCulture);
    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, System.Globalization.CultureInfo.InvariantCulture);

    public override bool IsValid(object? value) => value is not TimeSpan t || (t >= Minimum && t <= Maximum);

    public override string FormatErrorMessage(string name) =>
        string.Format(System.Globalization.CultureInfo.CurrentCulture, ErrorMessageString, name, minimum, maximum);
}

/// <summary>
/// A collection with at least <paramref name="count"/> items. The trim-safe stand-in for
/// <c>[MinLength(n)]</c> on arrays and lists (MinLengthAttribute may look for a Count property by reflection).
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class MinCountAttribute(int count) : ValidationAttribute(() => "The field {0} must have at least {1} item(s).")
{
    public int Count { get; } = count;

    public override bool IsValid(object? value) => value is not System.Collections.ICollection c || c.Count >= Count;

    public override string FormatErrorMessage(string name) =>
        string.Format(System.Globalization.CultureInfo.CurrentCulture, ErrorMessageString, name, Count);
}
