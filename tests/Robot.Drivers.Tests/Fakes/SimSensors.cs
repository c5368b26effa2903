using System.Buffers.Binary;

namespace Robot.Drivers.Tests.Fakes;

/// <summary>
/// INA219 register model (TI SBOS448): the test sets the shunt and bus voltages; the chip computes
/// Current = Shunt * Calibration / 4096 and Power = Current * Bus / 5000 from its calibration
/// register, as section 8.5.1 says. Registers are 16-bit big-endian.
/// </summary>
public sealed class SimIna219(int bus = 1, int address = 0x41) : SimulatedI2cDevice(bus, address)
{
    public double ShuntVolts { get; set; }
    public double BusVolts { get; set; }
    public ushort Word(byte register) => (ushort)(Registers[2 * register] << 8 | Registers[2 * register + 1]);

    // The register pointer selects a 16-bit register; the byte array keeps register r at [2r, 2r+1].
    private int _byteInRegister;
    private byte _register;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length == 0) return;
        _register = buffer[0];
        _byteInRegister = 0;
        if (buffer.Length == 3)
        {
            Registers[2 * _register] = buffer[1];
            Registers[2 * _register + 1] = buffer[2];
            base.Write([(byte)(0x80 + _register), buffer[1], buffer[2]]); // log as (0x80 + r): value
        }
    }

    public override void Read(Span<byte> buffer)
    {
        Update();
        for (var i = 0; i < buffer.Length; i++) buffer[i] = Registers[2 * _register + _byteInRegister++];
    }

    protected override void OnWrite(byte register, byte value) { }

    private void Update()
    {
        var shunt = (short)Math.Round(ShuntVolts / 10e-6);
        BinaryPrimitives.WriteInt16BigEndian(Registers.AsSpan(2), shunt);
        BinaryPrimitives.WriteUInt16BigEndian(Registers.AsSpan(4), (ushort)((ushort)Math.Round(BusVolts / 0.004) << 3 | 0x2)); // CNVR set
        var cal = Word(5);
        var current = (short)Math.Clamp(shunt * cal / 4096, short.MinValue, short.MaxValue);
        BinaryPrimitives.WriteInt16BigEndian(Registers.AsSpan(8), current);
    }
}

/// <summary>VL53L0X register model: model id 0xEE at 0xC0; a range result the test loads with <see cref="Measure"/>.</summary>
public sealed class SimVl53l0x(int bus = 1, int address = 0x29) : SimulatedI2cDevice(bus, address)
{
    public int InterruptClears { get; private set; }
    public byte RangingMode => this[0x00];

    public void Init() { this[0xC0] = 0xEE; this[0x89] = 0x00; }

    /// <summary>The sensor finishes a measurement: status in bits 6..3 of 0x14, mm at 0x1E/0x1F, interrupt status 0x13 = 4.</summary>
    public void Measure(int millimetres, int rangeStatus = 11)
    {
        this[0x14] = (byte)(rangeStatus << 3);
        this[0x1E] = (byte)(millimetres >> 8);
        this[0x1F] = (byte)millimetres;
        this[0x13] = 0x04;
    }

    protected override void OnWrite(byte register, byte value)
    {
        if (register == 0x0B && (value & 1) != 0) { InterruptClears++; this[0x13] = 0; return; }
        base.OnWrite(register, value);
    }
}

/// <summary>BNO055 register model: chip id 0xA0, OPR_MODE, Euler heading at 0x1A (LSB first, 16 per degree), CALIB_STAT 0x35.</summary>
public sealed class SimBno055(int bus = 1, int address = 0x28) : SimulatedI2cDevice(bus, address)
{
    public SimBno055 WithChip() { this[0x00] = 0xA0; return this; }

    public void SetHeading(double degreesClockwiseFromNorth, byte calibration = 0xFF)
    {
        var raw = (ushort)Math.Round(degreesClockwiseFromNorth * 16);
        this[0x1A] = (byte)raw;
        this[0x1B] = (byte)(raw >> 8);
        this[0x35] = calibration;
    }
}
