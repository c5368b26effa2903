using System.Text;
using Iot.Device.Nmea0183;
using Iot.Device.Nmea0183.Sentences;
using Robot.Drivers.Configuration;

namespace Robot.Drivers.Gnss;

/// <summary>A position fix in the yard frame.</summary>
public readonly record struct GnssFix(DateTimeOffset Time, double Latitude, double Longitude, double X, double Y, GpsQuality Quality, int Satellites, double? Hdop);

/// <summary>
/// A GNSS receiver on a serial line speaking NMEA 0183: sentences are parsed with
/// Iot.Device.Nmea0183 (checksum checked there); GGA fixes with a fix quality become yard
/// coordinates from the configured origin. Lines with a bad checksum or no fix are counted and
/// dropped, never turned into a position.
/// </summary>
public sealed class NmeaGnssReceiver : IDisposable
{
    private readonly Stream _stream;
    private readonly GnssOptions _o;
    private readonly TimeProvider _time;
    private readonly IDisposable? _owner;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly Task _loop;
    private GnssFix? _last;
    private int _rejected;

    public NmeaGnssReceiver(Stream stream, GnssOptions options, TimeProvider time, IDisposable? owner = null)
    {
        _stream = stream;
        _o = options;
        _time = time;
        _owner = owner;
        _loop = Task.Run(ReadLoopAsync);
    }

    public static NmeaGnssReceiver OpenSerial(GnssOptions options, TimeProvider time)
    {
        var serial = new System.IO.Ports.SerialPort(options.Port, options.Baud) { NewLine = "\r\n" };
        serial.Open();
        return new NmeaGnssReceiver(serial.BaseStream, options, time, serial);
    }

    public event Action<GnssFix>? FixReceived;
    public GnssFix? LastFix { get { lock (_gate) return _last; } }
    public int RejectedSentences => Volatile.Read(ref _rejected);
    public string? LastError { get; private set; }

    private async Task ReadLoopAsync()
    {
        using var reader = new StreamReader(_stream, Encoding.ASCII, false, 256, leaveOpen: true);
        while (!_stop.IsCancellationRequested)
        {
            string? line;
            try { line = await reader.ReadLineAsync(_stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
            catch (IOException e) { LastError = e.Message; return; }
            if (line is null) return;
            ProcessLine(line);
        }
    }

    /// <summary>Parse one sentence; returns the fix it gave, if any.</summary>
    public GnssFix? ProcessLine(string line)
    {
        line = line.Trim();
        if (line.Length == 0) return null;
        var sentence = TalkerSentence.FromSentenceString(line, out var error);
        if (sentence is null || error != NmeaError.None)
        {
            Interlocked.Increment(ref _rejected);
            LastError = $"rejected NMEA sentence ({error}): {line}";
            return null;
        }
        var now = _time.GetUtcNow();
        if (sentence.TryGetTypedValue(ref now) is not GlobalPositioningSystemFixData gga) return null;
        if (!gga.Valid || gga.Status is GpsQuality.NoFix or GpsQuality.Estimated or GpsQuality.Manual or GpsQuality.Simulated)
            return null;
        var (x, y) = YardProjection.ToYard(gga.Position.Latitude, gga.Position.Longitude, _o.OriginLatitude, _o.OriginLongitude, _o.YardRotationDegrees);
        var fix = new GnssFix(_time.GetUtcNow(), gga.Position.Latitude, gga.Position.Longitude, x, y, gga.Status, gga.NumberOfSatellites, gga.Hdop);
        lock (_gate) _last = fix;
        FixReceived?.Invoke(fix);
        return fix;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _owner?.Dispose();
        try { _loop.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _stop.Dispose();
    }
}
