using System.Text.Json;
using Robot.Protocol.Extensions;

namespace Robot.Remote.Web;

/// <summary>The rectangle of the yard in map coordinates (metres): targets outside it are refused.</summary>
public sealed record YardBounds(double MinX, double MinY, double MaxX, double MaxY)
{
    public static readonly YardBounds Default = new(-50, -50, 200, 100);

    public bool Contains(double x, double y) => x >= MinX && x <= MaxX && y >= MinY && y <= MaxY;

    public string Describe() => $"x {MinX:0.##}..{MaxX:0.##} m, y {MinY:0.##}..{MaxY:0.##} m";
}

/// <summary>A container standing in the yard: ISO 6346 number, type, centre and heading of its long axis (radians).</summary>
public sealed record YardContainer(string Number, string Type, double X, double Y, double Theta)
{
    /// <summary>ISO 668 outside dimensions, metres.</summary>
    public double LengthM => Type == ContainerTypes.Twenty ? 6.058 : 12.192;
    public double WidthM => 2.438;

    /// <summary>True when (x, y) lies within <paramref name="marginM"/> of the container's footprint.</summary>
    public bool Covers(double x, double y, double marginM)
    {
        var (dx, dy) = (x - X, y - Y);
        var (c, s) = (Math.Cos(Theta), Math.Sin(Theta));
        var along = dx * c + dy * s;
        var across = -dx * s + dy * c;
        return Math.Abs(along) <= LengthM / 2 + marginM && Math.Abs(across) <= WidthM / 2 + marginM;
    }
}

/// <summary>What the yard map shows: the bounds and the containers (the file `serve --yard FILE` reads).</summary>
public sealed record YardLayout(YardBounds Bounds, IReadOnlyList<YardContainer> Containers)
{
    /// <summary>How close to a container wall a go-to point may be (the robot is about 0.8 m wide).</summary>
    public const double ContainerClearanceM = 0.5;

    /// <summary>Null when the layout is usable, otherwise the first problem, naming the field.</summary>
    public string? Problem()
    {
        var b = Bounds;
        if (!(double.IsFinite(b.MinX) && double.IsFinite(b.MinY) && double.IsFinite(b.MaxX) && double.IsFinite(b.MaxY)) || b.MinX >= b.MaxX || b.MinY >= b.MaxY)
            return $"bounds: minX < maxX and minY < maxY, all finite (got {b.MinX}, {b.MinY}, {b.MaxX}, {b.MaxY})";
        for (var i = 0; i < Containers.Count; i++)
        {
            var c = Containers[i];
            var problem = Iso6346.Problem(c.Number ?? "")
                ?? (ContainerTypes.All.Contains(c.Type ?? "") ? null : $"type must be one of {string.Join(", ", ContainerTypes.All)}")
                ?? (double.IsFinite(c.X) && double.IsFinite(c.Y) && b.Contains(c.X, c.Y) ? null : $"({c.X}, {c.Y}) is outside the bounds ({b.Describe()})")
                ?? (double.IsFinite(c.Theta) && Math.Abs(c.Theta) <= 2 * Math.PI ? null : "theta must be radians within ±2π");
            if (problem is not null) return $"containers[{i}] ({c.Number}): {problem}";
        }
        return null;
    }

    /// <summary>Read a layout file; throws <see cref="ArgumentException"/> with a clear message when it is unusable.</summary>
    public static YardLayout Load(string path)
    {
        YardLayout? layout;
        try
        {
            layout = JsonSerializer.Deserialize(File.ReadAllText(path), WebJson.Default.YardLayout);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"yard file {path}: not a yard layout: {ex.Message}");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"yard file {path}: {ex.Message}");
        }
        if (layout?.Bounds is null || layout.Containers is null)
            throw new ArgumentException($"yard file {path}: needs \"bounds\" {{minX, minY, maxX, maxY}} and \"containers\" [{{number, type, x, y, theta}}]");
        layout = layout with { Containers = [.. layout.Containers.Select(c => c with { Number = Iso6346.Normalize(c.Number ?? "") })] };
        if (layout.Problem() is { } problem) throw new ArgumentException($"yard file {path}: {problem}");
        return layout;
    }
}
