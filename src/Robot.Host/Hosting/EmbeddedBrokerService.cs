using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Robot.Host.Configuration;
using Robot.Protocol.Broker;

namespace Robot.Host.Hosting;

/// <summary>Starts the in-process MQTT broker before the protocol bridge connects to it.</summary>
public sealed class EmbeddedBrokerService(IOptions<BrokerOptions> options, ILogger<EmbeddedBrokerService> log) : IHostedService, IAsyncDisposable
{
    public EmbeddedBroker? Broker { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        Broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { BindAddress = o.BindAddress, Port = o.Port, Username = o.Username, Password = o.Password }, log, cancellationToken).ConfigureAwait(false);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Broker is not null) await Broker.DisposeAsync().ConfigureAwait(false);
        Broker = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Broker is not null) await Broker.DisposeAsync().ConfigureAwait(false);
    }
}
