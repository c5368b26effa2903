using System.Device.I2c;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Common;
using UnitsNet;

namespace Robot.Drivers.Bno055;

/// <summary>
/// Heading from a Bosch BNO055 in NDOF fusion mode, register-level so the mode-switch waits go
/// through <see cref="IHardwareDelay"/> and the init is verifiable on a simulated device. The
/// BNO055's Euler heading is clockwise from magnetic north; the yard heading is counter-clockwise
/// from x = east, plus the configured offset.
/// </summary>
public sealed class Bno055HeadingSensor : IHeadingSource, IDisposable
{
    // Page 0 registers (BNO055 datasheet BST-BNO055-DS000, 4.2).
    public const byte ChipIdRegister = 0x00, PageId = 0x07, EulerHeadingLsb = 0x1A, CalibStat = 0x35,
        SysStatus = 0x39, UnitSel = 0x3B, OprMode = 0x3D, PwrMode = 0x3E;
    public const byte ChipId = 0xA0, ModeConfig = 0x00, ModeNdof = 0x0C, PowerNormal = 0x00;
    /// <summary>Euler angles: 16 LSB per degree (UNIT_SEL bit 2 = 0).</summary>
    public const double LsbPerDegree = 16.0;

    private readonly I2cDevice _device;
    private readonly double _offsetDegrees;

    public Bno055HeadingSensor(I2cDevice device, IHardwareDelay delay, double headingOffsetDegrees = 0)
    {
        _device = device;
        _offsetDegrees = headingOffsetDegrees;
        var id = device.ReadByte(ChipIdRegister);
        if (id != ChipId) throw new InvalidOperationException($"BNO055 not found: chip id 0x{id:X2} at register 0x00, expected 0xA0");
        device.WriteByte(PageId, 0x00);
        device.WriteByte(OprMode, ModeConfig);
        delay.Wait(TimeSpan.FromMilliseconds(19)); // operating mode -> CONFIG takes 19 ms (table 3-6)
        device.WriteByte(PwrMode, PowerNormal);
        // Degrees, Windows orientation (pitch turning clockwise increases), °C, m/s².
        device.WriteByte(UnitSel, 0x00);
        device.WriteByte(OprMode, ModeNdof);
        delay.Wait(TimeSpan.FromMilliseconds(7)); // CONFIG -> any fusion mode takes 7 ms
    }

    /// <summary>CALIB_STAT: system, gyro, accelerometer, magnetometer, 0 (uncalibrated) to 3.</summary>
    public (int Sys, int Gyro, int Accel, int Mag) CalibrationStatus
    {
        get
        {
            var c = _device.ReadByte(CalibStat);
            return (c >> 6 & 3, c >> 4 & 3, c >> 2 & 3, c & 3);
        }
    }

    /// <summary>The raw compass heading, clockwise from north.</summary>
    public Angle CompassHeading => Angle.FromDegrees(_device.ReadUInt16LittleEndian(EulerHeadingLsb) / LsbPerDegree);

    /// <summary>Yard heading; null until the fusion's system calibration is above zero.</summary>
    public Angle? Heading
    {
        get
        {
            if (CalibrationStatus.Sys == 0) return null;
            var ccwFromEast = 90.0 - CompassHeading.Degrees + _offsetDegrees;
            return Angle.FromDegrees(Math.IEEERemainder(ccwFromEast, 360.0));
        }
    }

    public void Dispose() => _device.Dispose();
}
