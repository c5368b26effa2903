using System.Net;
using Robot.Protocol.Broker;

namespace Robot.SystemTests.Support;

/// <summary>The two kinds of broker every system test runs over.</summary>
public static class BrokerKind
{
    public const string Embedded = "embedded";
    public const string Mosquitto = "mosquitto";
    public static TheoryData<string> Both => new() { Embedded, Mosquitto };
}

/// <summary>
/// A broker for one test: the embedded MQTTnet broker on a free port, or Mosquitto. For Mosquitto,
/// the instance the test script started (ROBOT_TEST_MOSQUITTO_URL) is used when given; otherwise the
/// test starts its own, so `dotnet test` alone works too.
/// </summary>
public sealed class TestBroker : IAsyncDisposable
{
    private EmbeddedBroker? _embedded;
    private MosquittoBroker? _mosquitto;

    private TestBroker(Uri uri) => Uri = uri;

    public Uri Uri { get; }

    /// <summary>
    /// An account of this role on the broker: issued on the embedded broker; the test Mosquitto lets
    /// anyone in (null, null) — the shipped, locked-down Mosquitto configuration has its own attack tests.
    /// </summary>
    public (string? User, string? Password) Account(string name, ClientRole role, string serialNumber) =>
        _embedded is null ? (null, null) : (name, _embedded.Accounts.Issue(name, role, serialNumber));

    public EmbeddedBroker? Embedded => _embedded;

    public static async Task<TestBroker> StartAsync(string kind)
    {
        if (kind == BrokerKind.Embedded)
        {
            var broker = await EmbeddedBroker.StartAsync(new EmbeddedBrokerOptions { Port = 0 });
            return new TestBroker(broker.Uri) { _embedded = broker };
        }
        if (Environment.GetEnvironmentVariable("ROBOT_TEST_MOSQUITTO_URL") is { Length: > 0 } url)
        {
            return new TestBroker(new Uri(url));
        }
        var own = new MosquittoBroker();
        return new TestBroker(own.Uri) { _mosquitto = own };
    }

    /// <summary>A broker the caller owns (the test disposes it itself).</summary>
    public static Task<TestBroker> ForExisting(Uri uri) => Task.FromResult(new TestBroker(uri));

    public async ValueTask DisposeAsync()
    {
        if (_embedded is not null) await _embedded.DisposeAsync();
        _mosquitto?.Dispose();
    }
}
