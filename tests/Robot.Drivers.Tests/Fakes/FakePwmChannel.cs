using System.Device.Pwm;

namespace Robot.Drivers.Tests.Fakes;

public sealed class FakePwmChannel : PwmChannel
{
    public override int Frequency { get; set; }
    public override double DutyCycle { get; set; }
    public bool Running { get; private set; }
    public override void Start() => Running = true;
    public override void Stop() => Running = false;
}
