using Robot.Drivers.Abstractions;
using Robot.Drivers.Configuration;

namespace Robot.Drivers.ModbusProbe;

/// <summary>
/// An RS-485 survey probe read over Modbus RTU: a configurable register map (table, address,
/// format, word order) and scaling to µSv/h. It polls on its own loop; <see cref="Read"/> returns
/// the latest good reading, or a Fault reading (never a stale or guessed value) when the last
/// poll failed, with the reason in <see cref="LastError"/>.
/// </summary>
public sealed class ModbusDoseRateProbe : IDoseRateProbe, IDisposable
{
    private readonly ModbusRtuMaster _master;
    private readonly ModbusProbeOptions _o;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private DoseRateReading? _latest;
    private Task? _loop;

    public ModbusDoseRateProbe(ModbusRtuMaster master, ModbusProbeOptions options, TimeProvider time)
    {
        _master = master;
        _o = options;
        _time = time;
    }

    public string Model => _o.Model;
    public string? LastError { get; private set; }

    /// <summary>Poll at the configured interval until disposed.</summary>
    public void Start() => _loop ??= Task.Run(async () =>
    {
        while (!_stop.IsCancellationRequested)
        {
            await PollAsync(_stop.Token).ConfigureAwait(false);
            try { await Task.Delay(TimeSpan.FromMilliseconds(_o.PollMilliseconds), _time, _stop.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) { return; }
        }
    });

    public DoseRateReading Read()
    {
        lock (_gate) return _latest ?? new DoseRateReading(_time.GetUtcNow(), 0, null, DetectorStatus.WarmingUp);
    }

    /// <summary>One poll of the register map; the result (good or Fault) becomes the latest reading.</summary>
    public async Task<DoseRateReading> PollAsync(CancellationToken ct = default)
    {
        DoseRateReading reading;
        try
        {
            var dose = await ReadValueAsync(_o.DoseRate, ct).ConfigureAwait(false);
            double? cps = _o.CountRate is { } c ? await ReadValueAsync(c, ct).ConfigureAwait(false) : null;
            var status = DetectorStatus.Ok;
            if (_o.Status is { } s && ((int)await ReadValueAsync(s, ct).ConfigureAwait(false) & _o.FaultMask) != 0) status = DetectorStatus.Fault;
            reading = new DoseRateReading(_time.GetUtcNow(), dose, cps, status);
            LastError = status == DetectorStatus.Fault ? "the probe's status register reports a fault" : null;
        }
        catch (ModbusException e)
        {
            LastError = e.Message;
            reading = new DoseRateReading(_time.GetUtcNow(), 0, null, DetectorStatus.Fault);
        }
        lock (_gate) _latest = reading;
        return reading;
    }

    private async Task<double> ReadValueAsync(ModbusRegisterOptions register, CancellationToken ct)
    {
        var wide = register.Format is "uint32" or "int32" or "float32";
        ushort count = (ushort)(wide ? 2 : 1);
        var slave = (byte)_o.SlaveAddress;
        var address = (ushort)register.Address;
        var words = register.Table.Equals("holding", StringComparison.OrdinalIgnoreCase)
            ? await _master.ReadHoldingRegistersAsync(slave, address, count, ct).ConfigureAwait(false)
            : await _master.ReadInputRegistersAsync(slave, address, count, ct).ConfigureAwait(false);
        var value = Decode(words, register.Format, register.HighWordFirst) * register.Scale + register.Offset;
        if (!double.IsFinite(value))
            throw new ModbusException(ModbusErrorKind.Malformed, $"register {register.Address} holds no finite number ({register.Format})");
        return value;
    }

    public static double Decode(IReadOnlyList<ushort> words, string format, bool highWordFirst)
    {
        uint Wide() => highWordFirst ? (uint)words[0] << 16 | words[1] : (uint)words[1] << 16 | words[0];
        return format switch
        {
            "uint16" => words[0],
            "int16" => (short)words[0],
            "uint32" => Wide(),
            "int32" => (int)Wide(),
            "float32" => BitConverter.UInt32BitsToSingle(Wide()),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "uint16, int16, uint32, int32 or float32"),
        };
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _loop?.Wait(TimeSpan.FromSeconds(2)); } catch (AggregateException) { }
        _master.Dispose();
        _stop.Dispose();
    }
}
