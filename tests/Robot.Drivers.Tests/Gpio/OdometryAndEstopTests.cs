using System.Device.Gpio;
using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.EmergencyStop;
using Robot.Drivers.Odometry;
using Robot.Drivers.Tests.Fakes;

namespace Robot.Drivers.Tests.Gpio;

public sealed class OdometryAndEstopTests : IDisposable
{
    private readonly FakeGpioDriver _pins = new();
    private readonly GpioController _gpio;
    private readonly FakeTimeProvider _time = new();

    public OdometryAndEstopTests() => _gpio = new GpioController(_pins);

    /// <summary>Quadrature cycles on A/B: forward = A leads B. Each cycle is four edges (four counts).</summary>
    private void Turn(int a, int b, int cycles)
    {
        var forward = cycles > 0;
        for (var i = 0; i < Math.Abs(cycles); i++)
        {
            // Pull-ups idle high: (1,1) -> forward (0,1) (0,0) (1,0) (1,1).
            if (forward) { _pins.SetInput(a, PinValue.Low); _pins.SetInput(b, PinValue.Low); _pins.SetInput(a, PinValue.High); _pins.SetInput(b, PinValue.High); }
            else { _pins.SetInput(b, PinValue.Low); _pins.SetInput(a, PinValue.Low); _pins.SetInput(b, PinValue.High); _pins.SetInput(a, PinValue.High); }
        }
    }

    [Fact]
    public void Encoder_edges_give_the_right_distance_turn_and_wheel_speed()
    {
        using var left = new QuadratureEncoder(_gpio, 17, 27);
        using var right = new QuadratureEncoder(_gpio, 22, 23);
        var odo = new DifferentialOdometry(() => left.Count, () => right.Count, countsPerMetre: 400, trackWidthM: 0.5, _time);

        Turn(17, 27, 100); // 400 counts: 1 m
        Turn(22, 23, 100);
        Assert.Equal(400, left.Count);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal((0.5, 0.5), odo.SampleWheelSpeeds());
        var pose = odo.Update();
        Assert.Equal(1.0, pose.X.Meters, 6);
        Assert.Equal(0.0, pose.Y.Meters, 6);

        // Turn on the spot: left back, right forward 39 cycles (0.39 m) each over a 0.5 m track = 1.56 rad.
        Turn(17, 27, -39);
        Turn(22, 23, 39);
        pose = odo.Update();
        Assert.Equal(2 * 0.39 / 0.5, pose.Heading.Radians, 9);
        Assert.Equal(1.0, pose.X.Meters, 6);
        Assert.Equal(0, left.Errors + right.Errors);

        // Then 0.5 m forward goes along +y.
        Turn(17, 27, 50);
        Turn(22, 23, 50);
        pose = odo.Update();
        Assert.Equal(1.0 + 0.5 * Math.Cos(1.56), pose.X.Meters, 9);
        Assert.Equal(0.5 * Math.Sin(1.56), pose.Y.Meters, 9);
    }

    [Fact]
    public void The_emergency_stop_opens_at_the_first_edge_and_closes_only_after_a_steady_debounce()
    {
        _pins.Preset(26, PinValue.Low);
        using var estop = new EmergencyStopInput(_gpio, 26, TimeSpan.FromMilliseconds(20), _time);
        var events = new List<bool>();
        estop.Changed += events.Add;
        Assert.False(estop.IsOpen);

        _pins.SetInput(26, PinValue.High);
        Assert.True(estop.IsOpen);
        Assert.Equal([true], events);

        // Bounce while closing: low, high, low; only 20 ms of steady low releases.
        _pins.SetInput(26, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(10));
        _pins.SetInput(26, PinValue.High);
        _pins.SetInput(26, PinValue.Low);
        _time.Advance(TimeSpan.FromMilliseconds(15));
        Assert.True(estop.IsOpen);
        _time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.False(estop.IsOpen);
        Assert.Equal([true, false], events);
    }

    [Fact]
    public void A_cut_wire_reads_open_at_start()
    {
        // Nothing pulls the input down: the pull-up makes it read high, which is a stop.
        using var estop = new EmergencyStopInput(_gpio, 26, TimeSpan.FromMilliseconds(20), _time);
        Assert.True(estop.IsOpen);
        Assert.Equal(PinMode.InputPullUp, _pins.Mode(26));
    }

    public void Dispose() => _gpio.Dispose();
}
