namespace Robot.Drivers.Configuration;

/// <summary>Checks a <see cref="HardwareOptions"/>: every problem is one line naming its key.</summary>
internal static class HardwareOptionsValidator
{
    private const string S = HardwareOptions.Section;

    public static IReadOnlyList<string> Validate(HardwareOptions o, Func<string, bool>? deviceExists)
    {
        var errors = new List<string>();
        void Error(string key, string reason) => errors.Add($"{S}:{key}: {reason}");

        if (!string.Equals(o.Kind, "gpio", StringComparison.OrdinalIgnoreCase))
            Error("Kind", $"'{o.Kind}' is not a hardware kind this build drives (gpio)");
        if (!OneOf(o.Gpio.Driver, "libgpiod", "sysfs", "raspberrypi"))
            Error("Gpio:Driver", $"'{o.Gpio.Driver}' is not a GPIO driver (libgpiod, sysfs, raspberrypi)");
        if (o.Gpio.LibgpiodVersion is not (1 or 2)) Error("Gpio:LibgpiodVersion", $"{o.Gpio.LibgpiodVersion} must be 1 or 2");
        if (o.Gpio.Chip < 0) Error("Gpio:Chip", $"{o.Gpio.Chip} must not be negative");

        if (!o.WallRange.Enabled) Error("WallRange:Enabled", "the wall range finder is one of the robot's devices and cannot be disabled");
        if (!o.Battery.Enabled) Error("Battery:Enabled", "the battery monitor is one of the robot's devices and cannot be disabled");

        // Pins: each in range and used once. The first user keeps the pin; later ones are named.
        var used = new Dictionary<int, string>();
        foreach (var (key, pin) in Pins(o))
        {
            if (pin < 0 || pin > o.Gpio.MaxPin) Error(key, $"pin {pin} is outside this board's pins 0 to {o.Gpio.MaxPin} (Hardware:Gpio:MaxPin)");
            else if (used.TryGetValue(pin, out var owner)) Error(key, $"pin {pin} is already used by {S}:{owner}");
            else used[pin] = key;
        }

        // I2C devices: a bus, an address in 7-bit range, no two devices on one address.
        var addresses = new Dictionary<(int, int), string>();
        foreach (var (key, device) in I2cDevices(o))
        {
            if (device.Bus is not { } bus)
            {
                Error(key + ":Bus", "is required (the I2C bus number, /dev/i2c-N; 1 on a Raspberry Pi)");
                continue;
            }
            if (bus < 0) Error(key + ":Bus", $"{bus} must not be negative");
            else if (deviceExists is not null && !deviceExists($"/dev/i2c-{bus}"))
                Error(key + ":Bus", $"I2C bus {bus} is missing (/dev/i2c-{bus} does not exist: enable I2C on the board, see docs/hardware.md)");
            if (device.Address is < 0x03 or > 0x77) Error(key + ":Address", $"0x{device.Address:X2} is not a 7-bit I2C address (0x03 to 0x77)");
            else if (addresses.TryGetValue((bus, device.Address), out var owner))
                Error(key + ":Address", $"0x{device.Address:X2} on bus {bus} is already used by {S}:{owner}");
            else addresses[(bus, device.Address)] = key;
        }

        // Serial ports.
        foreach (var (key, port, baud) in SerialPorts(o))
        {
            if (string.IsNullOrWhiteSpace(port)) Error(key + ":Port", "is required (the serial device, for example /dev/ttyUSB0)");
            else if (deviceExists is not null && !deviceExists(port))
                Error(key + ":Port", $"serial port {port} is missing (enable the UART or plug the adapter, see docs/hardware.md)");
            if (baud is not (1200 or 2400 or 4800 or 9600 or 19200 or 38400 or 57600 or 115200 or 230400))
                Error(key + ":Baud", $"{baud} is not a standard baud rate");
        }

        // Device constants.
        var d = o.Drive;
        var usePcaDrive = d.Pwm.Equals("pca9685", StringComparison.OrdinalIgnoreCase);
        if (!OneOf(d.Pwm, "pca9685", "hardware")) Error("Drive:Pwm", $"'{d.Pwm}' is not a PWM source (pca9685, hardware)");
        Positive(errors, "Drive:EncoderCountsPerMetre", d.EncoderCountsPerMetre);
        Positive(errors, "Drive:TrackWidthM", d.TrackWidthM);
        Positive(errors, "Drive:MaxWheelSpeedMps", d.MaxWheelSpeedMps);
        Positive(errors, "Drive:PwmFrequencyHz", d.PwmFrequencyHz);
        if (d.MaxAccelerationMps2 < 0) Error("Drive:MaxAccelerationMps2", "must not be negative (0 = no limit)");
        if (d.Pwm.Equals("pca9685", StringComparison.OrdinalIgnoreCase))
        {
            foreach (var (key, channel) in new[] { ("Drive:Left:PwmChannel", d.Left.PwmChannel), ("Drive:Right:PwmChannel", d.Right.PwmChannel) })
                if (channel is < 0 or > 15) Error(key, $"{channel} is not a PCA9685 channel (0 to 15)");
            if (d.Left.PwmChannel == d.Right.PwmChannel) Error("Drive:Right:PwmChannel", $"channel {d.Right.PwmChannel} is already used by {S}:Drive:Left:PwmChannel");
        }

        var l = o.Lift;
        Positive(errors, "Lift:StepsPerMetre", l.StepsPerMetre);
        Positive(errors, "Lift:SpeedMps", l.SpeedMps);
        Positive(errors, "Lift:HomingSpeedMps", l.HomingSpeedMps);
        if (l.MinHeightM < 0) Error("Lift:MinHeightM", "must not be negative");
        if (l.MaxHeightM <= l.MinHeightM) Error("Lift:MaxHeightM", $"{l.MaxHeightM} m must be above Lift:MinHeightM ({l.MinHeightM} m)");
        if (l.StepPulseMicroseconds < 1) Error("Lift:StepPulseMicroseconds", "must be at least 1 µs");

        if (!OneOf(o.DoseProbe.Kind, "pulse", "modbus")) Error("DoseProbe:Kind", $"'{o.DoseProbe.Kind}' is not a probe kind (pulse, modbus)");
        var p = o.DoseProbe.Pulse;
        Positive(errors, "DoseProbe:Pulse:CpsPerMicroSievertPerHour", p.CpsPerMicroSievertPerHour);
        Positive(errors, "DoseProbe:Pulse:WindowSeconds", p.WindowSeconds);
        if (p.DeadTimeMicroseconds < 0) Error("DoseProbe:Pulse:DeadTimeMicroseconds", "must not be negative");
        var m = o.DoseProbe.Modbus;
        if (m.SlaveAddress is < 1 or > 247) Error("DoseProbe:Modbus:SlaveAddress", $"{m.SlaveAddress} is not a Modbus slave address (1 to 247)");
        if (!OneOf(m.Parity, "none", "even", "odd")) Error("DoseProbe:Modbus:Parity", $"'{m.Parity}' is not a parity (none, even, odd)");
        if (m.StopBits is not (1 or 2)) Error("DoseProbe:Modbus:StopBits", $"{m.StopBits} must be 1 or 2");
        Positive(errors, "DoseProbe:Modbus:TimeoutMilliseconds", m.TimeoutMilliseconds);
        Positive(errors, "DoseProbe:Modbus:PollMilliseconds", m.PollMilliseconds);
        if (m.Retries < 0) Error("DoseProbe:Modbus:Retries", "must not be negative");
        foreach (var (key, reg) in new[] { ("DoseRate", m.DoseRate), ("CountRate", m.CountRate), ("Status", m.Status) })
        {
            if (reg is null) continue;
            if (!OneOf(reg.Table, "input", "holding")) Error($"DoseProbe:Modbus:{key}:Table", $"'{reg.Table}' is not a register table (input, holding)");
            if (!OneOf(reg.Format, "uint16", "int16", "uint32", "int32", "float32"))
                Error($"DoseProbe:Modbus:{key}:Format", $"'{reg.Format}' is not a format (uint16, int16, uint32, int32, float32)");
            if (reg.Address is < 0 or > 0xFFFE) Error($"DoseProbe:Modbus:{key}:Address", $"{reg.Address} is not a register address (0 to 65534)");
            if (reg.Scale == 0 || !double.IsFinite(reg.Scale)) Error($"DoseProbe:Modbus:{key}:Scale", "must be a non-zero number");
        }

        var b = o.Battery;
        Positive(errors, "Battery:ShuntOhms", b.ShuntOhms);
        Positive(errors, "Battery:MaxCurrentA", b.MaxCurrentA);
        Positive(errors, "Battery:CapacityAh", b.CapacityAh);
        if (b.FullVolts <= b.EmptyVolts) Error("Battery:FullVolts", $"{b.FullVolts} V must be above Battery:EmptyVolts ({b.EmptyVolts} V)");
        if (b.FullVolts > 32) Error("Battery:FullVolts", $"{b.FullVolts} V is above the INA219's 32 V bus range");

        if (o.Alarm.BuzzerPwm.Equals("pca9685", StringComparison.OrdinalIgnoreCase))
            Error("Alarm:BuzzerPwm", "a PCA9685 channel cannot drive the buzzer (its PWM frequency is global to the chip, a tone needs its own): use 'hardware'");
        else if (!OneOf(o.Alarm.BuzzerPwm, "hardware")) Error("Alarm:BuzzerPwm", $"'{o.Alarm.BuzzerPwm}' is not a PWM source (hardware)");
        if (!usePcaDrive && o.Alarm.BuzzerPwmChip == d.PwmChip && (o.Alarm.BuzzerPwmChannel == d.Left.PwmChannel || o.Alarm.BuzzerPwmChannel == d.Right.PwmChannel))
            Error("Alarm:BuzzerPwmChannel", $"pwmchip{d.PwmChip} channel {o.Alarm.BuzzerPwmChannel} is already used by the drive");
        Positive(errors, "Alarm:BuzzerFrequencyHz", o.Alarm.BuzzerFrequencyHz);

        var s = o.SurfaceContamination;
        if (s.Enabled)
        {
            Positive(errors, "SurfaceContamination:ProbeAreaCm2", s.ProbeAreaCm2);
            Positive(errors, "SurfaceContamination:WindowSeconds", s.WindowSeconds);
            if (s.AlphaEfficiency is <= 0 or > 1) Error("SurfaceContamination:AlphaEfficiency", $"{s.AlphaEfficiency} must be above 0 and at most 1");
            if (s.BetaEfficiency is <= 0 or > 1) Error("SurfaceContamination:BetaEfficiency", $"{s.BetaEfficiency} must be above 0 and at most 1");
        }
        return errors;
    }

    /// <summary>Every pin the configuration uses, with its key, in a fixed order.</summary>
    public static IEnumerable<(string Key, int Pin)> Pins(HardwareOptions o)
    {
        foreach (var (side, w) in new[] { ("Left", o.Drive.Left), ("Right", o.Drive.Right) })
        {
            yield return ($"Drive:{side}:ForwardPin", w.ForwardPin);
            yield return ($"Drive:{side}:ReversePin", w.ReversePin);
            yield return ($"Drive:{side}:EncoderAPin", w.EncoderAPin);
            yield return ($"Drive:{side}:EncoderBPin", w.EncoderBPin);
        }
        yield return ("Lift:StepPin", o.Lift.StepPin);
        yield return ("Lift:DirPin", o.Lift.DirPin);
        yield return ("Lift:EnablePin", o.Lift.EnablePin);
        yield return ("Lift:HomeSwitchPin", o.Lift.HomeSwitchPin);
        yield return ("Lift:UpperLimitPin", o.Lift.UpperLimitPin);
        yield return ("EmergencyStop:Pin", o.EmergencyStop.Pin);
        if (o.DoseProbe.Kind.Equals("pulse", StringComparison.OrdinalIgnoreCase)) yield return ("DoseProbe:Pulse:Pin", o.DoseProbe.Pulse.Pin);
        foreach (var (side, u) in new[] { ("Front", o.Obstacles.Front), ("Back", o.Obstacles.Back) })
        {
            if (!u.Enabled) continue;
            yield return ($"Obstacles:{side}:TriggerPin", u.TriggerPin);
            yield return ($"Obstacles:{side}:EchoPin", u.EchoPin);
        }
        yield return ("Alarm:GreenPin", o.Alarm.GreenPin);
        yield return ("Alarm:AmberPin", o.Alarm.AmberPin);
        yield return ("Alarm:RedPin", o.Alarm.RedPin);
        if (o.SurfaceContamination.Enabled)
        {
            yield return ("SurfaceContamination:AlphaPin", o.SurfaceContamination.AlphaPin);
            yield return ("SurfaceContamination:BetaPin", o.SurfaceContamination.BetaPin);
        }
    }

    public static IEnumerable<(string Key, I2cDeviceOptions Device)> I2cDevices(HardwareOptions o)
    {
        if (o.Drive.Pwm.Equals("pca9685", StringComparison.OrdinalIgnoreCase)) yield return ("Drive:Pca9685", o.Drive.Pca9685);
        if (o.WallRange.Enabled) yield return ("WallRange", o.WallRange);
        if (o.Imu.Enabled) yield return ("Imu", o.Imu);
        if (o.Battery.Enabled) yield return ("Battery", o.Battery);
    }

    public static IEnumerable<(string Key, string Port, int Baud)> SerialPorts(HardwareOptions o)
    {
        if (o.Gnss.Enabled) yield return ("Gnss", o.Gnss.Port, o.Gnss.Baud);
        if (o.DoseProbe.Kind.Equals("modbus", StringComparison.OrdinalIgnoreCase)) yield return ("DoseProbe:Modbus", o.DoseProbe.Modbus.Port, o.DoseProbe.Modbus.Baud);
    }

    private static bool OneOf(string? value, params string[] allowed) => value is not null && allowed.Contains(value, StringComparer.OrdinalIgnoreCase);

    private static void Positive(List<string> errors, string key, double value)
    {
        if (!(value > 0) || !double.IsFinite(value)) errors.Add($"{S}:{key}: {value} must be a positive number");
    }
}
