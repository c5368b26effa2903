using Robot.Protocol.Broker;
using Robot.Protocol.Link;

namespace Robot.Protocol.Tests;

/// <summary>Wrong link and broker options fail at construction with a message naming the key.</summary>
public class LinkOptionsTests
{
    private static MqttLinkOptions Options(string problem)
    {
        var o = new MqttLinkOptions { BrokerUri = new Uri("mqtt://127.0.0.1:1883"), ClientId = "robot-1" };
        switch (problem)
        {
            case "http scheme": o.BrokerUri = new Uri("http://127.0.0.1:1883"); break;
            case "ws scheme": o.BrokerUri = new Uri("ws://127.0.0.1:8080/mqtt"); break;
            case "file uri": o.BrokerUri = new Uri("file:///etc/passwd"); break;
            case "password without username": o.Password = "s3cret"; break;
            case "empty client id": o.ClientId = " "; break;
            case "long client id": o.ClientId = new string('c', 65); break;
            case "keepalive": o.KeepAlive = TimeSpan.FromMilliseconds(500); break;
            case "zero reconnect": o.MinReconnectDelay = TimeSpan.Zero; break;
            case "max below min": o.MaxReconnectDelay = TimeSpan.FromMilliseconds(100); o.MinReconnectDelay = TimeSpan.FromSeconds(1); break;
            default: throw new ArgumentOutOfRangeException(nameof(problem));
        }
        return o;
    }

    [Theory]
    [InlineData("http scheme", "BrokerUri")]
    [InlineData("ws scheme", "BrokerUri")]
    [InlineData("file uri", "BrokerUri")]
    [InlineData("password without username", "Password")]
    [InlineData("empty client id", "ClientId")]
    [InlineData("long client id", "ClientId")]
    [InlineData("keepalive", "KeepAlive")]
    [InlineData("zero reconnect", "reconnect")]
    [InlineData("max below min", "Max")]
    public void Wrong_link_options_throw_naming_the_key(string problem, string key)
    {
        var ex = Assert.Throws<ArgumentException>(() => new MqttLink(Options(problem), TimeProvider.System));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
        Assert.Equal("options", ex.ParamName);
    }

    [Fact]
    public void Password_without_username_names_both_keys()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MqttLink(Options("password without username"), TimeProvider.System));
        Assert.Contains("Password", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Username", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mqtt://broker.port.example", 1883, false)]
    [InlineData("tcp://10.0.0.5:1884", 1884, false)]
    [InlineData("mqtts://broker.port.example", 8883, true)]
    [InlineData("ssl://broker.port.example:9883", 9883, true)]
    public void Valid_uris_give_the_port_and_tls_setting(string uri, int port, bool tls)
    {
        var o = new MqttLinkOptions { BrokerUri = new Uri(uri), Username = "robot", Password = "pw" };
        Assert.Null(o.Validate());
        Assert.Equal(port, o.Port);
        Assert.Equal(tls, o.UseTls);
    }

    [Theory]
    [InlineData("localhost", 1883, null, null, "BindAddress")]
    [InlineData("0.0.0.0", 1883, null, null, "loopback")] // no TLS, no accounts: never beyond loopback
    [InlineData("0.0.0.0", 1883, "/nonexistent/accounts", null, "loopback")] // accounts without TLS: passwords would cross the network in clear
    [InlineData("127.0.0.1", 70000, null, null, "Port")]
    [InlineData("127.0.0.1", -1, null, null, "Port")]
    [InlineData("127.0.0.1", 0, "/nonexistent/accounts", null, "AccountsFile")]
    [InlineData("127.0.0.1", 0, null, "/nonexistent/cert.pem", "CertificateKeyFile")]
    public async Task Wrong_broker_options_throw_naming_the_key(string bind, int port, string? accounts, string? certificate, string key)
    {
        var options = new EmbeddedBrokerOptions { BindAddress = bind, Port = port, AccountsFile = accounts, CertificateFile = certificate };
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => EmbeddedBroker.StartAsync(options));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }
}
