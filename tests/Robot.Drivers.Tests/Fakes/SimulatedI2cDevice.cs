using System.Device.I2c;

namespace Robot.Drivers.Tests.Fakes;

/// <summary>
/// A register-file I2C device: the first byte of a write sets the register pointer, later bytes
/// are written from it with auto-increment; reads start at the pointer. Subclasses give a
/// register its datasheet meaning through <see cref="OnWrite"/> and <see cref="OnRead"/>.
/// Every register write is logged in order.
/// </summary>
public class SimulatedI2cDevice(int bus, int address) : I2cDevice
{
    protected readonly byte[] Registers = new byte[256];
    private byte _pointer;
    private readonly List<(byte Register, byte Value)> _writes = [];

    public override I2cConnectionSettings ConnectionSettings { get; } = new(bus, address);
    public IReadOnlyList<(byte Register, byte Value)> RegisterWrites { get { lock (_writes) return _writes.ToList(); } }
    public byte this[byte register] { get => Registers[register]; set => Registers[register] = value; }

    public override byte ReadByte() => OnRead(_pointer++);

    public override void Read(Span<byte> buffer)
    {
        for (var i = 0; i < buffer.Length; i++) buffer[i] = OnRead(_pointer++);
    }

    public override void WriteByte(byte value) => _pointer = value;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length == 0) return;
        _pointer = buffer[0];
        for (var i = 1; i < buffer.Length; i++)
        {
            var register = _pointer++;
            lock (_writes) _writes.Add((register, buffer[i]));
            OnWrite(register, buffer[i]);
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    protected virtual void OnWrite(byte register, byte value) => Registers[register] = value;
    protected virtual byte OnRead(byte register) => Registers[register];
}
