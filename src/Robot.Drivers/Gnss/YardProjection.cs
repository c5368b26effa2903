namespace Robot.Drivers.Gnss;

/// <summary>
/// WGS84 latitude/longitude to yard metres: a local tangent plane at the configured origin, with
/// the ellipsoid's meridional (M) and prime-vertical (N) radii there. Over a port yard (a few km)
/// the error is well under a centimetre per hundred metres.
/// </summary>
public static class YardProjection
{
    private const double A = 6378137.0;            // WGS84 semi-major axis, m
    private const double E2 = 6.69437999014e-3;    // WGS84 first eccentricity squared

    public static (double X, double Y) ToYard(double latitude, double longitude, double originLatitude, double originLongitude, double rotationDegrees = 0)
    {
        var phi = originLatitude * Math.PI / 180;
        var s = Math.Sin(phi);
        var w = 1 - E2 * s * s;
        var m = A * (1 - E2) / Math.Pow(w, 1.5);
        var n = A / Math.Sqrt(w);
        var east = (longitude - originLongitude) * Math.PI / 180 * n * Math.Cos(phi);
        var north = (latitude - originLatitude) * Math.PI / 180 * m;
        var r = rotationDegrees * Math.PI / 180;
        return (east * Math.Cos(r) + north * Math.Sin(r), -east * Math.Sin(r) + north * Math.Cos(r));
    }
}
