using Robot.Protocol.Topics;

namespace Robot.Protocol.Tests;

public class TopicSchemeTests
{
    public static TheoryData<MessageKind> AllKinds => new(Enum.GetValues<MessageKind>());

    [Theory]
    [MemberData(nameof(AllKinds))]
    public void Built_topic_parses_back_to_the_same_address(MessageKind kind)
    {
        var topic = TopicScheme.For("PortRad", "RIR-0007", kind);

        Assert.True(TopicScheme.TryParse(topic, out var address), topic);
        Assert.Equal(kind, address.Kind);
        Assert.Equal("RIR-0007", address.SerialNumber);
        Assert.Equal(TopicScheme.IsVda(kind) ? "PortRad" : null, address.Manufacturer);
    }

    [Theory]
    [InlineData(MessageKind.Order, "uagv/v2/PortRad/RIR-0007/order")]
    [InlineData(MessageKind.InstantActions, "uagv/v2/PortRad/RIR-0007/instantActions")]
    [InlineData(MessageKind.State, "uagv/v2/PortRad/RIR-0007/state")]
    [InlineData(MessageKind.Visualization, "uagv/v2/PortRad/RIR-0007/visualization")]
    [InlineData(MessageKind.Connection, "uagv/v2/PortRad/RIR-0007/connection")]
    [InlineData(MessageKind.Factsheet, "uagv/v2/PortRad/RIR-0007/factsheet")]
    [InlineData(MessageKind.Teleop, "robot/v1/RIR-0007/teleop")]
    [InlineData(MessageKind.Telemetry, "robot/v1/RIR-0007/telemetry")]
    [InlineData(MessageKind.Command, "robot/v1/RIR-0007/commands")]
    [InlineData(MessageKind.Operator, "robot/v1/RIR-0007/operator")]
    [InlineData(MessageKind.Event, "robot/v1/RIR-0007/events")]
    public void Topics_follow_the_design_layout(MessageKind kind, string expected)
    {
        Assert.Equal(expected, TopicScheme.For("PortRad", "RIR-0007", kind));
    }

    [Fact]
    public void Vda_and_extension_builders_refuse_the_other_family()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TopicScheme.Vda("m", "s", MessageKind.Teleop));
        Assert.Throws<ArgumentOutOfRangeException>(() => TopicScheme.Extension("s", MessageKind.State));
    }

    [Theory]
    [InlineData(MessageKind.State, "uagv/v2/+/+/state")]
    [InlineData(MessageKind.Connection, "uagv/v2/+/+/connection")]
    [InlineData(MessageKind.Telemetry, "robot/v1/+/telemetry")]
    public void AllRobots_is_a_single_level_wildcard_filter(MessageKind kind, string expected)
    {
        Assert.Equal(expected, TopicScheme.AllRobots(kind));
    }

    [Fact]
    public void Response_topic_is_per_client_and_not_a_robot_topic()
    {
        var topic = TopicScheme.ResponseTopic("remote-1");
        Assert.Equal("robot/v1/clients/remote-1/responses", topic);
        Assert.False(TopicScheme.TryParse(topic, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("order")]
    [InlineData("uagv")]
    [InlineData("uagv/v2/PortRad/RIR-0007")]
    [InlineData("uagv/v2/PortRad/RIR-0007/")]
    [InlineData("uagv/v2/PortRad/RIR-0007/order/")]
    [InlineData("/uagv/v2/PortRad/RIR-0007/order")]
    [InlineData("uagv/v2/PortRad/RIR-0007/order/extra")]
    [InlineData("uagv/v2/PortRad/RIR-0007/Order")]
    [InlineData("uagv/v2/PortRad/RIR-0007/teleop")]
    [InlineData("uagv/v2/PortRad/RIR-0007/unknown")]
    [InlineData("uagv/v1/PortRad/RIR-0007/order")]
    [InlineData("UAGV/v2/PortRad/RIR-0007/order")]
    [InlineData("uagv/v2//RIR-0007/order")]
    [InlineData("uagv/v2/PortRad//order")]
    [InlineData("uagv/v2/+/+/state")]
    [InlineData("uagv/v2/PortRad/#")]
    [InlineData("uagv/v2/PortRad/RIR+7/order")]
    [InlineData("robot/v1/RIR-0007")]
    [InlineData("robot/v1//teleop")]
    [InlineData("robot/v1/+/telemetry")]
    [InlineData("robot/v1/#/teleop")]
    [InlineData("robot/v1/clients/teleop")]
    [InlineData("robot/v2/RIR-0007/teleop")]
    [InlineData("robot/v1/RIR-0007/state")]
    [InlineData("robot/v1/RIR-0007/reportz")]
    [InlineData("robot/v1/RIR-0007/teleop/x")]
    [InlineData("robot/v1/RIR-0007/command")]
    [InlineData("robot/v1/clients/remote-1/responses")]
    public void Garbage_topics_are_refused(string topic)
    {
        Assert.False(TopicScheme.TryParse(topic, out var address), topic);
        Assert.Equal(default, address);
    }

    [Fact]
    public void Control_characters_in_a_name_are_refused()
    {
        Assert.False(TopicScheme.TryParse("uagv/v2/PortRad/RIR\u00000007/order", out _));
        Assert.False(TopicScheme.TryParse("robot/v1/RIR\n0007/teleop", out _));
        Assert.True(TopicScheme.TryParse("robot/v1/RIR 0007/teleop", out _)); // a space is legal in MQTT topics
    }

    [Fact]
    public void Long_random_strings_are_refused()
    {
        var random = new Random(6346);
        const string alphabet = "uagvrobtv12/+#-_ abcdefghijklmnopqrstuvwxyzOIS";
        var parsed = 0;
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 80)];
            for (var j = 0; j < chars.Length; j++) chars[j] = alphabet[random.Next(alphabet.Length)];
            if (TopicScheme.TryParse(new string(chars), out _)) parsed++;
        }
        Assert.Equal(0, parsed);
    }
}
