using System.Device.Gpio;
using System.Device.Gpio.Drivers;
using System.Device.I2c;
using System.Device.Pwm;
using System.IO.Ports;
using System.Text;
using Iot.Device.Pwm;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Alarm;
using Robot.Drivers.Bno055;
using Robot.Drivers.Common;
using Robot.Drivers.DcMotorDrive;
using Robot.Drivers.EmergencyStop;
using Robot.Drivers.Gnss;
using Robot.Drivers.Hcsr04;
using Robot.Drivers.Ina219;
using Robot.Drivers.ModbusProbe;
using Robot.Drivers.Odometry;
using Robot.Drivers.PulseProbe;
using Robot.Drivers.Stepper;
using Robot.Drivers.SurfaceContamination;
using Robot.Drivers.Vl53l0x;

namespace Robot.Drivers.Configuration;

/// <summary>
/// Builds the reference robot's drivers from a validated <see cref="HardwareOptions"/>. The buses
/// are injectable so tests build the whole rig over a fake GPIO driver and simulated I2C devices.
/// Each device is opened on its own: one that fails becomes a fault line naming its key, the rest
/// still come up (the self-test reports them all).
/// </summary>
public static class HardwareFactory
{
    public static HardwareRig Create(HardwareOptions options, TimeProvider time, GpioController? gpio = null,
        Func<int, int, I2cDevice>? i2c = null, Func<int, int, double, PwmChannel>? hardwarePwm = null, IHardwareDelay? delay = null)
    {
        var problems = options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, problems), nameof(options));
        i2c ??= (bus, address) => I2cDevice.Create(new I2cConnectionSettings(bus, address));
        hardwarePwm ??= (chip, channel, frequency) => PwmChannel.Create(chip, channel, (int)frequency, 0);
        delay ??= new TimeProviderDelay(time);
        var rig = new HardwareRig();
        var o = options;
        const string S = HardwareOptions.Section;

        T? Try<T>(string device, string where, bool required, Func<T> build) where T : class
        {
            try { return build(); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                rig.AddFault(device, where, required, $"{e.Message} (check {S}:{where.Split(' ')[0]})");
                return null;
            }
        }
        static string I2cWhere(string key, I2cDeviceOptions d) => $"{key} i2c-{d.Bus} 0x{d.Address:X2}";

        if (gpio is null)
        {
            gpio = Try("gpio", $"Gpio:Driver={o.Gpio.Driver}", true, () => OpenGpio(o.Gpio));
            if (gpio is null) return rig;
        }
        rig.Own(gpio);
        rig.AddProbe("gpio", $"Gpio:Driver={o.Gpio.Driver}", true, () => $"{o.Gpio.Driver} chip {o.Gpio.Chip}");

        // The e-stop first: every motion output is inhibited while its contact is open.
        var estop = Try("emergency stop", $"EmergencyStop:Pin {o.EmergencyStop.Pin}", true, () => rig.Own(
            new EmergencyStopInput(gpio, o.EmergencyStop.Pin, TimeSpan.FromMilliseconds(o.EmergencyStop.DebounceMilliseconds), time)));
        Func<bool> inhibited = () => estop is null || estop.IsOpen;
        if (estop is not null)
            rig.AddProbe("emergency stop", $"EmergencyStop:Pin {estop.Pin}", true, () => estop.IsOpen ? "OPEN (pressed or wire cut)" : "closed");

        // PWM: a PCA9685 shared by the wheels (and the buzzer), or the SoC's PWM chip.
        var d = o.Drive;
        var usePca = d.Pwm.Equals("pca9685", StringComparison.OrdinalIgnoreCase);
        Pca9685? pca = null;
        if (usePca)
        {
            var where = I2cWhere("Drive:Pca9685", d.Pca9685);
            pca = Try("PCA9685 PWM", where, true, () => rig.Own(new Pca9685(i2c(d.Pca9685.Bus!.Value, d.Pca9685.Address), pwmFrequency: d.PwmFrequencyHz)));
            if (pca is not null) rig.AddProbe("PCA9685 PWM", where, true, () => $"{pca.PwmFrequency:0} Hz");
        }
        PwmChannel WheelPwm(WheelOptions w) => usePca
            ? (pca ?? throw new InvalidOperationException("the PCA9685 did not come up")).CreatePwmChannel(w.PwmChannel)
            : hardwarePwm(d.PwmChip, w.PwmChannel, d.PwmFrequencyHz);

        // Drive train, encoders, odometry.
        var encWhere = $"Drive:Left:EncoderAPin {d.Left.EncoderAPin}/{d.Left.EncoderBPin}, Right {d.Right.EncoderAPin}/{d.Right.EncoderBPin}";
        var encoders = Try("wheel encoders", encWhere, true, () =>
        {
            var l = rig.Own(new QuadratureEncoder(gpio, d.Left.EncoderAPin, d.Left.EncoderBPin, d.Left.Inverted));
            var r = rig.Own(new QuadratureEncoder(gpio, d.Right.EncoderAPin, d.Right.EncoderBPin, d.Right.Inverted));
            return Tuple.Create(l, r);
        });
        DifferentialOdometry? odometry = null;
        if (encoders is not null)
        {
            odometry = new DifferentialOdometry(() => encoders.Item1.Count, () => encoders.Item2.Count, d.EncoderCountsPerMetre, d.TrackWidthM, time);
            rig.AddProbe("wheel encoders", encWhere, true, () => $"left {encoders.Item1.Count} right {encoders.Item2.Count} counts, {encoders.Item1.Errors + encoders.Item2.Errors} missed edges");
        }
        var driveWhere = $"Drive:Left:ForwardPin {d.Left.ForwardPin}/{d.Left.ReversePin}, Right {d.Right.ForwardPin}/{d.Right.ReversePin}";
        var drive = odometry is null ? null : Try("drive motors", driveWhere, true, () => rig.Own(new DcMotorDriveTrain(
            DcMotorDriveTrain.CreateMotor(WheelPwm(d.Left), d.Left, gpio), DcMotorDriveTrain.CreateMotor(WheelPwm(d.Right), d.Right, gpio),
            odometry, d, time, inhibited)));
        if (drive is not null) rig.AddProbe("drive motors", driveWhere, true, () => drive.IsStopped ? "stopped" : $"duty {drive.Duty.Left:0.00}/{drive.Duty.Right:0.00}");

        // Lift.
        var l = o.Lift;
        var liftWhere = $"Lift:StepPin {l.StepPin} dir {l.DirPin} en {l.EnablePin} home {l.HomeSwitchPin} top {l.UpperLimitPin}";
        var lift = Try("lift stepper", liftWhere, true, () => rig.Own(new StepDirLift(gpio, l, delay, inhibited)));
        if (lift is not null)
        {
            rig.AddProbe("lift stepper", liftWhere, true, () =>
            {
                if (lift.HomeSwitchActive && lift.UpperLimitActive)
                    throw new InvalidOperationException("home and upper limit switches both active: a switch cable is unplugged or cut");
                return $"{(lift.IsHomed ? $"homed, {lift.Height.Meters:0.000} m" : "not homed")}, home switch {(lift.HomeSwitchActive ? "active" : "clear")}, top {(lift.UpperLimitActive ? "active" : "clear")}";
            });
            if (l.HomeOnStart) lift.Home();
        }
        if (estop is not null)
            estop.Changed += open =>
            {
                if (!open) return;
                drive?.Stop();
                lift?.Stop();
            };

        // Dose-rate probe.
        IDoseRateProbe? dose;
        if (o.DoseProbe.Kind.Equals("modbus", StringComparison.OrdinalIgnoreCase))
        {
            var m = o.DoseProbe.Modbus;
            var where = $"DoseProbe:Modbus:Port {m.Port} {m.Baud} baud, slave {m.SlaveAddress}";
            var modbus = Try("dose probe (Modbus)", where, true, () => rig.Own(new ModbusDoseRateProbe(
                ModbusRtuMaster.OpenSerial(m.Port, m.Baud, Enum.Parse<Parity>(m.Parity, true), m.StopBits == 2 ? StopBits.Two : StopBits.One,
                    time, TimeSpan.FromMilliseconds(m.TimeoutMilliseconds), m.Retries), m, time)));
            if (modbus is not null)
            {
                modbus.Start();
                rig.AddProbe("dose probe (Modbus)", where, true, () =>
                {
                    var r = modbus.PollAsync().GetAwaiter().GetResult();
                    return r.Status == DetectorStatus.Fault ? throw new IOException(modbus.LastError) : $"{r.RawMicroSievertPerHour:0.000} µSv/h ({r.Status})";
                });
            }
            dose = modbus;
        }
        else
        {
            var p = o.DoseProbe.Pulse;
            var pulse = Try("dose probe (pulses)", $"DoseProbe:Pulse:Pin {p.Pin}", true, () => rig.Own(new PulseDoseRateProbe(gpio, p, time)));
            if (pulse is not null)
                rig.AddProbe("dose probe (pulses)", $"DoseProbe:Pulse:Pin {p.Pin}", true, () => pulse.Read() is var r && r.Status == DetectorStatus.Silent
                    ? throw new IOException("no pulse for " + p.SilentAfterSeconds + " s: the tube or its high voltage is dead")
                    : $"{r.RawMicroSievertPerHour:0.000} µSv/h, {r.CountsPerSecond:0.0} cps ({r.Status})");
            dose = pulse;
        }

        // I2C sensors.
        var wallWhere = I2cWhere("WallRange", o.WallRange);
        var wall = Try("VL53L0X wall range", wallWhere, o.WallRange.Required, () => rig.Own(new Vl53l0xRangeFinder(i2c(o.WallRange.Bus!.Value, o.WallRange.Address))));
        if (wall is not null) rig.AddProbe("VL53L0X wall range", wallWhere, o.WallRange.Required, () => wall.Distance is { } x ? $"{x.Meters:0.000} m" : "nothing in range");

        Bno055HeadingSensor? imu = null;
        if (o.Imu.Enabled)
        {
            var where = I2cWhere("Imu", o.Imu);
            imu = Try("BNO055 heading", where, o.Imu.Required, () => rig.Own(new Bno055HeadingSensor(i2c(o.Imu.Bus!.Value, o.Imu.Address), delay, o.Imu.HeadingOffsetDegrees)));
            if (imu is not null) rig.AddProbe("BNO055 heading", where, o.Imu.Required, () =>
                $"{imu.CompassHeading.Degrees:0.0}° compass, calibration {imu.CalibrationStatus}");
        }

        var batWhere = I2cWhere("Battery", o.Battery);
        var battery = Try("INA219 battery", batWhere, o.Battery.Required, () => rig.Own(new Ina219Battery(i2c(o.Battery.Bus!.Value, o.Battery.Address), o.Battery, time)));
        if (battery is not null) rig.AddProbe("INA219 battery", batWhere, o.Battery.Required, () =>
        {
            battery.Sample();
            return $"{battery.Voltage.Volts:0.00} V, {battery.Current.Amperes:0.00} A, {battery.StateOfCharge.Percent:0} %";
        });

        // GNSS.
        NmeaGnssReceiver? gnss = null;
        if (o.Gnss.Enabled)
        {
            var where = $"Gnss:Port {o.Gnss.Port} {o.Gnss.Baud} baud";
            gnss = Try("GNSS receiver", where, o.Gnss.Required, () => rig.Own(NmeaGnssReceiver.OpenSerial(o.Gnss, time)));
            if (gnss is not null) rig.AddProbe("GNSS receiver", where, o.Gnss.Required, () => gnss.LastFix is { } f
                ? $"x {f.X:0.00} m y {f.Y:0.00} m, {f.Satellites} satellites ({f.Quality})"
                : $"no fix yet, {gnss.RejectedSentences} bad sentences");
        }

        // Alarm.
        var a = o.Alarm;
        var alarmWhere = $"Alarm:GreenPin {a.GreenPin} amber {a.AmberPin} red {a.RedPin}, buzzer {a.BuzzerPwm} {a.BuzzerPwmChannel}";
        var alarm = Try("tower lamp and buzzer", alarmWhere, true, () => rig.Own(new TowerLampAlarm(gpio,
            hardwarePwm(a.BuzzerPwmChip, a.BuzzerPwmChannel, a.BuzzerFrequencyHz), a)));
        if (alarm is not null) rig.AddProbe("tower lamp and buzzer", alarmWhere, true, () => $"lamp {alarm.Lamp}, buzzer {(alarm.BuzzerOn ? "on" : "off")}");

        // Obstacles and the surface probe (beside RobotHardware).
        var obstacles = new List<IObstacleSensor>();
        foreach (var (name, u) in new[] { ("front", o.Obstacles.Front), ("back", o.Obstacles.Back) })
        {
            if (!u.Enabled) continue;
            var where = $"Obstacles:{char.ToUpperInvariant(name[0])}{name[1..]}:TriggerPin {u.TriggerPin} echo {u.EchoPin}";
            var sensor = Try($"HC-SR04 {name}", where, false, () => rig.Own(new Hcsr04ObstacleSensor(name, gpio, u.TriggerPin, u.EchoPin)));
            if (sensor is null) continue;
            obstacles.Add(sensor);
            rig.AddProbe($"HC-SR04 {name}", where, false, () => sensor.Distance is { } x ? $"{x.Meters:0.00} m" : "no echo");
        }
        rig.Obstacles = obstacles;
        if (o.SurfaceContamination.Enabled)
        {
            var s = o.SurfaceContamination;
            var where = $"SurfaceContamination:AlphaPin {s.AlphaPin} beta {s.BetaPin}";
            var surface = Try("surface contamination probe", where, s.Required, () => rig.Own(new SurfaceContaminationProbe(gpio, s, time)));
            if (surface is not null) rig.AddProbe("surface contamination probe", where, s.Required, () => surface.Read() is var r
                ? $"alpha {r.AlphaBecquerelPerSquareCentimetre:0.000} beta {r.BetaBecquerelPerSquareCentimetre:0.000} Bq/cm² ({r.Status})" : "");
            rig.SurfaceContamination = surface;
        }

        if (drive is not null && lift is not null && estop is not null && dose is not null && odometry is not null
            && battery is not null && wall is not null && alarm is not null)
        {
            rig.Hardware = new RobotHardware(drive, lift, estop, dose, new FusedPoseSource(odometry, imu, gnss), battery, wall, alarm);
            alarm.SetLamp(LampColor.Green);
        }
        return rig;
    }

    /// <summary>The GPIO controller the configuration names (the default detection fails on some boards).</summary>
    public static GpioController OpenGpio(GpioOptions o) => o.Driver.ToLowerInvariant() switch
    {
        "libgpiod" when o.LibgpiodVersion == 1 => new GpioController(new LibGpiodDriver(o.Chip)),
        "libgpiod" => new GpioController(new LibGpiodV2Driver(o.Chip)),
        "sysfs" => new GpioController(new SysFsDriver()),
        "raspberrypi" => new GpioController(new RaspberryPi3Driver()),
        _ => throw new ArgumentOutOfRangeException(nameof(o), o.Driver, "libgpiod, sysfs or raspberrypi"),
    };

    /// <summary>The pin and bus map of a configuration, one line per connection (for `robot-host hardware`).</summary>
    public static string DescribeMap(HardwareOptions o)
    {
        var rows = new List<string[]> { new[] { "key", "kind", "where" } };
        rows.Add(["Gpio", "driver", o.Gpio.Driver + (o.Gpio.Driver.Equals("libgpiod", StringComparison.OrdinalIgnoreCase) ? $" v{o.Gpio.LibgpiodVersion} chip {o.Gpio.Chip}" : "")]);
        foreach (var (key, pin) in HardwareOptionsValidator.Pins(o).OrderBy(p => p.Pin)) rows.Add([$"{HardwareOptions.Section}:{key}", "gpio", $"GPIO{pin}"]);
        foreach (var (key, dev) in HardwareOptionsValidator.I2cDevices(o)) rows.Add([$"{HardwareOptions.Section}:{key}", "i2c", $"/dev/i2c-{dev.Bus} 0x{dev.Address:X2}"]);
        if (o.Drive.Pwm.Equals("pca9685", StringComparison.OrdinalIgnoreCase))
        {
            rows.Add([$"{HardwareOptions.Section}:Drive:Left:PwmChannel", "pwm", $"PCA9685 LED{o.Drive.Left.PwmChannel}"]);
            rows.Add([$"{HardwareOptions.Section}:Drive:Right:PwmChannel", "pwm", $"PCA9685 LED{o.Drive.Right.PwmChannel}"]);
        }
        else
        {
            rows.Add([$"{HardwareOptions.Section}:Drive:Left:PwmChannel", "pwm", $"pwmchip{o.Drive.PwmChip} channel {o.Drive.Left.PwmChannel}"]);
            rows.Add([$"{HardwareOptions.Section}:Drive:Right:PwmChannel", "pwm", $"pwmchip{o.Drive.PwmChip} channel {o.Drive.Right.PwmChannel}"]);
        }
        rows.Add([$"{HardwareOptions.Section}:Alarm:BuzzerPwmChannel", "pwm", $"pwmchip{o.Alarm.BuzzerPwmChip} channel {o.Alarm.BuzzerPwmChannel}"]);
        foreach (var (key, port, baud) in HardwareOptionsValidator.SerialPorts(o)) rows.Add([$"{HardwareOptions.Section}:{key}:Port", "serial", $"{port} {baud} baud"]);
        return FormatTable(rows);
    }

    /// <summary>The self-test rows as a text table.</summary>
    public static string FormatSelfTest(IEnumerable<SelfTestRow> results)
    {
        var rows = new List<string[]> { new[] { "device", "bus or pin", "status", "reading", "message" } };
        rows.AddRange(results.Select(r => new[] { r.Device + (r.Required ? "" : " (optional)"), r.Where, r.Status, r.Reading, r.Message }));
        return FormatTable(rows);
    }

    private static string FormatTable(List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows) text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        return text.ToString();
    }
}
