using Robot.Remote.Web;

namespace Robot.Remote.Motion;

/// <summary>
/// The shortest way across the yard round the containers, for go-to orders: a visibility graph over
/// the corners of every container's footprint grown by <see cref="YardLayout.ContainerClearanceM"/>
/// (the robot's centre keeps that far from any wall), searched with Dijkstra. A straight line when
/// nothing is in the way. It knows only the containers of the yard file: the robot has no obstacle
/// sensor of its own while driving an order.
/// </summary>
public static class YardPlanner
{
    /// <summary>Corner waypoints sit this much further out than the clearance, so a path round a corner does not graze it.</summary>
    public const double CornerOffsetM = 0.15;

    /// <summary>
    /// The waypoints from <paramref name="from"/> to <paramref name="to"/> (the start left out, the
    /// target last), or null when there is no way round. A robot standing closer to a container than
    /// the clearance (beside a wall after an inspection) may leave it, but its first leg never takes
    /// it closer to that container than it already stands.
    /// </summary>
    public static IReadOnlyList<(double X, double Y)>? Plan(YardLayout yard, (double X, double Y) from, (double X, double Y) to)
    {
        ArgumentNullException.ThrowIfNull(yard);
        var grown = yard.Containers.Select(c => new Box(c, YardLayout.ContainerClearanceM)).ToArray();
        // Boxes the robot already stands in: for the first leg, grown only by how far it stands off now (less 1 mm).
        var startsIn = grown.Select(b => b.ContainsStrictly(from)).ToArray();
        var standOff = yard.Containers.Select(c => new Box(c, Math.Max(0, new Box(c, 0).DistanceOutside(from) - 0.001))).ToArray();

        bool Clear((double X, double Y) a, (double X, double Y) b, bool fromStart)
        {
            for (var i = 0; i < grown.Length; i++)
            {
                var box = fromStart && startsIn[i] ? standOff[i] : grown[i];
                if (box.Crosses(a, b)) return false;
            }
            return true;
        }

        if (Clear(from, to, fromStart: true)) return [to];

        // Nodes: 0 the start, 1 the target, then every usable corner.
        var nodes = new List<(double X, double Y)> { from, to };
        foreach (var c in yard.Containers)
        {
            foreach (var corner in new Box(c, YardLayout.ContainerClearanceM + CornerOffsetM).Corners())
            {
                if (yard.Bounds.Contains(corner.X, corner.Y) && !grown.Any(b => b.ContainsStrictly(corner))) nodes.Add(corner);
            }
        }
        var distance = Enumerable.Repeat(double.PositiveInfinity, nodes.Count).ToArray();
        var previous = Enumerable.Repeat(-1, nodes.Count).ToArray();
        var done = new bool[nodes.Count];
        distance[0] = 0;
        for (var round = 0; round < nodes.Count; round++)
        {
            var u = -1;
            for (var i = 0; i < nodes.Count; i++)
                if (!done[i] && (u < 0 || distance[i] < distance[u])) u = i;
            if (u < 0 || double.IsPositiveInfinity(distance[u])) return null;
            if (u == 1) break;
            done[u] = true;
            for (var v = 1; v < nodes.Count; v++)
            {
                if (done[v]) continue;
                var d = distance[u] + Length(nodes[u], nodes[v]);
                if (d < distance[v] && Clear(nodes[u], nodes[v], fromStart: u == 0))
                {
                    distance[v] = d;
                    previous[v] = u;
                }
            }
        }
        if (previous[1] < 0) return null;
        var path = new List<(double X, double Y)>();
        for (var n = 1; n > 0; n = previous[n]) path.Add(nodes[n]);
        path.Reverse();
        return path;
    }

    private static double Length((double X, double Y) a, (double X, double Y) b) => double.Hypot(b.X - a.X, b.Y - a.Y);

    /// <summary>A container's footprint grown by a margin, in the container's own frame.</summary>
    private readonly struct Box(YardContainer c, double margin)
    {
        private readonly double _x = c.X, _y = c.Y, _cos = Math.Cos(c.Theta), _sin = Math.Sin(c.Theta);
        private readonly double _halfLength = c.LengthM / 2 + margin, _halfWidth = c.WidthM / 2 + margin;

        private (double U, double V) Local((double X, double Y) p)
        {
            var (dx, dy) = (p.X - _x, p.Y - _y);
            return (dx * _cos + dy * _sin, -dx * _sin + dy * _cos);
        }

        /// <summary>How far <paramref name="p"/> is outside the box (0 inside it).</summary>
        public double DistanceOutside((double X, double Y) p)
        {
            var (u, v) = Local(p);
            return double.Hypot(Math.Max(0, Math.Abs(u) - _halfLength), Math.Max(0, Math.Abs(v) - _halfWidth));
        }

        public bool ContainsStrictly((double X, double Y) p)
        {
            var (u, v) = Local(p);
            return Math.Abs(u) < _halfLength - 1e-9 && Math.Abs(v) < _halfWidth - 1e-9;
        }

        /// <summary>True when the segment passes through the box's interior (running along an edge is allowed).</summary>
        public bool Crosses((double X, double Y) a, (double X, double Y) b)
        {
            var (u0, v0) = Local(a);
            var (u1, v1) = Local(b);
            // Liang–Barsky: the part of the segment within the closed box, as t0..t1.
            double t0 = 0, t1 = 1;
            if (!Clip(-(u1 - u0), u0 + _halfLength, ref t0, ref t1) || !Clip(u1 - u0, _halfLength - u0, ref t0, ref t1)
                || !Clip(-(v1 - v0), v0 + _halfWidth, ref t0, ref t1) || !Clip(v1 - v0, _halfWidth - v0, ref t0, ref t1))
                return false;
            if (t1 - t0 < 1e-9) return false;
            var t = (t0 + t1) / 2;
            return ContainsStrictly((a.X + t * (b.X - a.X), a.Y + t * (b.Y - a.Y)));
        }

        private static bool Clip(double p, double q, ref double t0, ref double t1)
        {
            if (Math.Abs(p) < 1e-12) return q >= 0;
            var r = q / p;
            if (p < 0)
            {
                if (r > t1) return false;
                if (r > t0) t0 = r;
            }
            else
            {
                if (r < t0) return false;
                if (r < t1) t1 = r;
            }
            return true;
        }

        public IEnumerable<(double X, double Y)> Corners()
        {
            foreach (var (u, v) in new[] { (1, 1), (-1, 1), (-1, -1), (1, -1) })
            {
                var (lu, lv) = (u * _halfLength, v * _halfWidth);
                yield return (_x + lu * _cos - lv * _sin, _y + lu * _sin + lv * _cos);
            }
        }
    }
}
