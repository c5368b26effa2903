using System.Device.I2c;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Common;
using UnitsNet;

namespace Robot.Drivers.Vl53l0x;

/// <summary>
/// Wall distance from an ST VL53L0X time-of-flight sensor, register-level and non-blocking: the
/// sensor ranges back-to-back (continuous mode); <see cref="Distance"/> takes a new sample when the
/// interrupt status says one is ready and otherwise returns the last one, so a read on the
/// supervisor's tick never waits for a measurement. The init is the ST API's DataInit essentials; SPAD and reference calibration are left as the
/// factory stored them in the module's NVM.
/// </summary>
public sealed class Vl53l0xRangeFinder : IWallRangeFinder, IDisposable
{
    // Register addresses (ST API vl53l0x_device.h / Pololu VL53L0X register map).
    public const byte SysRangeStart = 0x00, SystemInterruptConfigGpio = 0x0A, SystemInterruptClear = 0x0B,
        ResultInterruptStatus = 0x13, ResultRangeStatus = 0x14, ResultRangeMillimetres = 0x14 + 10,
        I2cStandardMode = 0x88, VhvConfigPadSclSdaExtsupHv = 0x89, IdentificationModelId = 0xC0;
    public const byte ModelId = 0xEE;
    /// <summary>Range status (bits 6..3 of RESULT_RANGE_STATUS) 11 = valid range.</summary>
    public const int RangeValid = 11;

    private readonly I2cDevice _device;
    private readonly Lock _gate = new();
    private Length? _last;

    public Vl53l0xRangeFinder(I2cDevice device)
    {
        _device = device;
        var model = device.ReadByte(IdentificationModelId);
        if (model != ModelId) throw new InvalidOperationException($"VL53L0X not found: model id 0x{model:X2} at register 0xC0, expected 0xEE");
        // 2V8 I/O mode: VHV_CONFIG_PAD_SCL_SDA__EXTSUP_HV bit 0 = 1.
        device.WriteByte(VhvConfigPadSclSdaExtsupHv, (byte)(device.ReadByte(VhvConfigPadSclSdaExtsupHv) | 0x01));
        device.WriteByte(I2cStandardMode, 0x00);
        // Interrupt on "new sample ready" (GPIO_FUNCTIONALITY = 4), then clear any pending one.
        device.WriteByte(SystemInterruptConfigGpio, 0x04);
        device.WriteByte(SystemInterruptClear, 0x01);
        // Back-to-back continuous ranging (SYSRANGE_START mode 0x02).
        device.WriteByte(SysRangeStart, 0x02);
    }

    /// <summary>Beyond this the module returns 8190/8191 mm: nothing in range.</summary>
    public static readonly Length MaxRange = Length.FromMillimeters(2000);

    public Length? Distance
    {
        get
        {
            lock (_gate)
            {
                if ((_device.ReadByte(ResultInterruptStatus) & 0x07) == 0) return _last;
                var status = (_device.ReadByte(ResultRangeStatus) >> 3) & 0x0F;
                var mm = _device.ReadUInt16BigEndian(ResultRangeMillimetres);
                _device.WriteByte(SystemInterruptClear, 0x01);
                _last = status == RangeValid && mm < MaxRange.Millimeters ? Length.FromMillimeters(mm) : null;
                return _last;
            }
        }
    }

    public void Dispose()
    {
        try { _device.WriteByte(SysRangeStart, 0x01); } catch (IOException) { } // single-shot mode ends continuous ranging
        _device.Dispose();
    }
}
