using System.Text.Json;
using System.Text.Json.Serialization;
using Robot.Protocol.Extensions;
using Robot.Simulator.Physics;

namespace Robot.Simulator.Scenarios;

// The scenario format (docs/scenarios.md): a yard, containers with cargo and sources, the detector,
// profile overrides, scheduled faults, a timeline of commands, and the expected verdicts.

public sealed record ScenarioFile
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public int Seed { get; init; } = 1;
    /// <summary>Stop (and fail) if the timeline has not finished after this much virtual time.</summary>
    public double TimeLimitMinutes { get; init; } = 240;
    public YardSpec Yard { get; init; } = new();
    /// <summary>nai, plastic or gm.</summary>
    public string Detector { get; init; } = "nai";
    public PointSpec Robot { get; init; } = new();
    /// <summary>Overrides of the measurement profile (keys of Measurement:Profile, e.g. "PointMode": "sequential").</summary>
    public Dictionary<string, string> Profile { get; init; } = [];
    /// <summary>Overrides of the instrument record (keys of Measurement:Instrument).</summary>
    public Dictionary<string, string> Instrument { get; init; } = [];
    /// <summary>Overrides of the procedure options (keys of Procedure, e.g. "LinkLossAction").</summary>
    public Dictionary<string, string> Procedure { get; init; } = [];
    public List<ContainerSpec> Containers { get; init; } = [];
    public List<SourceSpec> Sources { get; init; } = [];
    public List<FaultSpec> Faults { get; init; } = [];
    public List<CommandSpec> Commands { get; init; } = [];
    public List<ExpectSpec> Expect { get; init; } = [];
}

public sealed record YardSpec
{
    public double BackgroundUSvPerH { get; init; } = 0.07;
    /// <summary>Slow drift and spatial variation on (seeded).</summary>
    public bool Realistic { get; init; }
    public PointSpec BackgroundSpot { get; init; } = new() { X = -25 };
    public PointSpec Park { get; init; } = new();
}

public sealed record PointSpec
{
    public double X { get; init; }
    public double Y { get; init; }
    public double Theta { get; init; }
    public double Z { get; init; }
}

public sealed record CargoSpec
{
    /// <summary>scrap (steel), water (organic), concrete (minerals), empty.</summary>
    public string Material { get; init; } = "scrap";
    public double DensityGPerCm3 { get; init; } = 1.0;
    public double Fill { get; init; } = 0.8;
    public double KBqPerKg { get; init; }
    public double UBqPerKg { get; init; }
    public double ThBqPerKg { get; init; }
}

public sealed record ContainerSpec
{
    public required string Number { get; init; }
    public required string Type { get; init; }
    public required double X { get; init; }
    public required double Y { get; init; }
    public double Theta { get; init; }
    public CargoSpec Cargo { get; init; } = new();
}

public sealed record SourceSpec
{
    public required string Container { get; init; }
    /// <summary>Cs137, Co60, Ir192, Ra226, Am241, K40, Th232.</summary>
    public required string Nuclide { get; init; }
    public required double ActivityMBq { get; init; }
    /// <summary>Position in the container frame (x to the door end, y left, z up from the ground).</summary>
    public required PointSpec Local { get; init; }
}

public sealed record FaultSpec
{
    /// <summary>Virtual time from the start of the run, hh:mm:ss.</summary>
    public required TimeSpan At { get; init; }
    /// <summary>detectorSilent, detectorStuck, detectorSaturated, motorStall, liftJam, emergencyStop, linkLoss, batterySag, powerLoss.</summary>
    public required string Kind { get; init; }
    public TimeSpan? Duration { get; init; }
    /// <summary>For batterySag: the charge in percent.</summary>
    public double? Value { get; init; }
}

public sealed record CommandSpec
{
    public required TimeSpan At { get; init; }
    /// <summary>inspect, measureBackground, pause, resume, cancel, resetEStop.</summary>
    public required string Do { get; init; }
    public string? Container { get; init; }
    public string? Mode { get; init; }
}

public sealed record ExpectSpec
{
    public required string Container { get; init; }
    /// <summary>PASS, ANOMALY, EXCEEDS or INVALID.</summary>
    public required string Verdict { get; init; }
    /// <summary>The reported hot spot must lie within this distance of the (projected) source.</summary>
    public double? HotSpotWithinM { get; init; }
    /// <summary>Text the verdict reason must contain.</summary>
    public string? ReasonContains { get; init; }
}

/// <summary>Loads a scenario file: a bad one is refused with the JSON path of the bad field and why.</summary>
public static class ScenarioLoader
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static (ScenarioFile? Scenario, string? Error) Load(string path)
    {
        if (!File.Exists(path)) return (null, $"{path}: no such file");
        return Parse(File.ReadAllText(path), path);
    }

    public static (ScenarioFile? Scenario, string? Error) Parse(string json, string source = "scenario")
    {
        ScenarioFile? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<ScenarioFile>(json, Options);
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
            return (null, $"{source}: {ex.Path ?? "$"}: {message}");
        }
        if (scenario is null) return (null, $"{source}: $: the file is empty or null");
        var problem = Validate(scenario);
        return problem is null ? (scenario, null) : (null, $"{source}: {problem}");
    }

    public static string? Validate(ScenarioFile s)
    {
        if (string.IsNullOrWhiteSpace(s.Name)) return "$.name: must not be empty";
        if (s.TimeLimitMinutes is <= 0 or > 24 * 60) return "$.timeLimitMinutes: must be within (0, 1440]";
        if (s.Detector is not ("nai" or "plastic" or "gm")) return $"$.detector: '{s.Detector}' is not nai, plastic or gm";
        if (s.Yard.BackgroundUSvPerH is < 0.001 or > 10) return "$.yard.backgroundUSvPerH: must be within [0.001, 10]";
        var numbers = new HashSet<string>();
        for (var i = 0; i < s.Containers.Count; i++)
        {
            var c = s.Containers[i];
            if (Iso6346.Validate(c.Number) is { } why) return $"$.containers[{i}].number: {why}";
            if (!numbers.Add(Iso6346.Normalize(c.Number))) return $"$.containers[{i}].number: {c.Number} appears twice";
            if (!ContainerTypes.All.Contains(c.Type)) return $"$.containers[{i}].type: '{c.Type}' is not one of {string.Join(", ", ContainerTypes.All)}";
            if (c.Cargo.Material is not ("scrap" or "water" or "concrete" or "empty")) return $"$.containers[{i}].cargo.material: '{c.Cargo.Material}' is not scrap, water, concrete or empty";
            if (c.Cargo.Fill is < 0 or > 1) return $"$.containers[{i}].cargo.fill: must be within [0, 1]";
            if (c.Cargo.DensityGPerCm3 is < 0 or > 8) return $"$.containers[{i}].cargo.densityGPerCm3: must be within [0, 8]";
        }
        for (var i = 0; i < s.Sources.Count; i++)
        {
            var src = s.Sources[i];
            if (!numbers.Contains(Iso6346.Normalize(src.Container))) return $"$.sources[{i}].container: no container {src.Container} in this scenario";
            if (NuclideByName(src.Nuclide) is null) return $"$.sources[{i}].nuclide: '{src.Nuclide}' is not one of Cs137, Co60, Ir192, Ra226, Am241, K40, Th232, Ba133, I131";
            if (src.ActivityMBq is <= 0 or > 1e7) return $"$.sources[{i}].activityMBq: must be within (0, 1e7]";
        }
        string[] faultKinds = ["detectorSilent", "detectorStuck", "detectorSaturated", "motorStall", "liftJam", "emergencyStop", "linkLoss", "batterySag", "powerLoss"];
        for (var i = 0; i < s.Faults.Count; i++)
        {
            if (!faultKinds.Contains(s.Faults[i].Kind)) return $"$.faults[{i}].kind: '{s.Faults[i].Kind}' is not one of {string.Join(", ", faultKinds)}";
            if (s.Faults[i].At < TimeSpan.Zero) return $"$.faults[{i}].at: must not be negative";
        }
        string[] verbs = ["inspect", "measureBackground", "pause", "resume", "cancel", "resetEStop"];
        for (var i = 0; i < s.Commands.Count; i++)
        {
            var c = s.Commands[i];
            if (!verbs.Contains(c.Do)) return $"$.commands[{i}].do: '{c.Do}' is not one of {string.Join(", ", verbs)}";
            if (c.Do == "inspect" && (c.Container is null || !numbers.Contains(Iso6346.Normalize(c.Container)))) return $"$.commands[{i}].container: inspect needs a container of this scenario";
            if (c.Mode is not (null or "standard" or "sequential")) return $"$.commands[{i}].mode: must be standard or sequential";
        }
        for (var i = 0; i < s.Expect.Count; i++)
        {
            var e = s.Expect[i];
            if (!numbers.Contains(Iso6346.Normalize(e.Container))) return $"$.expect[{i}].container: no container {e.Container} in this scenario";
            if (e.Verdict is not (Verdicts.Pass or Verdicts.Anomaly or Verdicts.Exceeds or Verdicts.Invalid)) return $"$.expect[{i}].verdict: '{e.Verdict}' is not PASS, ANOMALY, EXCEEDS or INVALID";
        }
        return null;
    }

    public static Nuclide? NuclideByName(string name) => name.Replace("-", "", StringComparison.Ordinal).ToUpperInvariant() switch
    {
        "CS137" => Nuclide.Cs137,
        "CO60" => Nuclide.Co60,
        "IR192" => Nuclide.Ir192,
        "RA226" => Nuclide.Ra226,
        "AM241" => Nuclide.Am241,
        "K40" => Nuclide.K40,
        "TH232" => Nuclide.Th232,
        "BA133" => Nuclide.Ba133,
        "I131" => Nuclide.I131,
        _ => null,
    };
}
