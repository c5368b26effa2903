using Microsoft.Extensions.Logging;

namespace Robot.Remote.Client;

/// <summary>
/// A logger for the MQTT link that remembers the last connection problem it reported, so that
/// "cannot connect" can say why (refused, bad credentials, no route) instead of just timing out.
/// </summary>
internal sealed class LinkErrorRecorder : ILogger
{
    private volatile string? _lastReason;

    public string? LastReason => _lastReason;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        string? reason = null;
        if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
        {
            foreach (var (key, value) in values)
            {
                if (key == "Reason") reason = value?.ToString();
            }
        }
        _lastReason = reason ?? exception?.Message ?? formatter(state, exception);
    }
}
