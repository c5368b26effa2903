namespace Robot.Drivers.ModbusProbe;

/// <summary>CRC-16/MODBUS (Modbus over serial line V1.02, 6.2.2): reflected polynomial 0xA001, start 0xFFFF, sent low byte first.</summary>
public static class ModbusCrc
{
    public static ushort Compute(ReadOnlySpan<byte> data)
    {
        ushort crc = 0xFFFF;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++) crc = (crc & 1) != 0 ? (ushort)((crc >> 1) ^ 0xA001) : (ushort)(crc >> 1);
        }
        return crc;
    }

    /// <summary>Append the CRC (low byte first) to a frame body.</summary>
    public static byte[] Append(ReadOnlySpan<byte> body)
    {
        var frame = new byte[body.Length + 2];
        body.CopyTo(frame);
        var crc = Compute(body);
        frame[^2] = (byte)crc;
        frame[^1] = (byte)(crc >> 8);
        return frame;
    }

    /// <summary>True when the last two bytes are the CRC of the rest.</summary>
    public static bool Check(ReadOnlySpan<byte> frame) =>
        frame.Length >= 3 && Compute(frame[..^2]) == (ushort)(frame[^2] | frame[^1] << 8);
}
