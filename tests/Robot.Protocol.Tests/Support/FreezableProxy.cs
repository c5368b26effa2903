using System.Net;
using System.Net.Sockets;

namespace Robot.Protocol.Tests.Support;

/// <summary>
/// A TCP proxy on loopback in front of a broker that can be frozen: it stops reading and forwarding
/// in both directions without closing anything, as a broker under SIGSTOP (or a dead NAT entry) does.
/// </summary>
public sealed class FreezableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _sockets = [];
    private readonly List<Task> _pumps = [];
    private volatile TaskCompletionSource _thawed = Thawed();
    private readonly Task _accept;

    public FreezableProxy(Uri broker)
    {
        _upstream = new IPEndPoint(IPAddress.Parse(broker.Host), broker.Port);
        _listener.Start();
        _accept = AcceptAsync();
    }

    public Uri Uri => new($"mqtt://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    /// <summary>Stop forwarding (and reading) bytes; every socket stays open.</summary>
    public void Freeze() => _thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    private static TaskCompletionSource Thawed()
    {
        var t = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        t.SetResult();
        return t;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                var server = new TcpClient();
                await server.ConnectAsync(_upstream, _stop.Token);
                lock (_sockets)
                {
                    _sockets.Add(client);
                    _sockets.Add(server);
                    _pumps.Add(PumpAsync(client.GetStream(), server.GetStream()));
                    _pumps.Add(PumpAsync(server.GetStream(), client.GetStream()));
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                await _thawed.Task.WaitAsync(_stop.Token);
                var n = await from.ReadAsync(buffer, _stop.Token);
                if (n == 0) return;
                // A frozen proxy holds what it read, as a stopped process holds its buffers.
                await _thawed.Task.WaitAsync(_stop.Token);
                await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The other side closed: that pump is done.
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accept;
        lock (_sockets)
        {
            foreach (var socket in _sockets) socket.Dispose();
        }
        Task[] pumps;
        lock (_sockets) pumps = [.. _pumps];
        await Task.WhenAll(pumps);
        _stop.Dispose();
    }
}
