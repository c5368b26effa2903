using System.IO.Ports;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.Configuration;
using Robot.Drivers.Gnss;
using Robot.Drivers.Tests.Fakes;

namespace Robot.Drivers.Tests.Serial;

/// <summary>The NMEA reader on a real pty: a fake receiver at the other end sends sentences.</summary>
public sealed class NmeaGnssTests
{
    private static string Sentence(string body) =>
        $"${body}*{body.Aggregate(0, (c, ch) => c ^ ch):X2}\r\n";

    [Fact]
    public async Task Gga_fixes_become_yard_coordinates_and_bad_sentences_are_dropped()
    {
        using var pty = PtyPair.Start();
        var o = new GnssOptions { Port = pty.A, Baud = 9600, OriginLatitude = 29 + 56.0 / 60, OriginLongitude = 121 + 53.0 / 60 };
        using var receiver = NmeaGnssReceiver.OpenSerial(o, new FakeTimeProvider(DateTimeOffset.Parse("2025-06-01T12:35:19Z")));
        var fix = new TaskCompletionSource<GnssFix>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.FixReceived += f => fix.TrySetResult(f);
        using var gps = new SerialPort(pty.B, 9600);
        gps.Open();

        // 0.054' north (0.0009°) and 0.06' east (0.001°) of the origin.
        var good = Sentence("GPGGA,123519,2956.0540,N,12153.0600,E,1,08,0.9,5.0,M,0.0,M,,");
        var corrupt = good.Replace("2956.0540", "2957.0540"); // same checksum, different body: rejected
        var noFix = Sentence("GPGGA,123519,2957.0000,N,12153.0000,E,0,00,99.9,5.0,M,0.0,M,,");
        var bytes = Encoding.ASCII.GetBytes(corrupt + noFix + good);
        await gps.BaseStream.WriteAsync(bytes);

        var f = await fix.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // WGS84 at 29.93°: M = 6 351 000 m, N cos(phi) = 5 531 000 m (independent figures, to 0.1 %).
        Assert.Equal(0.0009 * Math.PI / 180 * 6_351_000, f.Y, 0);
        Assert.Equal(0.001 * Math.PI / 180 * 5_531_000, f.X, 0);
        Assert.Equal(8, f.Satellites);
        Assert.Equal(1, receiver.RejectedSentences);
        Assert.Equal(f, receiver.LastFix);
    }

    [Fact]
    public void The_yard_rotation_turns_east_into_the_yard_frame()
    {
        var (x, y) = YardProjection.ToYard(30, 121.001, 30, 121, rotationDegrees: 90);
        Assert.Equal(0, x, 6);
        Assert.True(y < -90, $"east should be -y in a yard rotated 90°, got {y}");
    }
}
