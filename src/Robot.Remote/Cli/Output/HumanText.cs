using System.Globalization;
using System.Text;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;
using Robot.Remote.Client;

namespace Robot.Remote.Cli.Output;

/// <summary>Human-readable text for the remote's output: short, aligned, SI units with their symbols.</summary>
internal static class HumanText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string ConnectionState(ConnectionState? state) => state switch
    {
        Protocol.Vda5050.ConnectionState.Online => "ONLINE",
        Protocol.Vda5050.ConnectionState.Offline => "OFFLINE",
        Protocol.Vda5050.ConnectionState.ConnectionBroken => "CONNECTIONBROKEN",
        _ => "UNKNOWN",
    };

    public static IEnumerable<string> RobotTable(IReadOnlyList<RobotListing> robots, DateTimeOffset now)
    {
        var rows = new List<string[]> { new[] { "MANUFACTURER", "SERIAL", "STATE", "LAST SEEN", "SERIES" } };
        foreach (var r in robots)
        {
            rows.Add([r.Manufacturer, r.SerialNumber, ConnectionState(r.ConnectionState), $"{Time(r.LastSeen)} ({Ago(now - r.LastSeen)})", r.SeriesName ?? "-"]);
        }
        return Aligned(rows);
    }

    /// <summary>Rows as columns two spaces apart, each as wide as its widest cell (the last one unpadded).</summary>
    public static IEnumerable<string> Aligned(IReadOnlyList<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(row => row[c].Length)).ToArray();
        return rows.Select(row => string.Join("  ", row.Select((cell, c) => c == row.Length - 1 ? cell : cell.PadRight(widths[c]))).TrimEnd());
    }

    public static IEnumerable<string> Status(RobotStatus s)
    {
        yield return $"robot {s.SerialNumber}: mode {Mode(s.OperatingMode)}, activity {s.Activity}";
        yield return $"  e-stop    {EStop(s.EmergencyStop)}";
        yield return $"  pose      {Pose(s.Pose)}";
        yield return $"  lift      {N(s.LiftHeightM)} m";
        yield return $"  battery   {Battery(s.Battery)}";
        yield return $"  detector  {Detector(s.Detector)}";
        var order = string.IsNullOrEmpty(s.OrderId) ? "none" : s.OrderId;
        yield return $"  order     {order}, {(s.Driving ? "driving" : "not driving")}{(s.Paused ? ", paused" : "")}";
        if (s.Errors.Count == 0)
        {
            yield return "  errors    none";
        }
        else
        {
            foreach (var e in s.Errors) yield return $"  error     {Error(e)}";
        }
    }

    public static string CommandAnswer(string serialNumber, CommandResponse r) =>
        $"robot {serialNumber} {(r.Accepted ? "accepted" : "refused")} {r.Command}: {r.Code}{(string.IsNullOrEmpty(r.Message) ? "" : ": " + r.Message)}";

    public static string Drive(string serialNumber, TeleopStreamRequest request, TeleopStreamResult result) =>
        $"{(result.Interrupted ? "interrupted: " : "")}sent {result.CommandsSent} teleop commands to {serialNumber} " +
        $"({N(request.LinearMps)} m/s, {N(request.AngularRadps)} rad/s at {N(request.RateHz)} Hz, ttl {request.TtlMs} ms), " +
        (result.StopSent ? "then a stop" : "stop NOT sent");

    public static string Watch(WatchMessage w)
    {
        if (w.Error is { } error) return $"{Clock(w.ReceivedAt)} invalid   {w.Topic}: {error}";
        return w.Message switch
        {
            Telemetry t => $"{Clock(t.Timestamp)} telemetry pose {Pose(t.Pose)}  speed {N(t.LinearMps)} m/s {N(t.AngularRadps)} rad/s  " +
                           $"lift {N(t.LiftHeightM)} m  dose {Dose(t.Detector)}  battery {N(t.Battery.ChargePercent, "0")} %  e-stop {EStop(t.EmergencyStop)}  {t.Activity}",
            State s => $"{Clock(s.Timestamp)} state     pose {StatePose(s.AgvPosition)}  speed {StateSpeed(s.Velocity)}  mode {Mode(s.OperatingMode)}  " +
                       $"order {(string.IsNullOrEmpty(s.OrderId) ? "none" : s.OrderId)}{(s.Driving ? " driving" : "")}  battery {N(s.BatteryState.BatteryCharge, "0")} %  " +
                       $"e-stop {(s.SafetyState.EStop == EStopState.None ? "off" : s.SafetyState.EStop.ToString().ToUpperInvariant())}  errors {StateErrors(s.Errors)}",
            RobotEvent e => $"{Clock(e.Timestamp)} event     {e.Severity} {e.Kind}: {e.Message}",
            _ => $"{Clock(w.ReceivedAt)} {w.Kind.ToString().ToLowerInvariant()} {w.Topic}",
        };
    }

    private static string Pose(PoseDto p) => $"({N(p.X)}, {N(p.Y)}) m θ {N(p.Theta, "0.000")} rad map {p.MapId}";

    private static string StatePose(AgvPosition? p) =>
        p is null ? "unknown" : $"({N(p.X)}, {N(p.Y)}) m θ {N(p.Theta, "0.000")} rad{(p.PositionInitialized ? "" : " (not initialised)")}";

    private static string StateSpeed(Velocity? v) =>
        v is null ? "unknown" : $"{N(v.Vx ?? 0)} m/s {N(v.Omega ?? 0)} rad/s";

    private static string StateErrors(IReadOnlyList<VdaError> errors) =>
        errors.Count == 0 ? "none" : string.Join(", ", errors.Select(e => $"{e.ErrorType} ({Level(e.ErrorLevel)})"));

    private static string EStop(EmergencyStopTelemetry e) =>
        e.Latched ? $"LATCHED ({e.Source}){(e.InputOpen ? ", input open" : "")}" : (e.InputOpen ? "off, input open" : "off");

    private static string Battery(BatteryTelemetry b)
    {
        var text = new StringBuilder($"{N(b.ChargePercent, "0")} %");
        if (b.VoltageV is { } v) text.Append(Inv, $", {N(v, "0.0")} V");
        if (b.CurrentA is { } a) text.Append(Inv, $", {N(a, "0.0")} A");
        return text.ToString();
    }

    private static string Detector(DetectorTelemetry d)
    {
        var text = new StringBuilder(d.Status);
        if (d.DoseRateUSvPerH is { } h) text.Append(Inv, $", {N(h, "0.000")} µSv/h");
        if (d.CountsPerSecond is { } cps) text.Append(Inv, $", {N(cps, "0.0")} cps");
        return text.ToString();
    }

    private static string Dose(DetectorTelemetry d) =>
        d.DoseRateUSvPerH is { } h ? $"{N(h, "0.000")} µSv/h{(d.Status == "ok" ? "" : $" ({d.Status})")}" : $"- ({d.Status})";

    private static string Error(VdaError e) =>
        $"{e.ErrorType} ({Level(e.ErrorLevel)}){(e.ErrorDescription is { } d ? ": " + d : "")}";

    private static string Level(ErrorLevel level) => level == ErrorLevel.Fatal ? "FATAL" : "WARNING";

    private static string Mode(OperatingMode mode) => mode.ToString().ToUpperInvariant();

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", Inv);

    private static string Clock(DateTimeOffset t) => t.UtcDateTime.ToString("HH:mm:ss.fff", Inv);

    private static string Ago(TimeSpan span) => span switch
    {
        { TotalSeconds: < 0 } => "in the future",
        { TotalSeconds: < 120 } => $"{N(span.TotalSeconds, "0")} s ago",
        { TotalMinutes: < 120 } => $"{N(span.TotalMinutes, "0")} min ago",
        { TotalHours: < 48 } => $"{N(span.TotalHours, "0")} h ago",
        _ => $"{N(span.TotalDays, "0")} d ago",
    };

    public static string N(double value, string format = "0.00") => value.ToString(format, Inv);
}
