using System.Diagnostics;
using System.Text;

namespace Robot.PackageTests;

/// <summary>
/// Builds each package once per test run (scripts/package.sh, gzip for speed) unless the test
/// script already built them (ROBOT_TEST_PACKAGES_BUILT=1), and extracts it with dpkg-deb.
/// </summary>
public sealed class PackageFixture
{
    private readonly Dictionary<string, Lazy<BuiltPackage>> _packages;
    private readonly Lazy<bool> _built;

    public PackageFixture()
    {
        Root = FindRoot();
        Version = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(Root, "Directory.Build.props")), "<Version>(.*?)</Version>").Groups[1].Value;
        _built = new(BuildBoth);
        _packages = new()
        {
            ["amd64"] = new(() => Build("amd64")),
            ["arm64"] = new(() => Build("arm64")),
        };
    }

    public string Root { get; }
    public string Version { get; }

    public BuiltPackage Get(string arch) => _packages[arch].Value;

    public string DebPath(string arch) => Path.Combine(Root, "artifacts", $"robot-host_{Version}_{arch}.deb");

    /// <summary>Both packages at once (scripts/package.sh --arch both publishes them in parallel), unless the test script built them.</summary>
    private bool BuildBoth()
    {
        var prebuilt = Environment.GetEnvironmentVariable("ROBOT_TEST_PACKAGES_BUILT") == "1" && File.Exists(DebPath("amd64")) && File.Exists(DebPath("arm64"));
        if (!prebuilt)
        {
            var r = Run("bash", [Path.Combine(Root, "scripts", "package.sh"), "--arch", "both"], TimeSpan.FromMinutes(25), ("DEB_COMPRESSION", "gzip"));
            Assert.True(r.ExitCode == 0, $"scripts/package.sh --arch both failed ({r.ExitCode}):\n{r.Stdout}\n{r.Stderr}");
        }
        return true;
    }

    private BuiltPackage Build(string arch)
    {
        _ = _built.Value;
        var deb = DebPath(arch);
        Assert.True(File.Exists(deb), $"{deb} was not built");
        var dir = Path.Combine(Path.GetTempPath(), $"robot-pkg-{arch}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var x = Run("dpkg-deb", ["-x", deb, Path.Combine(dir, "root")], TimeSpan.FromMinutes(2));
        Assert.True(x.ExitCode == 0, $"dpkg-deb -x failed: {x.Stderr}");
        return new BuiltPackage(arch, deb, Path.Combine(dir, "root"), dir);
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Robot.sln"))) return d.FullName;
        }
        throw new InvalidOperationException("Robot.sln not found above " + AppContext.BaseDirectory);
    }

    public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr);

    public static ProcessResult Run(string file, IEnumerable<string> args, TimeSpan timeout, params (string Key, string Value)[] env)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', psi.ArgumentList)} did not finish within {timeout}");
        }
        p.WaitForExit();
        lock (stdout) lock (stderr) return new ProcessResult(p.ExitCode, stdout.ToString(), stderr.ToString());
    }
}

public sealed record BuiltPackage(string Arch, string DebPath, string ExtractedRoot, string WorkDir)
{
    public string HostBinary => Path.Combine(ExtractedRoot, "usr", "lib", "robot-host", "robot-host");

    /// <summary>How to start the packaged host on this x64 machine: natively, or under qemu-aarch64-static.</summary>
    public (string File, List<string> Args) Command(params string[] args)
    {
        if (Arch == "amd64") return (HostBinary, [.. args]);
        var qemu = new[] { "/usr/bin/qemu-aarch64-static", "/usr/bin/qemu-aarch64" }.FirstOrDefault(File.Exists);
        Assert.True(qemu is not null, "qemu-aarch64-static is not installed: the arm64 package cannot be proven here (scripts/test.sh installs qemu-user-static)");
        Assert.True(File.Exists("/lib/ld-linux-aarch64.so.1") && File.Exists("/usr/lib/aarch64-linux-gnu/libssl.so.3"),
            "the arm64 libraries are missing (dpkg --add-architecture arm64 && apt-get install libssl3:arm64 libicu72:arm64; scripts/test.sh does it)");
        return (qemu!, [HostBinary, .. args]);
    }
}

[CollectionDefinition(Name)]
public sealed class PackageCollection : ICollectionFixture<PackageFixture>
{
    public const string Name = "packages";
}
