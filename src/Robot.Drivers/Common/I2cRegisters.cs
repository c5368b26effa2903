using System.Buffers.Binary;
using System.Device.I2c;

namespace Robot.Drivers.Common;

/// <summary>Register access the I2C devices here share: a register pointer write, then the data.</summary>
public static class I2cRegisters
{
    public static byte ReadByte(this I2cDevice device, byte register)
    {
        Span<byte> value = stackalloc byte[1];
        device.WriteRead([register], value);
        return value[0];
    }

    public static ushort ReadUInt16BigEndian(this I2cDevice device, byte register)
    {
        Span<byte> value = stackalloc byte[2];
        device.WriteRead([register], value);
        return BinaryPrimitives.ReadUInt16BigEndian(value);
    }

    public static ushort ReadUInt16LittleEndian(this I2cDevice device, byte register)
    {
        Span<byte> value = stackalloc byte[2];
        device.WriteRead([register], value);
        return BinaryPrimitives.ReadUInt16LittleEndian(value);
    }

    public static void WriteByte(this I2cDevice device, byte register, byte value) => device.Write([register, value]);

    public static void WriteUInt16BigEndian(this I2cDevice device, byte register, ushort value) =>
        device.Write([register, (byte)(value >> 8), (byte)value]);
}
