namespace Robot.Drivers.Configuration;

/// <summary>
/// The "Hardware" section: which board driver, every pin, bus, address and serial port of the
/// reference robot, and the device constants (encoder counts, lift steps, calibrations, limits).
/// Pins are the GPIO driver's logical numbers (BCM numbers on a Raspberry Pi).
/// </summary>
public sealed class HardwareOptions
{
    public const string Section = "Hardware";

    /// <summary>"gpio": the real drivers in this assembly; "virtual": stand-ins with no I/O (a dry run). (The simulator composes its own twins.)</summary>
    public string Kind { get; set; } = "gpio";
    /// <summary>Constants of the stand-in drivers, used when Kind is "virtual".</summary>
    public Virtual.VirtualHardwareOptions Virtual { get; set; } = new();
    public GpioOptions Gpio { get; set; } = new();
    public DriveOptions Drive { get; set; } = new();
    public LiftOptions Lift { get; set; } = new();
    public EmergencyStopOptions EmergencyStop { get; set; } = new();
    public DoseProbeOptions DoseProbe { get; set; } = new();
    public I2cDeviceOptions WallRange { get; set; } = new() { Address = 0x29 };
    public ObstacleOptions Obstacles { get; set; } = new();
    public ImuOptions Imu { get; set; } = new();
    public GnssOptions Gnss { get; set; } = new();
    public BatteryOptions Battery { get; set; } = new();
    public AlarmOptions Alarm { get; set; } = new();
    public SurfaceContaminationOptions SurfaceContamination { get; set; } = new();

    /// <summary>One clear line per problem, each naming its key. Empty when the section is usable.</summary>
    /// <param name="deviceExists">When given, I2C buses (/dev/i2c-N) and serial ports are checked for presence.</param>
    public IReadOnlyList<string> Validate(Func<string, bool>? deviceExists = null) => HardwareOptionsValidator.Validate(this, deviceExists);
}

public sealed class GpioOptions
{
    /// <summary>"libgpiod", "sysfs" or "raspberrypi" (the default detection fails on some boards).</summary>
    public string Driver { get; set; } = "libgpiod";
    /// <summary>The gpiochip number for libgpiod (0 on a Pi 4, 4 or 0 on a Pi 5 depending on the kernel).</summary>
    public int Chip { get; set; }
    /// <summary>libgpiod library generation: 1 (libgpiod.so.2) or 2 (libgpiod.so.3).</summary>
    public int LibgpiodVersion { get; set; } = 2;
    /// <summary>Highest valid logical pin number on this board.</summary>
    public int MaxPin { get; set; } = 27;
}

public class I2cDeviceOptions
{
    public bool Enabled { get; set; } = true;
    /// <summary>A required device that fails its self-test fails the whole self-test.</summary>
    public bool Required { get; set; } = true;
    /// <summary>I2C bus number (/dev/i2c-N); 1 on a Raspberry Pi's header.</summary>
    public int? Bus { get; set; } = 1;
    public int Address { get; set; }
}

public sealed class WheelOptions
{
    public int PwmChannel { get; set; }
    public int ForwardPin { get; set; }
    public int ReversePin { get; set; }
    public int EncoderAPin { get; set; }
    public int EncoderBPin { get; set; }
    /// <summary>Swap when the motor is mounted mirrored.</summary>
    public bool Inverted { get; set; }
}

public sealed class DriveOptions
{
    /// <summary>"pca9685" (I2C PWM board) or "hardware" (the SoC's PWM chip).</summary>
    public string Pwm { get; set; } = "pca9685";
    public I2cDeviceOptions Pca9685 { get; set; } = new() { Address = 0x40 };
    public int PwmChip { get; set; }
    public int PwmFrequencyHz { get; set; } = 1000;
    public WheelOptions Left { get; set; } = new() { PwmChannel = 0, ForwardPin = 5, ReversePin = 6, EncoderAPin = 17, EncoderBPin = 27 };
    public WheelOptions Right { get; set; } = new() { PwmChannel = 1, ForwardPin = 13, ReversePin = 19, EncoderAPin = 22, EncoderBPin = 23 };
    /// <summary>Quadrature counts (x4 decoding) per metre of wheel travel.</summary>
    public double EncoderCountsPerMetre { get; set; } = 4000;
    public double TrackWidthM { get; set; } = 0.5;
    /// <summary>Wheel speed at full duty; the feed-forward of the speed loop.</summary>
    public double MaxWheelSpeedMps { get; set; } = 1.0;
    /// <summary>Wheel acceleration limit; 0 = none.</summary>
    public double MaxAccelerationMps2 { get; set; } = 1.0;
    public double SpeedKp { get; set; } = 0.5;
    public double SpeedKi { get; set; } = 1.0;
    /// <summary>Stall: at least this duty with the wheel not turning for StallSeconds.</summary>
    public double StallDuty { get; set; } = 0.4;
    public double StallSeconds { get; set; } = 1.0;
}

public sealed class LiftOptions
{
    public int StepPin { get; set; } = 20;
    public int DirPin { get; set; } = 21;
    /// <summary>The driver's ENABLE input (active low on A4988 / DRV8825 / TMC2209).</summary>
    public int EnablePin { get; set; } = 16;
    public int HomeSwitchPin { get; set; } = 24;
    public int UpperLimitPin { get; set; } = 25;
    /// <summary>Normally closed switches to ground with pull-up: active (or wire cut) reads high.</summary>
    public bool SwitchesNormallyClosed { get; set; } = true;
    /// <summary>DIR level that moves the mast up.</summary>
    public bool UpIsHigh { get; set; } = true;
    public double StepsPerMetre { get; set; } = 4000;
    public double MinHeightM { get; set; } = 0.3;
    public double MaxHeightM { get; set; } = 2.5;
    public double SpeedMps { get; set; } = 0.15;
    public double HomingSpeedMps { get; set; } = 0.05;
    public bool HomeOnStart { get; set; } = true;
    /// <summary>STEP high time: A4988 needs 1 µs, DRV8825 1.9 µs, TMC2209 0.1 µs.</summary>
    public int StepPulseMicroseconds { get; set; } = 2;
    /// <summary>DIR setup before a STEP edge: A4988 200 ns, DRV8825 650 ns.</summary>
    public int DirSetupMicroseconds { get; set; } = 1;
}

public sealed class EmergencyStopOptions
{
    public int Pin { get; set; } = 26;
    /// <summary>How long the contact must read closed before the stop is released.</summary>
    public int DebounceMilliseconds { get; set; } = 20;
}

public sealed class PulseProbeOptions
{
    public int Pin { get; set; } = 12;
    public string Model { get; set; } = "GM pulse probe";
    /// <summary>Dead time of the tube and its electronics (non-paralysable model).</summary>
    public double DeadTimeMicroseconds { get; set; } = 100;
    /// <summary>Calibration: counts per second per µSv/h (from the probe's certificate).</summary>
    public double CpsPerMicroSievertPerHour { get; set; } = 10;
    public double WindowSeconds { get; set; } = 1;
    /// <summary>Above this fraction of lost counts (m·τ) the reading is flagged Saturated.</summary>
    public double SaturationLossFraction { get; set; } = 0.5;
    /// <summary>No pulse at all for this long is a silent (dead) detector.</summary>
    public double SilentAfterSeconds { get; set; } = 60;
}

public sealed class ModbusRegisterOptions
{
    /// <summary>"input" (function 04) or "holding" (function 03).</summary>
    public string Table { get; set; } = "input";
    public int Address { get; set; }
    /// <summary>"uint16", "int16", "uint32", "int32" or "float32".</summary>
    public string Format { get; set; } = "uint16";
    /// <summary>For 32-bit values: true when the first register holds the high word.</summary>
    public bool HighWordFirst { get; set; } = true;
    public double Scale { get; set; } = 1;
    public double Offset { get; set; }
}

public sealed class ModbusProbeOptions
{
    public string Model { get; set; } = "RS-485 survey probe";
    public string Port { get; set; } = "/dev/ttyUSB0";
    public int Baud { get; set; } = 9600;
    /// <summary>"none", "even" or "odd" (Modbus RTU default is even).</summary>
    public string Parity { get; set; } = "even";
    public int StopBits { get; set; } = 1;
    public int SlaveAddress { get; set; } = 1;
    public int TimeoutMilliseconds { get; set; } = 300;
    public int Retries { get; set; } = 2;
    public int PollMilliseconds { get; set; } = 1000;
    /// <summary>The dose rate register, scaled to µSv/h: value * Scale + Offset.</summary>
    public ModbusRegisterOptions DoseRate { get; set; } = new() { Address = 0, Format = "float32" };
    /// <summary>Optional count rate register (cps).</summary>
    public ModbusRegisterOptions? CountRate { get; set; }
    /// <summary>Optional status register; any bit of FaultMask set means a detector fault.</summary>
    public ModbusRegisterOptions? Status { get; set; }
    public int FaultMask { get; set; } = 0xFFFF;
}

public sealed class DoseProbeOptions
{
    /// <summary>"pulse" (GPIO-counted) or "modbus" (RS-485 survey probe).</summary>
    public string Kind { get; set; } = "pulse";
    public PulseProbeOptions Pulse { get; set; } = new();
    public ModbusProbeOptions Modbus { get; set; } = new();
}

public sealed class UltrasonicOptions
{
    public bool Enabled { get; set; } = true;
    public int TriggerPin { get; set; }
    public int EchoPin { get; set; }
}

public sealed class ObstacleOptions
{
    public UltrasonicOptions Front { get; set; } = new() { TriggerPin = 7, EchoPin = 8 };
    public UltrasonicOptions Back { get; set; } = new() { TriggerPin = 9, EchoPin = 10 };
}

public sealed class ImuOptions : I2cDeviceOptions
{
    public ImuOptions() => Address = 0x28;
    /// <summary>Added to the yard heading: aligns magnetic north with the yard frame (declination, yard rotation).</summary>
    public double HeadingOffsetDegrees { get; set; }
}

public sealed class GnssOptions
{
    public bool Enabled { get; set; } = true;
    public bool Required { get; set; } = true;
    public string Port { get; set; } = "/dev/serial0";
    public int Baud { get; set; } = 9600;
    /// <summary>The yard origin (x = 0, y = 0), WGS84 degrees.</summary>
    public double OriginLatitude { get; set; } = 29.9333;
    public double OriginLongitude { get; set; } = 121.8833;
    /// <summary>Rotation of the yard's x axis from east, counter-clockwise.</summary>
    public double YardRotationDegrees { get; set; }
}

public sealed class BatteryOptions : I2cDeviceOptions
{
    public BatteryOptions() => Address = 0x41;
    public double ShuntOhms { get; set; } = 0.01;
    /// <summary>Largest current expected through the shunt: sets the INA219 current LSB.</summary>
    public double MaxCurrentA { get; set; } = 20;
    public double CapacityAh { get; set; } = 40;
    /// <summary>Resting pack voltage at 0 % and 100 % (24 V LiFePO4 default).</summary>
    public double EmptyVolts { get; set; } = 24.0;
    public double FullVolts { get; set; } = 27.2;
    /// <summary>Current into the pack beyond this is charging (amperes, positive).</summary>
    public double ChargingThresholdA { get; set; } = 0.2;
}

public sealed class AlarmOptions
{
    /// <summary>GPIO0/1 (ID_SD/ID_SC): free when no HAT ID EEPROM is fitted; GPIO2/3 are I2C1.</summary>
    public int GreenPin { get; set; } = 0;
    public int AmberPin { get; set; } = 1;
    public int RedPin { get; set; } = 4;
    /// <summary>
    /// The buzzer's PWM: "hardware" (the SoC's pwmchip; channel 0 = GPIO18 with dtoverlay=pwm).
    /// A PCA9685 channel cannot: its frequency is global to the chip and Iot.Device.Buzzer sets it per tone.
    /// </summary>
    public string BuzzerPwm { get; set; } = "hardware";
    public int BuzzerPwmChip { get; set; }
    public int BuzzerPwmChannel { get; set; }
    public double BuzzerFrequencyHz { get; set; } = 2400;
}

public sealed class SurfaceContaminationOptions
{
    public bool Enabled { get; set; }
    public bool Required { get; set; }
    public string Model { get; set; } = "alpha/beta surface probe";
    public int AlphaPin { get; set; } = 14;
    public int BetaPin { get; set; } = 15;
    /// <summary>Instrument efficiency (counts per decay, 4π) for each channel.</summary>
    public double AlphaEfficiency { get; set; } = 0.2;
    public double BetaEfficiency { get; set; } = 0.3;
    public double ProbeAreaCm2 { get; set; } = 100;
    public double AlphaBackgroundCps { get; set; }
    public double BetaBackgroundCps { get; set; }
    public double WindowSeconds { get; set; } = 1;
}
