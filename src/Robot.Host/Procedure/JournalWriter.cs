using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Robot.Protocol.Extensions;

namespace Robot.Host.Procedure;

/// <summary>
/// Hands journal writes to one background writer, in order, so disk I/O (an fsync per reading on
/// an SD card can take tens of milliseconds) never runs under the control lock where it would delay
/// the e-stop. A power cut loses at most the few readings queued, normally just the one in flight.
/// </summary>
public sealed class JournalWriter : IAsyncDisposable
{
    private readonly IInspectionRecorder _recorder;
    private readonly ILogger _log;
    private readonly Channel<Func<IInspectionRecorder, Task>> _work = Channel.CreateUnbounded<Func<IInspectionRecorder, Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private int _pending;
    private TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JournalWriter(IInspectionRecorder recorder, ILogger log)
    {
        _recorder = recorder;
        _log = log;
        _idle.SetResult();
        _loop = Task.Run(RunAsync);
    }

    public IInspectionRecorder Recorder => _recorder;

    public void Enqueue(Action<IInspectionRecorder> write) => Enqueue(r =>
    {
        write(r);
        return Task.CompletedTask;
    });

    /// <summary>File a report after everything queued before it; completes with the sealed report.</summary>
    public Task<InspectionReport> FileAsync(InspectionReport draft)
    {
        var tcs = new TaskCompletionSource<InspectionReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue(r =>
        {
            tcs.TrySetResult(r.FileReport(draft));
            return Task.CompletedTask;
        }, tcs);
        return tcs.Task;
    }

    public Task WhenIdleAsync() => Volatile.Read(ref _pending) == 0 ? Task.CompletedTask : Volatile.Read(ref _idle).Task;

    private void Enqueue(Func<IInspectionRecorder, Task> write, TaskCompletionSource<InspectionReport>? failOn = null)
    {
        if (Interlocked.Increment(ref _pending) == 1) Interlocked.Exchange(ref _idle, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _work.Writer.TryWrite(async r =>
        {
            try
            {
                await write(r).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                failOn?.TrySetException(ex);
                throw;
            }
        });
    }

    private async Task RunAsync()
    {
        await foreach (var write in _work.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                await write(_recorder).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "journal write failed");
            }
            finally
            {
                if (Interlocked.Decrement(ref _pending) == 0) Volatile.Read(ref _idle).TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
