using Iot.Device.Pwm;
using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.Bno055;
using Robot.Drivers.Configuration;
using Robot.Drivers.Ina219;
using Robot.Drivers.Tests.Fakes;
using Robot.Drivers.Vl53l0x;

namespace Robot.Drivers.Tests.I2c;

/// <summary>The I2C drivers against register models: they write and read what the datasheets say.</summary>
public class RegisterLevelDeviceTests
{
    [Fact]
    public void Ina219_writes_its_configuration_and_calibration_and_reads_volts_amps_and_charge()
    {
        var chip = new SimIna219 { BusVolts = 26.0, ShuntVolts = 0.05 }; // 5 A through 10 mΩ
        var time = new FakeTimeProvider();
        var o = new BatteryOptions { ShuntOhms = 0.01, MaxCurrentA = 20, CapacityAh = 40, EmptyVolts = 24, FullVolts = 28 };
        var battery = new Ina219Battery(chip, o, time);

        // Config 0x399F: 32 V bus, ±320 mV shunt, 12-bit, continuous. Cal = trunc(0.04096 / (20/32768 * 0.01)) = 6710, bit 0 cleared.
        Assert.Equal(0x399F, chip.Word(0));
        Assert.Equal(6710, chip.Word(5));
        Assert.Equal(6710, battery.Calibration);
        Assert.Equal(26.0, battery.Voltage.Volts, 3);
        Assert.Equal(5.0, battery.Current.Amperes, 1);
        Assert.Equal(0.05, battery.ShuntVoltage.Volts, 5);
        Assert.Equal(50, battery.StateOfCharge.Percent, 1); // (26 - 24) / (28 - 24)
        Assert.False(battery.IsCharging);

        // One hour at 5 A out of 40 Ah: 12.5 points of charge gone.
        time.Advance(TimeSpan.FromHours(1));
        battery.Sample();
        Assert.Equal(37.5, battery.StateOfCharge.Percent, 0);

        // Negative shunt voltage (current into the pack) is charging, read as signed.
        chip.ShuntVolts = -0.02;
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(-2.0, battery.Current.Amperes, 1);
        Assert.True(battery.IsCharging);
    }

    [Fact]
    public void Vl53l0x_checks_the_model_id_starts_continuous_ranging_and_reads_millimetres()
    {
        var chip = new SimVl53l0x();
        chip.Init();
        var sensor = new Vl53l0xRangeFinder(chip);

        Assert.Equal(0x02, chip.RangingMode);          // SYSRANGE_START back-to-back
        Assert.Equal(0x01, chip[0x89] & 0x01);         // 2V8 I/O
        Assert.Equal(0x04, chip[0x0A]);                // interrupt on new sample ready
        Assert.Null(sensor.Distance);                  // nothing measured yet

        chip.Measure(412);
        Assert.Equal(0.412, sensor.Distance!.Value.Meters, 6);
        Assert.Equal(2, chip.InterruptClears);         // once at init, once after the read
        Assert.Equal(0.412, sensor.Distance!.Value.Meters, 6); // no new sample: the last one

        chip.Measure(8190, rangeStatus: 4);            // phase fail / out of range
        Assert.Null(sensor.Distance);
    }

    [Fact]
    public void Vl53l0x_refuses_a_chip_with_another_model_id()
    {
        var chip = new SimVl53l0x(); // 0xC0 reads 0x00
        var e = Assert.Throws<InvalidOperationException>(() => new Vl53l0xRangeFinder(chip));
        Assert.Contains("0xEE", e.Message);
    }

    [Fact]
    public void Bno055_goes_through_config_to_ndof_and_turns_compass_heading_into_yard_heading()
    {
        var chip = new SimBno055().WithChip();
        var delay = new InstantDelay();
        var imu = new Bno055HeadingSensor(chip, delay, headingOffsetDegrees: 0);

        var modes = chip.RegisterWrites.Where(w => w.Register == Bno055HeadingSensor.OprMode).Select(w => w.Value).ToList();
        Assert.Equal([0x00, 0x0C], modes); // CONFIG, then NDOF
        Assert.Equal(0x00, chip[Bno055HeadingSensor.UnitSel]);
        Assert.Contains(TimeSpan.FromMilliseconds(19), delay.Waits);

        chip.SetHeading(0, calibration: 0x00);
        Assert.Null(imu.Heading); // fusion not calibrated yet

        chip.SetHeading(0);       // facing north: +90° from east
        Assert.Equal(90, imu.Heading!.Value.Degrees, 3);
        chip.SetHeading(90);      // east
        Assert.Equal(0, imu.Heading!.Value.Degrees, 3);
        chip.SetHeading(180.5);   // south, 1/16° resolution
        Assert.Equal(-90.5, imu.Heading!.Value.Degrees, 3);
        Assert.Equal((3, 3, 3, 3), imu.CalibrationStatus);
    }

    [Fact]
    public void Pca9685_is_put_to_sleep_for_the_prescaler_and_each_channel_gets_its_own_on_off_registers()
    {
        var chip = new SimPca9685();
        var pca = new Pca9685(chip, pwmFrequency: 200);
        // PRE_SCALE = round(25 MHz / (4096 * 200)) - 1 = 30, written while MODE1.SLEEP was set, then awake with AI.
        Assert.Equal(30, chip[SimPca9685.PreScale]);
        Assert.Equal(0, chip.PrescaleWritesWhileAwake);
        Assert.False(chip.Sleeping);
        Assert.Equal(0x20, chip[SimPca9685.Mode1] & 0x20);

        var ch3 = pca.CreatePwmChannel(3);
        ch3.DutyCycle = 0.25;
        Assert.Equal(0, chip[0x06 + 12] | chip[0x07 + 12] << 8);       // LED3_ON = 0
        Assert.Equal(1024, chip[0x08 + 12] | chip[0x09 + 12] << 8);    // LED3_OFF = 1024 of 4096
        ch3.DutyCycle = 0;
        Assert.Equal(0x1000, chip[0x08 + 12] | chip[0x09 + 12] << 8);  // full-off bit
        Assert.Equal(0, chip.Duty(3));
    }
}
