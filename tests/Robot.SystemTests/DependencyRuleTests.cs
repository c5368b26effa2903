using System.Reflection;

namespace Robot.SystemTests;

/// <summary>The dependency rule of DESIGN.md, read from the built assemblies.</summary>
public class DependencyRuleTests
{
    private static List<string> OurReferences(Type anyTypeInAssembly) =>
        anyTypeInAssembly.Assembly.GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Robot.", StringComparison.Ordinal) || n.StartsWith("robot-", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Protocol_references_none_of_our_projects()
    {
        Assert.Empty(OurReferences(typeof(Robot.Protocol.Codec.ProtocolCodec)));
    }

    [Fact]
    public void Remote_references_the_protocol_only()
    {
        Assert.Equal(["Robot.Protocol"], OurReferences(typeof(Robot.Remote.Client.RobotClient)));
    }

    [Fact]
    public void Host_references_protocol_and_drivers_only()
    {
        Assert.Equal(["Robot.Drivers", "Robot.Protocol"], OurReferences(typeof(Robot.Host.Control.RobotController)).Order());
    }
}
