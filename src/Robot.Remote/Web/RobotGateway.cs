using Robot.Remote.Client;

namespace Robot.Remote.Web;

/// <summary>
/// The web remote's one broker connection, shared by every page. Connected on first use and again
/// after a failure; the browser never sees the broker or its credentials.
/// </summary>
public sealed class RobotGateway(RemoteWebOptions options, TimeProvider time) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private RobotClient? _client;

    public async Task<RobotClient> ClientAsync(CancellationToken cancellationToken)
    {
        if (_client is { IsConnected: true } ready) return ready;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_client is { IsConnected: true } again) return again;
            if (_client is { } old)
            {
                _client = null;
                await old.DisposeAsync().ConfigureAwait(false);
            }
            _client = await RobotClient.ConnectAsync(options.Broker, time, cancellationToken).ConfigureAwait(false);
            return _client;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { } client) await client.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }
}
