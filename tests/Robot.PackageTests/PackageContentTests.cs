namespace Robot.PackageTests;


[System.Runtime.Versioning.SupportedOSPlatform("linux")]
/// <summary>The amd64 package inspected with dpkg-deb: files, permissions, conffiles, the unit, the maintainer scripts.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageContentTests(PackageFixture fixture)
{
    private static readonly TimeSpan Quick = TimeSpan.FromMinutes(1);

    [Fact]
    public void Control_fields_name_the_package_version_and_architecture()
    {
        var deb = fixture.Get("amd64").DebPath;
        var r = PackageFixture.Run("dpkg-deb", ["-f", deb, "Package", "Version", "Architecture", "Depends"], Quick);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Package: robot-host", r.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Version: {fixture.Version}", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("Architecture: amd64", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("libssl3", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Files_are_where_a_maintainer_expects_them_owned_by_root_with_the_right_modes()
    {
        var r = PackageFixture.Run("dpkg-deb", ["-c", fixture.Get("amd64").DebPath], Quick);
        Assert.Equal(0, r.ExitCode);
        var entries = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(f => f[^1].TrimStart('.'), f => (Mode: f[0], Owner: f[1]));
        void Expect(string path, string mode)
        {
            Assert.True(entries.TryGetValue(path, out var e), $"{path} is not in the package");
            Assert.Equal(mode, e.Mode);
            Assert.Equal("root/root", e.Owner);
        }
        Expect("/usr/lib/robot-host/robot-host", "-rwxr-xr-x");
        Expect("/usr/lib/robot-host/libe_sqlite3.so", "-rw-r--r--");
        Expect("/usr/bin/robot-host", "-rwxr-xr-x");
        Expect("/etc/robot-host/appsettings.json", "-rw-r-----");
        Expect("/lib/systemd/system/robot-host.service", "-rw-r--r--");
        // Native AOT: one executable, no runtime, no managed assemblies, no symbols on the board.
        Assert.DoesNotContain(entries.Keys, k => k.EndsWith(".dll", StringComparison.Ordinal) || k.EndsWith(".pdb", StringComparison.Ordinal) || k.EndsWith(".dbg", StringComparison.Ordinal));
        Assert.DoesNotContain(entries.Keys, k => k.StartsWith("/usr/lib/robot-host/libcoreclr.so", StringComparison.Ordinal));
        Assert.DoesNotContain("/usr/lib/robot-host/appsettings.json", entries.Keys);
        Assert.DoesNotContain(entries.Keys, k => k.StartsWith("/var/", StringComparison.Ordinal));
        Assert.DoesNotContain(entries.Values, e => e.Owner != "root/root");
    }

    [Theory]
    [InlineData("amd64", (ushort)0x3E)]
    [InlineData("arm64", (ushort)0xB7)]
    public void The_executable_and_its_native_libraries_are_built_for_the_package_architecture(string arch, ushort machine)
    {
        var dir = Path.Combine(fixture.Get(arch).ExtractedRoot, "usr", "lib", "robot-host");
        // The AOT executable, SQLite's native library (the record store) and the serial port shim: ELF for the package's machine.
        foreach (var file in new[] { "robot-host", "libe_sqlite3.so", "libSystem.IO.Ports.Native.so" })
        {
            var header = File.ReadAllBytes(Path.Combine(dir, file)).AsSpan(0, 20);
            Assert.True(header[..4].SequenceEqual((ReadOnlySpan<byte>)[0x7F, (byte)'E', (byte)'L', (byte)'F']), $"{file} is not an ELF file");
            Assert.True(header[4] == 2, $"{file} is not 64-bit");
            Assert.Equal(machine, System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(header[18..]));
        }
        // The executable needs glibc only (the version the board's Debian 12 has), not the .NET runtime's libraries.
        var depends = PackageFixture.Run("dpkg-deb", ["-f", fixture.Get(arch).DebPath, "Depends"], Quick);
        Assert.Matches(@"^libc6 \(>= 2\.\d+\), libssl3, adduser, passwd\s*$", depends.Stdout);
        Assert.DoesNotContain("libstdc++", depends.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_config_is_a_conffile_and_the_maintainer_scripts_are_executable()
    {
        var deb = fixture.Get("amd64").DebPath;
        var conffiles = PackageFixture.Run("dpkg-deb", ["-I", deb, "conffiles"], Quick);
        Assert.Equal(0, conffiles.ExitCode);
        Assert.Equal(["/etc/robot-host/appsettings.json"], conffiles.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        var control = Path.Combine(fixture.Get("amd64").WorkDir, "DEBIAN");
        var e = PackageFixture.Run("dpkg-deb", ["-e", deb, control], Quick);
        Assert.Equal(0, e.ExitCode);
        foreach (var script in new[] { "postinst", "prerm", "postrm" })
        {
            var path = Path.Combine(control, script);
            Assert.True(File.Exists(path), $"{script} is missing");
            Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute), $"{script} is not executable");
            Assert.StartsWith("#!/bin/sh", File.ReadAllText(path), StringComparison.Ordinal);
            var syntax = PackageFixture.Run("sh", ["-n", path], Quick);
            Assert.True(syntax.ExitCode == 0, $"{script}: {syntax.Stderr}");
        }
        var postinst = File.ReadAllText(Path.Combine(control, "postinst"));
        Assert.Contains("adduser --system", postinst, StringComparison.Ordinal);
        Assert.Contains("usermod -a -G gpio,i2c,dialout robot", postinst, StringComparison.Ordinal);
        Assert.Contains("install -d -o robot -g robot -m 0750 /var/lib/robot-host", postinst, StringComparison.Ordinal);
        Assert.Contains("systemctl enable robot-host.service", postinst, StringComparison.Ordinal);
        var prerm = File.ReadAllText(Path.Combine(control, "prerm"));
        Assert.Contains("systemctl stop robot-host.service", prerm, StringComparison.Ordinal);
        Assert.Contains("systemctl disable robot-host.service", prerm, StringComparison.Ordinal);
        // Purge must never delete the records (customs evidence).
        Assert.DoesNotContain("rm -rf /var/lib/robot-host", File.ReadAllText(Path.Combine(control, "postrm")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_unit_is_a_hardened_notify_service_with_a_watchdog()
    {
        var unit = File.ReadAllLines(Path.Combine(fixture.Get("amd64").ExtractedRoot, "lib", "systemd", "system", "robot-host.service"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var directive in new[]
                 {
                     "Type=notify", "Restart=on-failure", "User=robot", "SupplementaryGroups=gpio i2c dialout",
                     "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "ReadWritePaths=/var/lib/robot-host",
                     "StandardOutput=journal", "Environment=ROBOT_CONFIG=/etc/robot-host/appsettings.json",
                     "ExecStart=/usr/lib/robot-host/robot-host run", "WantedBy=multi-user.target",
                 })
        {
            Assert.Contains(directive, unit);
        }
        Assert.Contains(unit, l => l.StartsWith("WatchdogSec=", StringComparison.Ordinal) && int.Parse(l["WatchdogSec=".Length..], System.Globalization.CultureInfo.InvariantCulture) > 0);
        // Only the record store is writable.
        Assert.Single(unit, l => l.StartsWith("ReadWritePaths=", StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_config_drives_the_real_robot_and_keeps_records_under_var_lib()
    {
        var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(fixture.Get("amd64").ExtractedRoot, "etc", "robot-host", "appsettings.json")));
        Assert.Equal("gpio", json.RootElement.GetProperty("Hardware").GetProperty("Kind").GetString());
        Assert.True(json.RootElement.GetProperty("Broker").GetProperty("Embedded").GetBoolean());
        Assert.StartsWith("/var/lib/robot-host/", json.RootElement.GetProperty("Records").GetProperty("DatabasePath").GetString(), StringComparison.Ordinal);
    }
}
