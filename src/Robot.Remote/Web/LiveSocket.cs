using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Robot.Protocol.Extensions;
using Robot.Protocol.Vda5050;

namespace Robot.Remote.Web;

/// <summary>
/// One page's live channel to one robot: telemetry, state (pose, paused), events and the control
/// lease out; joystick samples and heartbeats in. The server streams teleop only while the page
/// keeps sending (dead-man on the server side too): when the page goes quiet for
/// <see cref="RemoteWebOptions.JoystickQuiet"/>, sends "stop", or the socket closes, it publishes
/// one zero sample and stops streaming. Observers may watch but not drive. Driving needs the
/// robot's control lease: a free one is taken by the first joystick sample; while another account
/// holds it the samples are ignored and answered with a 409 error; when the lease is lost mid-drive
/// (taken over, lapsed) the robot is stopped. Every message from the page keeps its lease alive.
/// The socket lives no longer than the cookie session it was opened with: the end of that session,
/// taken at the upgrade, is checked on every message from the page and on every 100 ms tick of the
/// app's clock; when it has passed, the robot gets one zero teleop sample (if this page was
/// driving), nothing more is sent or obeyed, and the socket is closed with
/// <see cref="SessionExpiredStatus"/> "session expired", which the page shows as "Session expired:
/// sign in again". A session that ends early on the server (signed out, account removed, password
/// changed) closes the socket the same way.
/// </summary>
internal static class LiveSocket
{
    /// <summary>The close status of a socket whose session has ended (4000-4999: for applications; 401 as in HTTP).</summary>
    public const WebSocketCloseStatus SessionExpiredStatus = (WebSocketCloseStatus)4401;
    public const string SessionExpiredReason = "session expired";

    private const int TeleopTtlMs = 300;
    private static readonly TimeSpan TeleopPeriod = TimeSpan.FromMilliseconds(100);
    /// <summary>How long a page has to answer the closing handshake before the server drops the connection.</summary>
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(5);

    public static async Task HandleAsync(string serial, HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest || RemoteWebApp.SerialProblem(serial) is not null)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        // Cross-site WebSocket hijacking: only the page's own origin may open the socket.
        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !string.Equals(origin, $"{context.Request.Scheme}://{context.Request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var services = context.RequestServices;
        var options = services.GetRequiredService<RemoteWebOptions>();
        var time = services.GetRequiredService<TimeProvider>();
        var gateway = services.GetRequiredService<RobotGateway>();
        var leases = services.GetRequiredService<ControlLeases>();
        var user = RemoteWebApp.UserName(context.User);
        var role = RemoteWebApp.RoleOf(context.User);
        var mayDrive = role is Roles.Officer or Roles.Maintainer;
        // RequireAuthorization let the upgrade through, so the session is valid now; it ends then.
        var sessionEnds = await SessionExpiry.OfRequestAsync(context, time).ConfigureAwait(false) ?? time.GetUtcNow() + options.SessionLifetime;
        // It also ends early: signed out, or the account removed or its password changed (WebSessions).
        var sessions = services.GetRequiredService<WebSessions>();
        var users = services.GetRequiredService<UserStore>();
        var principal = context.User;

        using var socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        var sendGate = new SemaphoreSlim(1, 1);
        var joystick = new Joystick();
        // Set (under sendGate) once the server has sent its close frame: nothing is sent after it.
        var closed = false;
        var expired = 0;
        ITimer? closeGuard = null;
        try
        {
            var client = await gateway.ClientAsync(done.Token).ConfigureAwait(false);
            var watch = WatchAsync();
            var drive = DriveAsync();
            await ReceiveAsync().ConfigureAwait(false);
            await done.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(Quietly(watch), Quietly(drive)).ConfigureAwait(false);

            async Task WatchAsync()
            {
                await foreach (var m in client.WatchAsync(serial, done.Token).ConfigureAwait(false))
                {
                    LiveMessage? live = m.Message switch
                    {
                        Telemetry t => new LiveMessage { T = "telemetry", Telemetry = ToLive(t) },
                        State s => new LiveMessage { T = "state", State = ToLive(s) },
                        RobotEvent e => new LiveMessage { T = "event", Severity = e.Severity, Message = $"{e.Kind}: {e.Message}" },
                        _ => null,
                    };
                    if (live is not null) await SendAsync(live).ConfigureAwait(false);
                }
            }

            async Task DriveAsync()
            {
                using var tick = new PeriodicTimer(TeleopPeriod, time);
                var streaming = false;
                LeaseView? shown = null;
                while (true)
                {
                    // The lease as this page last saw it: send it again whenever it changes (taken, released, lapsed, taken over).
                    var view = LeaseView.Of(serial, leases.Current(serial), user, options.LeaseQuiet);
                    if (view != shown)
                    {
                        shown = view;
                        await SendAsync(new LiveMessage { T = "lease", Lease = view }).ConfigureAwait(false);
                    }
                    if (!await tick.WaitForNextTickAsync(done.Token).ConfigureAwait(false)) break;
                    if (await ExpireIfOverAsync().ConfigureAwait(false))
                    {
                        // Stop the robot at once if this page was driving it; then nothing more from this page.
                        if (streaming) await client.PublishTeleopSampleAsync(serial, 0, 0, TeleopTtlMs, "web:" + user, done.Token).ConfigureAwait(false);
                        return;
                    }
                    var (linear, angular, at) = joystick.Read();
                    var fresh = at is { } last && time.GetUtcNow() - last < options.JoystickQuiet;
                    if (fresh && !leases.Holds(serial, user))
                    {
                        // Lost the lease while driving: stop here and say why.
                        joystick.Release();
                        fresh = false;
                        var holder = leases.Current(serial);
                        await SendAsync(new LiveMessage { T = "error", Message = "409: " + (holder is null ? $"the control lease of {serial} lapsed" : leases.HeldMessage(holder)) }).ConfigureAwait(false);
                    }
                    if (fresh && (linear != 0 || angular != 0))
                    {
                        streaming = true;
                        await client.PublishTeleopSampleAsync(serial, linear, angular, TeleopTtlMs, "web:" + user, done.Token).ConfigureAwait(false);
                    }
                    else if (streaming)
                    {
                        streaming = false;
                        await client.PublishTeleopSampleAsync(serial, 0, 0, TeleopTtlMs, "web:" + user, done.Token).ConfigureAwait(false);
                    }
                }
            }

            async Task ReceiveAsync()
            {
                var buffer = new byte[4096];
                var refusedOnce = false;
                var leaseRefusedThisTouch = false;
                // After the server's close frame (session expired), read on until the page answers it.
                while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
                {
                    WebSocketReceiveResult result;
                    try
                    {
                        result = await socket.ReceiveAsync(buffer, done.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
                    {
                        return;
                    }
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        joystick.Release();
                        await sendGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
                        try
                        {
                            if (!closed && socket.State == WebSocketState.CloseReceived)
                                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).ConfigureAwait(false);
                            closed = true;
                        }
                        finally
                        {
                            sendGate.Release();
                        }
                        return;
                    }
                    if (!result.EndOfMessage || result.MessageType != WebSocketMessageType.Text) continue;
                    // A page whose session has ended is not obeyed, and does not keep a lease alive.
                    if (await ExpireIfOverAsync().ConfigureAwait(false)) continue;
                    JoystickMessage? message;
                    try
                    {
                        message = JsonSerializer.Deserialize(buffer.AsSpan(0, result.Count), WebJson.Default.JoystickMessage);
                    }
                    catch (JsonException)
                    {
                        continue;
                    }
                    if (message is null) continue;
                    // Any message is a sign of life of this phone: it keeps its lease (if it holds it).
                    leases.Touch(serial, user);
                    if (message.T == "hb") continue;
                    if (!mayDrive)
                    {
                        if (!refusedOnce)
                        {
                            refusedOnce = true;
                            RemoteWebApp.Audit(context, serial, "teleop", null, "forbidden", "observers may not drive");
                            await SendAsync(new LiveMessage { T = "error", Message = "403: observers may not drive" }).ConfigureAwait(false);
                        }
                        continue;
                    }
                    if (message.T == "joy")
                    {
                        var (outcome, lease) = leases.Acquire(serial, user, role);
                        if (outcome == LeaseOutcome.HeldByOther)
                        {
                            if (!leaseRefusedThisTouch)
                            {
                                leaseRefusedThisTouch = true;
                                var held = leases.HeldMessage(lease);
                                RemoteWebApp.Audit(context, serial, "teleop", null, "conflict", held);
                                await SendAsync(new LiveMessage { T = "error", Message = "409: " + held }).ConfigureAwait(false);
                            }
                            continue;
                        }
                        if (outcome == LeaseOutcome.Taken)
                            RemoteWebApp.Audit(context, serial, "takeLease", "with teleop", "accepted", $"{user} now controls {serial}");
                        var linear = Math.Clamp(Finite(message.Linear), -1, 1) * options.MaxLinearMps;
                        var angular = Math.Clamp(Finite(message.Angular), -1, 1) * options.MaxAngularRadps;
                        if (joystick.Set(linear, angular, time.GetUtcNow()))
                            RemoteWebApp.Audit(context, serial, "teleop", null, "accepted", "joystick down");
                    }
                    else if (message.T == "stop")
                    {
                        joystick.Release();
                        leaseRefusedThisTouch = false;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or Client.RobotClientException)
        {
            // The page went away or the broker is unreachable: the finally below stops the robot.
        }
        finally
        {
            joystick.Release();
            await done.CancelAsync().ConfigureAwait(false);
            if (closeGuard is not null) await closeGuard.DisposeAsync().ConfigureAwait(false);
            if (joystick.WasDriving)
            {
                try
                {
                    var client = await gateway.ClientAsync(CancellationToken.None).ConfigureAwait(false);
                    await client.PublishTeleopSampleAsync(serial, 0, 0, TeleopTtlMs, "web:" + user, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Client.RobotClientException)
                {
                    // The robot's own dead-man stops it within its TTL.
                }
            }
            sendGate.Dispose();
        }

        async Task SendAsync(LiveMessage message)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(message, WebJson.Default.LiveMessage);
            await sendGate.WaitAsync(done.Token).ConfigureAwait(false);
            try
            {
                if (!closed) await socket.SendAsync(bytes, WebSocketMessageType.Text, true, done.Token).ConfigureAwait(false);
            }
            finally
            {
                sendGate.Release();
            }
        }

        // True once the session has ended; the first caller stops the joystick and closes the socket
        // with the reason (telemetry stops with it), then gives the page CloseGrace to answer.
        async Task<bool> ExpireIfOverAsync()
        {
            if (Volatile.Read(ref expired) == 0 && time.GetUtcNow() < sessionEnds && sessions.IsAlive(principal, users)) return false;
            if (Interlocked.Exchange(ref expired, 1) == 1) return true;
            joystick.Release();
            await sendGate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            try
            {
                if (!closed && socket.State == WebSocketState.Open)
                    await socket.CloseOutputAsync(SessionExpiredStatus, SessionExpiredReason, CancellationToken.None).ConfigureAwait(false);
            }
            catch (WebSocketException)
            {
                // The page has gone already.
            }
            finally
            {
                closed = true;
                sendGate.Release();
            }
            closeGuard = time.CreateTimer(_ => CancelQuietly(done), null, CloseGrace, Timeout.InfiniteTimeSpan);
            return true;
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or Client.RobotClientException or ObjectDisposedException)
        {
            // Ending with the socket.
        }
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The socket has ended already.
        }
    }

    private static double Finite(double? value) => value is { } v && double.IsFinite(v) ? v : 0;

    private static LiveState ToLive(State s) => new(s.AgvPosition?.X, s.AgvPosition?.Y, s.AgvPosition?.Theta, s.Paused ?? false, s.Driving, s.OrderId,
        s.OperatingMode.ToString().ToLowerInvariant(),
        [.. s.NodeStates.Where(n => n.NodePosition is not null).Select(n => new[] { n.NodePosition!.X, n.NodePosition.Y })]);

    private static LiveTelemetry ToLive(Telemetry t) => new()
    {
        At = t.Timestamp,
        X = t.Pose.X,
        Y = t.Pose.Y,
        Theta = t.Pose.Theta,
        LinearMps = t.LinearMps,
        AngularRadps = t.AngularRadps,
        LiftHeightM = t.LiftHeightM,
        DoseRateUSvPerH = t.Detector.DoseRateUSvPerH,
        DetectorStatus = t.Detector.Status,
        BatteryPercent = t.Battery.ChargePercent,
        EmergencyStop = t.EmergencyStop.Latched,
        EmergencyStopSource = t.EmergencyStop.Source,
        Activity = t.Activity,
        ProcedureState = t.Procedure?.State,
        ContainerNumber = t.Procedure?.ContainerNumber,
        PointsDone = t.Procedure?.PointsDone ?? 0,
        PointsPlanned = t.Procedure?.PointsPlanned ?? 0,
        Verdict = t.Procedure?.LastVerdict,
        ReportId = t.Procedure?.LastReportId,
        CurrentPoint = t.Procedure?.CurrentPoint,
        LastDoseUSvPerH = t.Procedure?.LastDoseUSvPerH,
        BackgroundUSvPerH = t.Procedure?.BackgroundUSvPerH,
        ThresholdUSvPerH = t.Procedure?.ThresholdUSvPerH,
        AlarmOn = t.AlarmOn,
    };

    /// <summary>The latest joystick position and when it came.</summary>
    private sealed class Joystick
    {
        private readonly Lock _gate = new();
        private double _linear, _angular;
        private DateTimeOffset? _at;

        public bool WasDriving { get; private set; }

        /// <summary>True when this sample starts a new drive (for the audit: one line per touch, not per sample).</summary>
        public bool Set(double linear, double angular, DateTimeOffset at)
        {
            lock (_gate)
            {
                var starts = _at is null && (linear != 0 || angular != 0);
                (_linear, _angular, _at) = (linear, angular, at);
                if (starts) WasDriving = true;
                return starts;
            }
        }

        public void Release()
        {
            lock (_gate) (_linear, _angular, _at) = (0, 0, null);
        }

        public (double Linear, double Angular, DateTimeOffset? At) Read()
        {
            lock (_gate) return (_linear, _angular, _at);
        }
    }
}
