using System.Device.I2c;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Common;
using Robot.Drivers.Configuration;
using UnitsNet;

namespace Robot.Drivers.Ina219;

/// <summary>
/// Battery voltage and current from a TI INA219 (register-level: the binding reads the signed
/// shunt register as unsigned and busy-waits), and a state-of-charge estimate: from the resting
/// voltage at start, then coulomb counting on the measured current against the pack capacity.
/// Current is positive when the pack discharges (shunt IN+ on the battery side).
/// </summary>
public sealed class Ina219Battery : IBattery, IDisposable
{
    // Registers (INA219 datasheet SBOS448, 8.6): all 16-bit, big-endian.
    public const byte ConfigRegister = 0x00, ShuntVoltageRegister = 0x01, BusVoltageRegister = 0x02,
        PowerRegister = 0x03, CurrentRegister = 0x04, CalibrationRegister = 0x05;

    // Config: BRNG=1 (32 V bus), PG=11 (±320 mV, /8), BADC=SADC=0011 (12-bit, 532 µs), MODE=111 (shunt and bus, continuous).
    public const ushort Configuration = 0b0_0_1_11_0011_0011_111; // 0x399F, the power-on default

    private readonly I2cDevice _device;
    private readonly BatteryOptions _o;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly double _currentLsb;
    private readonly ushort _calibration;
    private long _lastStamp;
    private double _volts, _amps, _soc;
    private bool _sampled;

    public Ina219Battery(I2cDevice device, BatteryOptions options, TimeProvider time)
    {
        _device = device;
        _o = options;
        _time = time;
        // Current_LSB = max expected current / 2^15; Cal = trunc(0.04096 / (Current_LSB * R_shunt)) (datasheet 8.5.1).
        _currentLsb = options.MaxCurrentA / 32768.0;
        _calibration = (ushort)Math.Min(0xFFFE, Math.Truncate(0.04096 / (_currentLsb * options.ShuntOhms))) ;
        _calibration &= 0xFFFE; // bit 0 is not used
        _device.WriteUInt16BigEndian(ConfigRegister, Configuration);
        _device.WriteUInt16BigEndian(CalibrationRegister, _calibration);
        Sample();
        _soc = RestingStateOfCharge(_volts);
    }

    public double CurrentLsbAmperes => _currentLsb;
    public ushort Calibration => _calibration;

    public ElectricPotential Voltage { get { SampleIfDue(); lock (_gate) return ElectricPotential.FromVolts(_volts); } }
    public ElectricCurrent Current { get { SampleIfDue(); lock (_gate) return ElectricCurrent.FromAmperes(_amps); } }
    public Ratio StateOfCharge { get { SampleIfDue(); lock (_gate) return Ratio.FromPercent(_soc * 100); } }
    public bool IsCharging { get { SampleIfDue(); lock (_gate) return -_amps > _o.ChargingThresholdA; } }

    /// <summary>The shunt voltage register (signed, 10 µV per LSB).</summary>
    public ElectricPotential ShuntVoltage => ElectricPotential.FromMicrovolts((short)_device.ReadUInt16BigEndian(ShuntVoltageRegister) * 10.0);

    private void SampleIfDue()
    {
        lock (_gate) if (_sampled && _time.GetElapsedTime(_lastStamp) < TimeSpan.FromMilliseconds(100)) return;
        Sample();
    }

    /// <summary>Read bus voltage and current; integrate charge since the last sample.</summary>
    public void Sample()
    {
        var bus = _device.ReadUInt16BigEndian(BusVoltageRegister);
        // Bus voltage: bits 15..3, 4 mV per LSB; bit 0 OVF = the power or current calculation overflowed.
        var volts = (bus >> 3) * 0.004;
        if ((bus & 0x1) != 0) throw new InvalidOperationException("INA219 math overflow (OVF): current above Hardware:Battery:MaxCurrentA");
        // The calibration register is cleared by a brown-out reset: write it back before reading current.
        _device.WriteUInt16BigEndian(CalibrationRegister, _calibration);
        var amps = (short)_device.ReadUInt16BigEndian(CurrentRegister) * _currentLsb;
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_sampled)
            {
                var hours = _time.GetElapsedTime(_lastStamp, now).TotalHours;
                _soc = Math.Clamp(_soc - (_amps + amps) / 2 * hours / _o.CapacityAh, 0, 1);
            }
            _volts = volts;
            _amps = amps;
            _lastStamp = now;
            _sampled = true;
        }
    }

    private double RestingStateOfCharge(double volts) => Math.Clamp((volts - _o.EmptyVolts) / (_o.FullVolts - _o.EmptyVolts), 0, 1);

    public void Dispose() => _device.Dispose();
}
