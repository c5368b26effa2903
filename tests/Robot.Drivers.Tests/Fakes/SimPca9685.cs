namespace Robot.Drivers.Tests.Fakes;

/// <summary>
/// PCA9685 register model (NXP datasheet rev. 4): MODE1 0x00 (bit 4 SLEEP, bit 5 AI), MODE2 0x01,
/// LEDn_ON_L/H and LEDn_OFF_L/H from 0x06 + 4n (12-bit counts; bit 4 of the _H byte is
/// full-on / full-off), ALL_LED 0xFA-0xFD, PRE_SCALE 0xFE = round(25 MHz / (4096 * f)) - 1,
/// writable only while SLEEP is set.
/// </summary>
public sealed class SimPca9685(int bus = 1, int address = 0x40) : SimulatedI2cDevice(bus, address)
{
    public const byte Mode1 = 0x00, PreScale = 0xFE;

    public bool Sleeping => (this[Mode1] & 0x10) != 0;
    public int PrescaleWritesWhileAwake { get; private set; }

    /// <summary>The duty the chip outputs on a channel, from its ON/OFF registers.</summary>
    public double Duty(int channel)
    {
        var b = (byte)(0x06 + 4 * channel);
        int on = this[b] | this[(byte)(b + 1)] << 8, off = this[(byte)(b + 2)] | this[(byte)(b + 3)] << 8;
        if ((off & 0x1000) != 0) return 0;
        if ((on & 0x1000) != 0) return 1;
        return ((off - on) & 0xFFF) / 4096.0;
    }

    public double FrequencyHz => 25_000_000.0 / 4096 / (this[PreScale] + 1);

    protected override void OnWrite(byte register, byte value)
    {
        if (register == PreScale && !Sleeping) { PrescaleWritesWhileAwake++; return; }
        if (register is >= 0xFA and <= 0xFD)
        {
            for (var ch = 0; ch < 16; ch++) Registers[0x06 + 4 * ch + (register - 0xFA)] = value;
            return;
        }
        base.OnWrite(register, value);
    }
}
