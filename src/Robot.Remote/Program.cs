using System.Runtime.InteropServices;
using Robot.Remote.Cli;

// robot-remote: see Cli/RemoteCli.cs. Ctrl+C and SIGTERM cancel the running verb (drive still sends
// its stop command); a second Ctrl+C kills the process the usual way.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (stop.IsCancellationRequested) return;
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    stop.Cancel();
});
return await RemoteCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System, stop.Token);
