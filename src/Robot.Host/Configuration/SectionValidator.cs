using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Robot.Host.Configuration;

/// <summary>
/// Data-annotation validation that names the configuration key ("Safety:TickHz") in every failure,
/// so a maintainer reading one line knows what to fix.
/// </summary>
public sealed class SectionValidator<TOptions>(string section, Func<TOptions, IEnumerable<string>>? extra = null) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
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
