using System.CommandLine;
using System.Globalization;
using Robot.Remote.Client;

namespace Robot.Remote.Cli.Verbs;

/// <summary>
/// `drive SERIAL`: stream dead-man teleop samples for a while, then a stop. Ctrl+C ends the stream
/// early and still sends the stop. Announces operator presence while driving.
/// </summary>
internal static class DriveVerb
{
    public const double MaxLinearMps = 5;
    public const double MaxAngularRadps = 10;
    public const double MaxSeconds = 3600;
    public const int MinTtlMs = 50;
    public const int MaxTtlMs = 2000;
    public const double MinRateHz = 1;
    public const double MaxRateHz = 50;
    public const int DefaultTtlMs = 300;
    public const double DefaultRateHz = 10;

    public static Command Create(VerbRunner runner)
    {
        var serial = VerbRunner.SerialArgument();
        var linear = new Option<double>("--linear")
        {
            Description = $"Forward speed in m/s, within ±{MaxLinearMps} (default 0)",
            HelpName = "M_PER_S",
        };
        var angular = new Option<double>("--angular")
        {
            Description = $"Turn rate in rad/s, counter-clockwise positive, within ±{MaxAngularRadps} (default 0)",
            HelpName = "RAD_PER_S",
        };
        var seconds = new Option<double>("--seconds")
        {
            Description = $"How long to drive, more than 0 and at most {MaxSeconds} s",
            HelpName = "S",
            Required = true,
        };
        var ttl = new Option<int>("--ttl-ms")
        {
            Description = $"Dead-man expiry of each command in ms, {MinTtlMs} to {MaxTtlMs}",
            HelpName = "MS",
            DefaultValueFactory = _ => DefaultTtlMs,
        };
        var rate = new Option<double>("--rate-hz")
        {
            Description = $"Commands per second, {MinRateHz} to {MaxRateHz}",
            HelpName = "HZ",
            DefaultValueFactory = _ => DefaultRateHz,
        };
        linear.Validators.Add(r => ArgumentChecks.Range(r, linear, -MaxLinearMps, true, MaxLinearMps, true, "m/s"));
        angular.Validators.Add(r => ArgumentChecks.Range(r, angular, -MaxAngularRadps, true, MaxAngularRadps, true, "rad/s"));
        seconds.Validators.Add(r => ArgumentChecks.Range(r, seconds, 0, false, MaxSeconds, true, "s"));
        ttl.Validators.Add(r => ArgumentChecks.Range(r, ttl, MinTtlMs, MaxTtlMs, "ms"));
        rate.Validators.Add(r => ArgumentChecks.Range(r, rate, MinRateHz, true, MaxRateHz, true, "Hz"));

        var command = new Command("drive", "Drive a robot by hand for a while (dead-man teleop), then stop it");
        command.Arguments.Add(serial);
        command.Options.Add(linear);
        command.Options.Add(angular);
        command.Options.Add(seconds);
        command.Options.Add(ttl);
        command.Options.Add(rate);
        command.Validators.Add(r =>
        {
            // A sample must outlive the gap to the next one, or the robot stops and starts between samples.
            // Options left out have no value yet while validating: use their defaults. Values that
            // did not convert are already reported.
            var hz = DefaultRateHz;
            var ms = DefaultTtlMs;
            if (r.GetResult(rate) is { } rateResult && !ArgumentChecks.TryGetValue(rateResult, out hz)) return;
            if (r.GetResult(ttl) is { } ttlResult && !ArgumentChecks.TryGetValue(ttlResult, out ms)) return;
            if (hz > 0 && ms < 1000 / hz)
            {
                r.AddError(string.Create(CultureInfo.InvariantCulture,
                    $"{ttl.Name} {ms} is shorter than the {1000 / hz:0.#} ms between commands at {rate.Name} {hz:0.###}: the robot would stop between commands"));
            }
        });

        command.SetAction((parse, ct) =>
        {
            var serialNumber = parse.GetValue(serial)!;
            return runner.RunAsync(parse, ct, async (client, output, token) =>
            {
                var request = new TeleopStreamRequest
                {
                    LinearMps = parse.GetValue(linear),
                    AngularRadps = parse.GetValue(angular),
                    Duration = TimeSpan.FromSeconds(parse.GetValue(seconds)),
                    TtlMs = parse.GetValue(ttl),
                    RateHz = parse.GetValue(rate),
                };
                var result = await client.StreamTeleopAsync(serialNumber, request, token).ConfigureAwait(false);
                output.Drive(serialNumber, request, result);
                return ExitCodes.Ok;
            }, options => options.OperatorPresenceFor = serialNumber);
        });
        return command;
    }
}
