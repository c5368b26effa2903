using System.Device.Gpio;
using System.Device.Pwm;
using Robot.Drivers.Abstractions;
using Robot.Drivers.Configuration;

namespace Robot.Drivers.Alarm;

/// <summary>
/// Tower lamp (green ready, amber working, red alarm) on three GPIO outputs, active high through
/// the lamp's relay or transistor inputs, and a piezo buzzer on a PWM channel (Iot.Device.Buzzer).
/// </summary>
public sealed class TowerLampAlarm : IAlarmIndicator, IDisposable
{
    private readonly GpioController _gpio;
    private readonly AlarmOptions _o;
    private readonly Iot.Device.Buzzer.Buzzer _buzzer;
    private readonly Lock _gate = new();

    public TowerLampAlarm(GpioController gpio, PwmChannel buzzerPwm, AlarmOptions options)
    {
        _gpio = gpio;
        _o = options;
        foreach (var pin in new[] { options.GreenPin, options.AmberPin, options.RedPin }) gpio.OpenPin(pin, PinMode.Output, PinValue.Low);
        _buzzer = new Iot.Device.Buzzer.Buzzer(buzzerPwm);
    }

    public LampColor Lamp { get; private set; } = LampColor.Off;
    public bool BuzzerOn { get; private set; }

    public void SetLamp(LampColor color)
    {
        lock (_gate)
        {
            _gpio.Write(_o.GreenPin, color == LampColor.Green ? PinValue.High : PinValue.Low);
            _gpio.Write(_o.AmberPin, color == LampColor.Amber ? PinValue.High : PinValue.Low);
            _gpio.Write(_o.RedPin, color == LampColor.Red ? PinValue.High : PinValue.Low);
            Lamp = color;
        }
    }

    public void SetBuzzer(bool on)
    {
        lock (_gate)
        {
            if (on) _buzzer.StartPlaying(_o.BuzzerFrequencyHz);
            else _buzzer.StopPlaying();
            BuzzerOn = on;
        }
    }

    public void Dispose()
    {
        SetLamp(LampColor.Off);
        _buzzer.Dispose();
    }
}
