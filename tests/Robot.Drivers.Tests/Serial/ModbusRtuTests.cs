using System.IO.Ports;
using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Configuration;
using Robot.Drivers.ModbusProbe;
using Robot.Drivers.Tests.Fakes;

namespace Robot.Drivers.Tests.Serial;

/// <summary>The Modbus RTU master over a real pty pair; the test is the probe at the other end, answering real frames.</summary>
public sealed class ModbusRtuTests : IDisposable
{
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(10); // hang guard only, never asserted
    private readonly PtyPair _pty = PtyPair.Start();
    private readonly FakeTimeProvider _time = new();
    private readonly SerialPort _probe;
    private readonly ModbusRtuMaster _master;
    private readonly List<(int Attempt, ModbusException Error)> _failures = [];

    public ModbusRtuTests()
    {
        _probe = new SerialPort(_pty.B, 9600, Parity.Even, 8, StopBits.One);
        _probe.Open();
        _master = ModbusRtuMaster.OpenSerial(_pty.A, 9600, Parity.Even, StopBits.One, _time, TimeSpan.FromMilliseconds(300), retries: 2);
        _master.AttemptFailed += (attempt, e) => { lock (_failures) _failures.Add((attempt, e)); };
    }

    private async Task<byte[]> ReceiveRequestAsync()
    {
        var frame = new byte[8];
        await _probe.BaseStream.ReadExactlyAsync(frame).AsTask().WaitAsync(Guard);
        Assert.True(ModbusCrc.Check(frame), "the master sent a frame with a bad CRC");
        return frame;
    }

    private Task AnswerAsync(byte[] frame) => _probe.BaseStream.WriteAsync(frame).AsTask();

    private static byte[] Registers(byte slave, byte function, params ushort[] values)
    {
        var body = new List<byte> { slave, function, (byte)(values.Length * 2) };
        foreach (var v in values) { body.Add((byte)(v >> 8)); body.Add((byte)v); }
        return ModbusCrc.Append(body.ToArray());
    }

    [Fact]
    public void The_crc_matches_the_specification_example()
    {
        // Modbus over serial line V1.02, 6.2.2: read holding registers 01 03 00 6B 00 03 -> CRC 74 17 (sent low byte first).
        Assert.Equal([0x01, 0x03, 0x00, 0x6B, 0x00, 0x03, 0x74, 0x17], ModbusRtuMaster.BuildReadRequest(1, 3, 0x6B, 3));
    }

    [Fact]
    public async Task A_good_answer_gives_the_registers()
    {
        var read = _master.ReadInputRegistersAsync(1, 0x10, 2);
        var request = await ReceiveRequestAsync();
        Assert.Equal([0x01, 0x04, 0x00, 0x10, 0x00, 0x02], request[..6]);
        await AnswerAsync(Registers(1, 4, 0x3F9D, 0x70A4));
        Assert.Equal([0x3F9D, 0x70A4], await read.WaitAsync(Guard));
        Assert.Empty(_failures);
    }

    [Fact]
    public async Task A_crc_error_is_reported_and_retried_never_decoded()
    {
        var read = _master.ReadHoldingRegistersAsync(1, 0, 1);
        await ReceiveRequestAsync();
        var corrupt = Registers(1, 3, 9999);
        corrupt[^1] ^= 0xFF;
        await AnswerAsync(corrupt);
        await ReceiveRequestAsync(); // the retry
        await AnswerAsync(Registers(1, 3, 42));

        Assert.Equal([42], await read.WaitAsync(Guard));
        var (attempt, error) = Assert.Single(_failures);
        Assert.Equal(1, attempt);
        Assert.Equal(ModbusErrorKind.Crc, error.Kind);
        Assert.Contains("CRC error", error.Message);
    }

    [Fact]
    public async Task Silence_times_out_on_the_time_provider_and_is_retried()
    {
        var read = _master.ReadInputRegistersAsync(1, 0, 1);
        await ReceiveRequestAsync();
        _time.Advance(TimeSpan.FromMilliseconds(300)); // the probe stays silent
        await ReceiveRequestAsync();
        await AnswerAsync(Registers(1, 4, 7));

        Assert.Equal([7], await read.WaitAsync(Guard));
        var (_, error) = Assert.Single(_failures);
        Assert.Equal(ModbusErrorKind.Timeout, error.Kind);
        Assert.Equal("no answer from slave 1 within 300 ms", error.Message);
    }

    [Fact]
    public async Task Exception_responses_are_named_retried_and_end_in_a_clear_error()
    {
        var read = _master.ReadInputRegistersAsync(1, 0x200, 1);
        for (var i = 0; i < 3; i++)
        {
            await ReceiveRequestAsync();
            await AnswerAsync(ModbusCrc.Append([0x01, 0x84, 0x02])); // illegal data address
        }
        var e = await Assert.ThrowsAsync<ModbusException>(() => read.WaitAsync(Guard));
        Assert.Equal(ModbusErrorKind.ExceptionResponse, e.Kind);
        Assert.Equal((byte)0x02, e.ExceptionCode);
        Assert.Contains("exception 02 (illegal data address)", e.Message);
        Assert.Contains("after 3 attempts", e.Message);
        Assert.Equal([1, 2, 3], _failures.Select(f => f.Attempt));
    }

    [Fact]
    public async Task The_probe_scales_a_float_register_and_reports_a_fault_rather_than_a_wrong_reading()
    {
        var o = new ModbusProbeOptions
        {
            SlaveAddress = 1,
            DoseRate = new ModbusRegisterOptions { Table = "input", Address = 0, Format = "float32", Scale = 1000 }, // the probe reports mSv/h
        };
        var probe = new ModbusDoseRateProbe(_master, o, _time);
        Assert.Equal(DetectorStatus.WarmingUp, probe.Read().Status);

        var poll = probe.PollAsync();
        await ReceiveRequestAsync();
        var bits = BitConverter.SingleToUInt32Bits(0.000123f);
        await AnswerAsync(Registers(1, 4, (ushort)(bits >> 16), (ushort)bits));
        var good = await poll.WaitAsync(Guard);
        Assert.Equal(DetectorStatus.Ok, good.Status);
        Assert.Equal(0.123, good.RawMicroSievertPerHour, 6);

        // Three silent attempts: the reading becomes a fault, not the old value.
        poll = probe.PollAsync();
        for (var i = 0; i < 3; i++)
        {
            await ReceiveRequestAsync();
            _time.Advance(TimeSpan.FromMilliseconds(300));
        }
        var bad = await poll.WaitAsync(Guard);
        Assert.Equal(DetectorStatus.Fault, bad.Status);
        Assert.Equal(0, bad.RawMicroSievertPerHour);
        Assert.Equal(DetectorStatus.Fault, probe.Read().Status);
        Assert.Contains("no answer from slave 1", probe.LastError);
    }

    public void Dispose()
    {
        _master.Dispose();
        _probe.Dispose();
        _pty.Dispose();
    }
}
