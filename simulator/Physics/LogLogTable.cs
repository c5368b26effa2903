namespace Robot.Simulator.Physics;

/// <summary>A positive function of photon energy given at points, interpolated linearly in log-log and clamped to the ends.</summary>
internal sealed class LogLogTable
{
    private readonly double[] _x, _logX, _logY;

    public LogLogTable(IEnumerable<(double X, double Y)> points)
    {
        var sorted = points.OrderBy(p => p.X).ToArray();
        if (sorted.Length == 0 || sorted.Any(p => !(p.X > 0) || !(p.Y > 0))) throw new ArgumentException("a table needs positive (x, y) points", nameof(points));
        _x = sorted.Select(p => p.X).ToArray();
        _logX = sorted.Select(p => Math.Log(p.X)).ToArray();
        _logY = sorted.Select(p => Math.Log(p.Y)).ToArray();
    }

    public IEnumerable<(double X, double Y)> Points => _x.Select((x, i) => (x, Math.Exp(_logY[i])));

    public double At(double x)
    {
        if (x <= _x[0]) return Math.Exp(_logY[0]);
        if (x >= _x[^1]) return Math.Exp(_logY[^1]);
        var i = 1;
        while (_x[i] < x) i++;
        var f = (Math.Log(x) - _logX[i - 1]) / (_logX[i] - _logX[i - 1]);
        return Math.Exp(_logY[i - 1] + f * (_logY[i] - _logY[i - 1]));
    }
}
