using System.Device.Gpio;
using Robot.Drivers.Abstractions;
using UnitsNet;

namespace Robot.Drivers.Hcsr04;

/// <summary>
/// An HC-SR04 ultrasonic obstacle sensor through Iot.Device.Hcsr04 (10 µs trigger pulse, echo
/// high for 58 µs per cm, about 4 m range). The binding times the echo itself with a busy wait of
/// up to a few tens of milliseconds, so read it from a sensor loop, not from the safety tick.
/// </summary>
public sealed class Hcsr04ObstacleSensor(string name, GpioController gpio, int triggerPin, int echoPin) : IObstacleSensor, IDisposable
{
    private readonly Iot.Device.Hcsr04.Hcsr04 _sensor = new(gpio, triggerPin, echoPin, shouldDispose: false);

    public string Name { get; } = name;

    public Length? Distance => _sensor.TryGetDistance(out var d) ? d : null;

    public void Dispose() => _sensor.Dispose();
}
