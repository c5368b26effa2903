using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Robot.Host.Configuration;
using Robot.Protocol.Broker;

namespace Robot.Host.Hosting;

/// <summary>Starts the in-process MQTT broker before the protocol bridge connects to it.</summary>
public sealed class EmbeddedBrokerService(IOptions<BrokerOptions> options, IOptions<TelemetryOptions> telemetry, EmbeddedBrokerService.OwnAccount own, ILogger<EmbeddedBrokerService> log) : IHostedService, IAsyncDisposable
{
    /// <summary>The host's own robot account on its embedded broker: a secret made up at each start.</summary>
    public sealed record OwnAccount(string Name, string Secret, string SerialNumber)
    {
        public override string ToString() => $"OwnAccount {{ Name = {Name}, SerialNumber = {SerialNumber} }}"; // never the secret
    }

    public EmbeddedBroker? Broker { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        Broker = await EmbeddedBroker.StartAsync(o.ToEmbedded(telemetry.Value.MaxPayloadBytes), log, cancellationToken).ConfigureAwait(false);
        Broker.Accounts.Add(new BrokerAccount(own.Name, ClientRole.Robot, [own.SerialNumber], PasswordHash.Create(own.Secret, iterations: 1)));
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
