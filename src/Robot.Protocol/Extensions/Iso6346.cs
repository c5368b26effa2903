namespace Robot.Protocol.Extensions;

/// <summary>
/// ISO 6346 container numbers, checked by the remote before anything is sent and by the robot on receipt: owner
/// code (3 letters), category (U, J or Z), serial (6 digits) and a check digit over the first ten
/// characters (letters count 10..38 skipping multiples of 11, each weighted by 2^position; the sum
/// mod 11, with 10 written as 0).
/// </summary>
public static class Iso6346
{
    /// <summary>Null when the number is valid, otherwise why not (naming the expected check digit).</summary>
    public static string? Validate(string? number) => Problem(number);

    /// <summary>Null when the number is valid, otherwise why not (naming the expected check digit).</summary>
    public static string? Problem(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return "the container number is empty";
        var n = Normalize(number);
        if (n.Length != 11) return $"'{number}' has {n.Length} characters; an ISO 6346 number has 11 (e.g. CSQU3054383)";
        if (!n[..4].All(c => c is >= 'A' and <= 'Z')) return $"'{number}': the first four characters must be letters";
        if (n[3] is not ('U' or 'J' or 'Z')) return $"'{number}': the fourth letter (category) must be U, J or Z";
        if (!n[4..].All(char.IsAsciiDigit)) return $"'{number}': characters 5 to 11 must be digits";
        var expected = CheckDigit(n[..10]);
        var actual = n[10] - '0';
        return expected == actual ? null : $"'{number}': the check digit is {actual}, it should be {expected}";
    }

    /// <summary>Upper case without spaces, as the robot files it.</summary>
    public static string Normalize(string number) => number.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    public static int CheckDigit(string firstTen)
    {
        var sum = 0;
        for (var i = 0; i < 10; i++) sum += Value(firstTen[i]) << i;
        return sum % 11 % 10;
    }

    private static int Value(char c)
    {
        if (char.IsAsciiDigit(c)) return c - '0';
        var v = 10 + (c - 'A');
        // A = 10, and the values 11, 22 and 33 are skipped.
        if (v >= 11) v++;
        if (v >= 22) v++;
        if (v >= 33) v++;
        return v;
    }
}
