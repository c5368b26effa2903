using System.Reflection;
using Robot.Drivers.Abstractions;
using UnitsNet;

namespace Robot.Drivers.Tests;

/// <summary>Robot.Drivers knows nothing of procedures, MQTT or simulation (DESIGN.md dependency rule).</summary>
public class DependencyRuleTests
{
    [Fact]
    public void Drivers_reference_only_their_hardware_and_units_packages()
    {
        var references = typeof(IDriveTrain).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.DoesNotContain(references, r => r.StartsWith("Robot.", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("MQTTnet", StringComparison.Ordinal));
        Assert.DoesNotContain(references, r => r.StartsWith("Stateless", StringComparison.Ordinal));
        Assert.Contains("UnitsNet", references);
    }

    [Fact]
    public void Every_device_role_is_an_interface_with_typed_quantities()
    {
        var roles = typeof(RobotHardware).GetConstructors().Single().GetParameters().Select(p => p.ParameterType).ToList();
        Assert.Equal(8, roles.Count);
        Assert.All(roles, t => Assert.True(t.IsInterface, $"{t.Name} should be an interface"));
        // Lengths, speeds and angles are UnitsNet quantities, not bare doubles.
        Assert.Equal(typeof(Length), typeof(ILift).GetProperty(nameof(ILift.Height))!.PropertyType);
        Assert.Equal(typeof(Speed), typeof(IDriveTrain).GetProperty(nameof(IDriveTrain.MeasuredLinear))!.PropertyType);
        Assert.Equal(typeof(Angle), typeof(Pose).GetProperty(nameof(Pose.Heading))!.PropertyType);
    }

    [Fact]
    public void The_origin_pose_is_zero_in_every_coordinate()
    {
        var origin = Pose.Origin;
        Assert.Equal(0, origin.X.Meters);
        Assert.Equal(0, origin.Y.Meters);
        Assert.Equal(0, origin.Heading.Radians);
        Assert.NotEqual(origin, origin with { X = Length.FromMillimeters(1) });
    }
}
