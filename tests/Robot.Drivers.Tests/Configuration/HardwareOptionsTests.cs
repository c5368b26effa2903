using System.Device.Gpio;
using System.Device.I2c;
using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.Configuration;
using Robot.Drivers.Tests.Fakes;
using UnitsNet;

namespace Robot.Drivers.Tests.Configuration;

public class HardwareOptionsTests
{
    private static readonly Func<string, bool> AllPresent = _ => true;

    [Fact]
    public void The_reference_configuration_is_valid()
    {
        Assert.Empty(new HardwareOptions().Validate(AllPresent));
    }

    [Fact]
    public void A_pin_used_twice_is_one_line_naming_both_keys()
    {
        var o = new HardwareOptions();
        o.Lift.StepPin = 17; // the left encoder's A channel
        Assert.Equal(["Hardware:Lift:StepPin: pin 17 is already used by Hardware:Drive:Left:EncoderAPin"], o.Validate(AllPresent));
    }

    [Fact]
    public void A_missing_i2c_bus_is_one_line_per_device_naming_the_key()
    {
        var o = new HardwareOptions();
        o.Battery.Bus = null;
        Assert.Equal(["Hardware:Battery:Bus: is required (the I2C bus number, /dev/i2c-N; 1 on a Raspberry Pi)"], o.Validate(AllPresent));

        o = new HardwareOptions();
        o.Imu.Bus = 3;
        var problems = o.Validate(path => path != "/dev/i2c-3");
        Assert.Equal(["Hardware:Imu:Bus: I2C bus 3 is missing (/dev/i2c-3 does not exist: enable I2C on the board, see docs/hardware.md)"], problems);
    }

    [Fact]
    public void A_missing_serial_port_is_one_line_naming_the_key()
    {
        var o = new HardwareOptions();
        o.DoseProbe.Kind = "modbus";
        o.DoseProbe.Modbus.Port = "/dev/ttyUSB7";
        o.Gnss.Port = "";
        var problems = o.Validate(path => path != "/dev/ttyUSB7");
        Assert.Equal([
            "Hardware:Gnss:Port: is required (the serial device, for example /dev/ttyUSB0)",
            "Hardware:DoseProbe:Modbus:Port: serial port /dev/ttyUSB7 is missing (enable the UART or plug the adapter, see docs/hardware.md)",
        ], problems);
    }

    [Fact]
    public void Other_mistakes_each_give_their_own_line()
    {
        var o = new HardwareOptions { Kind = "gpio" };
        o.Gpio.LibgpiodVersion = 3;
        o.Battery.Address = 0x40;          // the PCA9685's address
        o.Alarm.RedPin = 40;                // off the header
        o.Lift.MaxHeightM = 0.2;
        o.DoseProbe.Modbus.DoseRate.Format = "double";
        var problems = o.Validate(AllPresent);
        Assert.Equal(5, problems.Count);
        Assert.Contains("Hardware:Gpio:LibgpiodVersion: 3 must be 1 or 2", problems);
        Assert.Contains("Hardware:Battery:Address: 0x40 on bus 1 is already used by Hardware:Drive:Pca9685", problems);
        Assert.Contains("Hardware:Alarm:RedPin: pin 40 is outside this board's pins 0 to 27 (Hardware:Gpio:MaxPin)", problems);
        Assert.Contains("Hardware:Lift:MaxHeightM: 0.2 m must be above Lift:MinHeightM (0.3 m)", problems);
        Assert.Contains(problems, p => p.StartsWith("Hardware:DoseProbe:Modbus:DoseRate:Format:", StringComparison.Ordinal));
    }

    [Fact]
    public void The_map_lists_every_pin_bus_and_port()
    {
        var map = HardwareFactory.DescribeMap(new HardwareOptions());
        Assert.Contains("Hardware:Lift:StepPin", map);
        Assert.Contains("GPIO20", map);
        Assert.Contains("/dev/i2c-1 0x29", map);
        Assert.Contains("/dev/serial0 9600 baud", map);
    }

    /// <summary>The reference options without the serial and ultrasonic devices, which need no fakes here.</summary>
    private static (FakeGpioDriver, HardwareOptions) RigOnFakes()
    {
        var o = new HardwareOptions();
        o.Gnss.Enabled = false;
        o.Obstacles.Front.Enabled = o.Obstacles.Back.Enabled = false;
        o.Lift.HomeOnStart = false;
        return (new FakeGpioDriver(), o);
    }

    [Fact]
    public void The_factory_builds_the_robot_over_fakes_and_the_self_test_reads_every_device()
    {
        var (pins, o) = RigOnFakes();
        pins.Preset(o.EmergencyStop.Pin, PinValue.Low);
        pins.Preset(o.Lift.HomeSwitchPin, PinValue.Low);
        pins.Preset(o.Lift.UpperLimitPin, PinValue.Low);
        var ina = new SimIna219 { BusVolts = 26.4, ShuntVolts = 0.02 };
        var vl = new SimVl53l0x();
        vl.Init();
        var devices = new Dictionary<(int, int), I2cDevice>
        {
            [(1, 0x40)] = new SimPca9685(), [(1, 0x41)] = ina, [(1, 0x29)] = vl, [(1, 0x28)] = new SimBno055().WithChip(),
        };
        var buzzer = new FakePwmChannel();
        var time = new FakeTimeProvider();
        using var rig = HardwareFactory.Create(o, time, new GpioController(pins), (b, a) => devices[(b, a)],
            (_, _, _) => buzzer, new InstantDelay());

        Assert.Empty(rig.Faults);
        var hw = rig.Hardware!;
        Assert.NotNull(hw);
        var rows = rig.SelfTest();
        Assert.All(rows, r => Assert.True(r.Ok, $"{r.Device}: {r.Message}"));
        Assert.Contains(rows, r => r.Device == "INA219 battery" && r.Reading.StartsWith("26.40 V, 2.00 A", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Device == "emergency stop" && r.Reading == "closed");

        // The factory wires the e-stop straight to the motion outputs.
        hw.Drive.SetVelocity(Speed.FromMetersPerSecond(0.4), RotationalSpeed.Zero);
        time.Advance(TimeSpan.FromMilliseconds(100)); // the acceleration limit ramps the wheels up
        hw.Drive.SetVelocity(Speed.FromMetersPerSecond(0.4), RotationalSpeed.Zero);
        Assert.False(hw.Drive.IsStopped);
        pins.SetInput(o.EmergencyStop.Pin, PinValue.High);
        Assert.True(hw.Drive.IsStopped);
        Assert.Equal(PinValue.High, pins.Value(o.Lift.EnablePin));

        // The lamp goes green when the robot is built; the buzzer plays through the PWM channel.
        Assert.Equal(PinValue.High, pins.Value(o.Alarm.GreenPin));
        hw.Alarm.SetBuzzer(true);
        Assert.Equal((true, 2400), (buzzer.Running, buzzer.Frequency));
        hw.Alarm.SetBuzzer(false);
        Assert.False(buzzer.Running);
    }

    [Fact]
    public void A_device_that_does_not_answer_becomes_a_fault_line_naming_its_key()
    {
        var (pins, o) = RigOnFakes();
        var vl = new SimVl53l0x(); // wrong model id: not a VL53L0X
        using var rig = HardwareFactory.Create(o, new FakeTimeProvider(), new GpioController(pins),
            (b, a) => a == 0x29 ? vl : a == 0x28 ? new SimBno055().WithChip() : a == 0x41 ? new SimIna219 { BusVolts = 25 } : new SimPca9685(),
            (_, _, _) => new FakePwmChannel(), new InstantDelay());
        Assert.Null(rig.Hardware);
        var fault = Assert.Single(rig.Faults);
        Assert.Equal("VL53L0X wall range (WallRange i2c-1 0x29): VL53L0X not found: model id 0x00 at register 0xC0, expected 0xEE (check Hardware:WallRange)", fault);
    }
}
