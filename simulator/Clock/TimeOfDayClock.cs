namespace Robot.Simulator.Clock;

/// <summary>
/// A clock that tells the time of day of another clock (a sped-up robot's virtual clock) but waits
/// in real time: its timers, delays and elapsed-time stamps are the system's.
/// <para>
/// The fast demo gives it to the in-process web remote. On a real site the remote and the robot
/// agree on the time of day (NTP), and the robot judges the remote's messages by their stamps:
/// a command's issue and expiry times, a teleop sample's issue time. With the robot's clock running
/// N times faster, stamps taken from the wall clock fall behind the robot's by (N-1) seconds every
/// second and every command is soon refused as expired. The remote still serves a real browser, so
/// its waiting (answer timeouts, the joystick tick, HTTP) must stay in real time.
/// </para>
/// </summary>
public sealed class TimeOfDayClock(TimeProvider timeOfDay) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => timeOfDay.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => timeOfDay.LocalTimeZone;

    // GetTimestamp, TimestampFrequency and CreateTimer stay the base class's: the system's, real time.
}
