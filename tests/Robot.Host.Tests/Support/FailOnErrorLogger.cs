using Microsoft.Extensions.Logging;

namespace Robot.Host.Tests.Support;

/// <summary>Keeps what was logged at Error or above, so a test can fail on an error its code logged.</summary>
public sealed class FailOnErrorLogger<T> : ILogger<T>
{
    private readonly List<string> _errors = [];

    public IReadOnlyList<string> Errors
    {
        get { lock (_errors) return _errors.ToList(); }
    }

    public void AssertNoErrors() => Assert.True(Errors.Count == 0, "logged errors: " + string.Join(" | ", Errors));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel < LogLevel.Error) return;
        lock (_errors) _errors.Add(formatter(state, exception) + (exception is null ? "" : $" ({exception})"));
    }
}
