using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Robot.Protocol.Broker;

namespace Robot.SystemTests.Support;

/// <summary>
/// A real Mosquitto on a private loopback port, started by the test and stopped by its PID.
/// Fails loudly when Mosquitto is not installed: these tests must never be skipped silently.
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    private Process? _process;
    private readonly string _dir;

    /// <param name="security">Configuration lines in place of "allow_anonymous true" (a password file, an ACL file).</param>
    /// <param name="wholeConfig">A whole configuration of the caller's (its listener on <see cref="Port"/>) in place of this class's.</param>
    public MosquittoBroker(int? port = null, string? security = null, Func<int, string>? wholeConfig = null)
    {
        Executable = Find() ?? throw new InvalidOperationException(
            "Mosquitto is not installed (no 'mosquitto' in PATH or /usr/sbin). Install it with: apt-get install -y mosquitto " +
            "(the README's test command does this).");
        Port = port ?? EmbeddedBroker.FreePort(IPAddress.Loopback);
        _dir = Directory.CreateTempSubdirectory("robot-mosquitto-").FullName;
        File.WriteAllText(Path.Combine(_dir, "mosquitto.conf"), wholeConfig?.Invoke(Port) ??
            $"per_listener_settings false\nlistener {Port} 127.0.0.1\n{security ?? "allow_anonymous true"}\npersistence false\nset_tcp_nodelay true\nlog_dest stderr\nlog_type error\n");
        Start();
    }

    public string Executable { get; }
    public int Port { get; }
    public Uri Uri => new($"mqtt://127.0.0.1:{Port}");
    public int? Pid => _process is { HasExited: false } p ? p.Id : null;

    public void Start()
    {
        if (_process is { HasExited: false }) return;
        var psi = new ProcessStartInfo(Executable, ["-c", Path.Combine(_dir, "mosquitto.conf")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi) ?? throw new InvalidOperationException("could not start mosquitto");
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        WaitForPort(true);
    }

    /// <summary>Kill the broker (as a crash would) and wait until its port is closed.</summary>
    public void Kill()
    {
        if (_process is null) return;
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
        _process = null;
        WaitForPort(false);
    }

    public void Dispose()
    {
        Kill();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private void WaitForPort(bool open)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (IsOpen() == open) return;
            if (open && _process is { HasExited: true } p) throw new InvalidOperationException($"mosquitto exited with code {p.ExitCode} (port {Port} taken?)");
            Thread.Yield();
            using var wait = new ManualResetEventSlim();
            wait.Wait(20);
        }
        throw new TimeoutException($"mosquitto port {Port} did not become {(open ? "open" : "closed")}");
    }

    private bool IsOpen()
    {
        try
        {
            using var c = new TcpClient();
            c.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string? Find()
    {
        var paths = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin").Append("/usr/local/sbin");
        return paths.Select(p => Path.Combine(p, "mosquitto")).FirstOrDefault(File.Exists);
    }
}
