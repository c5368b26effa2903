namespace Robot.Host.Measurement;

/// <summary>
/// ISO 6346 container numbers: owner code (3 letters), category (U, J or Z), serial (6 digits) and
/// a check digit computed from the first ten characters (letters map to 10..38 skipping multiples
/// of 11; each value is weighted by 2^position; the sum mod 11, with 10 written as 0).
/// </summary>
public static class Iso6346
{
    public static string? Validate(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return "the container number is empty";
        var n = number.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (n.Length != 11) return $"'{number}' has {n.Length} characters; an ISO 6346 number has 11 (e.g. CSQU3054383)";
        for (var i = 0; i < 4; i++)
        {
            if (n[i] is < 'A' or > 'Z') return $"'{number}': the first four characters must be letters";
        }
        if (n[3] is not ('U' or 'J' or 'Z')) return $"'{number}': the fourth letter (category) must be U, J or Z";
        for (var i = 4; i < 11; i++)
        {
            if (n[i] is < '0' or > '9') return $"'{number}': characters 5 to 11 must be digits";
        }
        var expected = CheckDigit(n[..10]);
        var actual = n[10] - '0';
        return expected == actual ? null : $"'{number}': the check digit is {actual}, it should be {expected}";
    }

    public static string Normalize(string number) => number.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();

    public static int CheckDigit(string firstTen)
    {
        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            sum += Value(firstTen[i]) * (1 << i);
        }
        return sum % 11 % 10;
    }

    private static int Value(char c)
    {
        if (c is >= '0' and <= '9') return c - '0';
        // A=10, then skip 11, 22, 33 (multiples of 11).
        var v = 10 + (c - 'A');
        if (v >= 11) v++;
        if (v >= 22) v++;
        if (v >= 33) v++;
        return v;
    }
}
