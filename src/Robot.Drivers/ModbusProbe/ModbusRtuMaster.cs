using System.Buffers.Binary;
using System.IO.Ports;

namespace Robot.Drivers.ModbusProbe;

public enum ModbusErrorKind
{
    Timeout,
    Crc,
    Malformed,
    ExceptionResponse,
}

/// <summary>A failed Modbus transaction, with what went wrong in words a maintainer can act on.</summary>
public sealed class ModbusException(ModbusErrorKind kind, string message, byte? exceptionCode = null) : IOException(message)
{
    public ModbusErrorKind Kind { get; } = kind;
    public byte? ExceptionCode { get; } = exceptionCode;

    public static string DescribeException(byte code) => code switch
    {
        0x01 => "illegal function",
        0x02 => "illegal data address",
        0x03 => "illegal data value",
        0x04 => "server device failure",
        0x05 => "acknowledge (busy with a long command)",
        0x06 => "server device busy",
        0x0B => "gateway target device failed to respond",
        _ => "unknown exception",
    };
}

/// <summary>
/// A small Modbus RTU master (Modbus application protocol V1.1b3, serial line V1.02): functions
/// 03 (read holding registers) and 04 (read input registers), CRC-16, a response timeout on the
/// <see cref="TimeProvider"/>, retries, and exception responses. A frame is read to its exact
/// length (from the function and byte count), so no inter-character timing is needed; a reply that
/// is late, corrupt or from another slave is discarded and the request retried, never decoded.
/// </summary>
public sealed class ModbusRtuMaster : IDisposable
{
    public const byte ReadHoldingRegisters = 0x03, ReadInputRegisters = 0x04;

    private readonly Stream _stream;
    private readonly TimeProvider _time;
    private readonly Action? _discardInput;
    private readonly IDisposable? _owner;
    private readonly SemaphoreSlim _busy = new(1, 1);

    public ModbusRtuMaster(Stream stream, TimeProvider time, TimeSpan timeout, int retries, Action? discardInput = null, IDisposable? owner = null)
    {
        _stream = stream;
        _time = time;
        Timeout = timeout;
        Retries = retries;
        _discardInput = discardInput;
        _owner = owner;
    }

    /// <summary>Open a serial port (RS-485 adapter) as a Modbus RTU line: 8 data bits, the given parity and stop bits.</summary>
    public static ModbusRtuMaster OpenSerial(string port, int baud, Parity parity, StopBits stopBits, TimeProvider time, TimeSpan timeout, int retries)
    {
        var serial = new SerialPort(port, baud, parity, 8, stopBits) { Handshake = Handshake.None };
        serial.Open();
        return new ModbusRtuMaster(serial.BaseStream, time, timeout, retries, serial.DiscardInBuffer, serial);
    }

    public TimeSpan Timeout { get; }
    public int Retries { get; }

    /// <summary>Raised for every failed attempt (the attempt number from 1), before the retry.</summary>
    public event Action<int, ModbusException>? AttemptFailed;

    public Task<ushort[]> ReadHoldingRegistersAsync(byte slave, ushort start, ushort count, CancellationToken ct = default) =>
        ReadAsync(slave, ReadHoldingRegisters, start, count, ct);

    public Task<ushort[]> ReadInputRegistersAsync(byte slave, ushort start, ushort count, CancellationToken ct = default) =>
        ReadAsync(slave, ReadInputRegisters, start, count, ct);

    public static byte[] BuildReadRequest(byte slave, byte function, ushort start, ushort count) =>
        ModbusCrc.Append([slave, function, (byte)(start >> 8), (byte)start, (byte)(count >> 8), (byte)count]);

    private async Task<ushort[]> ReadAsync(byte slave, byte function, ushort start, ushort count, CancellationToken ct)
    {
        if (slave is 0 or > 247) throw new ArgumentOutOfRangeException(nameof(slave), "a read needs a unicast slave address 1 to 247");
        if (count is 0 or > 125) throw new ArgumentOutOfRangeException(nameof(count), "1 to 125 registers per read");
        var request = BuildReadRequest(slave, function, start, count);
        await _busy.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ModbusException? last = null;
            for (var attempt = 1; attempt <= Retries + 1; attempt++)
            {
                try
                {
                    return await TransactAsync(request, slave, function, count, ct).ConfigureAwait(false);
                }
                catch (ModbusException e)
                {
                    last = e;
                    AttemptFailed?.Invoke(attempt, e);
                    try { _discardInput?.Invoke(); } catch (InvalidOperationException) { }
                }
            }
            throw new ModbusException(last!.Kind, $"Modbus slave {slave}: no valid answer to function {function:X2} register {start} after {Retries + 1} attempts; last: {last.Message}", last.ExceptionCode);
        }
        finally
        {
            _busy.Release();
        }
    }

    private async Task<ushort[]> TransactAsync(byte[] request, byte slave, byte function, ushort count, CancellationToken ct)
    {
        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token);
        try
        {
            await _stream.WriteAsync(request, linked.Token).ConfigureAwait(false);
            await _stream.FlushAsync(linked.Token).ConfigureAwait(false);

            var head = new byte[3];
            await _stream.ReadExactlyAsync(head, linked.Token).ConfigureAwait(false);
            if (head[0] != slave)
                throw new ModbusException(ModbusErrorKind.Malformed, $"answer from slave {head[0]} while waiting for slave {slave}");
            if (head[1] == (function | 0x80))
            {
                // Exception response: slave, function | 0x80, exception code, CRC (5 bytes).
                var frame = new byte[5];
                head.CopyTo(frame, 0);
                await _stream.ReadExactlyAsync(frame.AsMemory(3), linked.Token).ConfigureAwait(false);
                if (!ModbusCrc.Check(frame)) throw new ModbusException(ModbusErrorKind.Crc, $"CRC error in the exception response from slave {slave}");
                throw new ModbusException(ModbusErrorKind.ExceptionResponse,
                    $"slave {slave} answered exception {head[2]:X2} ({ModbusException.DescribeException(head[2])}) to function {function:X2}", head[2]);
            }
            if (head[1] != function)
                throw new ModbusException(ModbusErrorKind.Malformed, $"answer with function {head[1]:X2} to a function {function:X2} request");
            if (head[2] != count * 2)
                throw new ModbusException(ModbusErrorKind.Malformed, $"answer with {head[2]} data bytes, expected {count * 2}");

            // Normal response: slave, function, byte count, data, CRC.
            var response = new byte[3 + head[2] + 2];
            head.CopyTo(response, 0);
            await _stream.ReadExactlyAsync(response.AsMemory(3), linked.Token).ConfigureAwait(false);
            if (!ModbusCrc.Check(response)) throw new ModbusException(ModbusErrorKind.Crc, $"CRC error in the answer from slave {slave}");
            var registers = new ushort[count];
            for (var i = 0; i < count; i++) registers[i] = BinaryPrimitives.ReadUInt16BigEndian(response.AsSpan(3 + 2 * i));
            return registers;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new ModbusException(ModbusErrorKind.Timeout, $"no answer from slave {slave} within {Timeout.TotalMilliseconds:0} ms");
        }
    }

    public void Dispose()
    {
        _busy.Dispose();
        if (_owner is not null) _owner.Dispose();
        else _stream.Dispose();
    }
}
