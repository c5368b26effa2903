using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Robot.Drivers.Tests.Fakes;

/// <summary>
/// Two connected pseudo-terminals from socat (`socat -d -d pty,raw,echo=0 pty,raw,echo=0`): real
/// serial-port code opens one end, the test plays the device on the other. When socat is missing
/// the test fails with how to install it; it never skips.
/// </summary>
public sealed partial class PtyPair : IDisposable
{
    private readonly Process _socat;

    private PtyPair(Process socat, string a, string b)
    {
        _socat = socat;
        A = a;
        B = b;
    }

    public string A { get; }
    public string B { get; }

    public static PtyPair Start()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "socat")).FirstOrDefault(File.Exists);
        if (path is null) Assert.Fail("socat is not installed: these serial tests need a real pty pair (apt-get install socat; the test script installs it)");
        var info = new ProcessStartInfo(path, "-d -d pty,raw,echo=0 pty,raw,echo=0") { RedirectStandardError = true, UseShellExecute = false };
        var socat = Process.Start(info) ?? throw new InvalidOperationException("socat did not start");
        var ptys = new List<string>();
        while (ptys.Count < 2)
        {
            var line = socat.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            if (line is null) Assert.Fail("socat exited before printing its two pty paths");
            var m = PtyLine().Match(line);
            if (m.Success) ptys.Add(m.Groups[1].Value);
        }
        // Keep draining socat's log so it never blocks on a full pipe.
        _ = Task.Run(async () => { while (await socat.StandardError.ReadLineAsync() is not null) { } });
        return new PtyPair(socat, ptys[0], ptys[1]);
    }

    [GeneratedRegex(@"PTY is (/dev/pts/\d+)")]
    private static partial Regex PtyLine();

    public void Dispose()
    {
        try { _socat.Kill(); _socat.WaitForExit(5000); } catch (InvalidOperationException) { }
        _socat.Dispose();
    }
}
