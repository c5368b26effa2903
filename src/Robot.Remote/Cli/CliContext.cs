namespace Robot.Remote.Cli;

/// <summary>Where one CLI run writes and which clock it uses (the real one in Program, a fake one in tests).</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Error, TimeProvider Time)
{
    public const string Name = "robot-remote";

    public void Fail(string message) => Error.WriteLine($"{Name}: {message}");
}
