using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Robot.Drivers.Abstractions;
using Robot.Host.Configuration;
using Robot.Host.Measurement;
using Robot.Host.Procedure;
using Robot.Protocol.Extensions;
using Robot.Simulator.Devices;
using Robot.Simulator.Physics;

namespace Robot.Simulator.Bench;

/// <summary>
/// Monte Carlo of the point decisions, for the NaI and the GM probe, standard and sequential mode,
/// on a clean wall and with a source adding 0.15, 0.25 and 0.35 µSv/h at the nearest station. Each
/// trial measures its own background and then the point with the real PointSampler over the real
/// simulated detector (Poisson counts, dead time, display response), with the re-measure rule.
/// Container-level shares combine one raised point with 47 clean ones (a 20 ft survey); times add
/// the survey's motion (travel and lift at the controller's speeds) to the sampled dwells.
/// </summary>
public static class ProcedureBench
{
    private const double Background = 0.07;
    private const int PointsPer20Ft = 48;
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    public static Command Create()
    {
        var trials = new Option<int>("--trials") { Description = "Monte Carlo trials per case", DefaultValueFactory = _ => 2000 };
        trials.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 50 or > 1_000_000) r.AddError("--trials must be 50 to 1000000");
        });
        var seed = new Option<int>("--seed") { Description = "random seed", DefaultValueFactory = _ => 1 };
        var detectors = new Option<string>("--detectors") { Description = "comma-separated: nai, gm, plastic", DefaultValueFactory = _ => "nai,gm" };
        var settle = new Option<double?>("--settle") { Description = "override the profile's settle time (s), e.g. 90 for a GM tube" };
        var maxDwell = new Option<double?>("--max-dwell") { Description = "override the sequential maximum dwell (s)" };
        var backgroundReadings = new Option<int?>("--background-readings") { Description = "override the number of background readings (e.g. 30 for a GM tube)" };
        var command = new Command("procedure", "Monte Carlo of the SN/T 0570 point decisions: verdict shares, time to verdict, lower bound") { trials, seed, detectors, settle, maxDwell, backgroundReadings };
        command.SetAction((p, ct) =>
        {
            var profile = new MeasurementProfileOptions();
            if (p.GetValue(settle) is { } st) profile.SettleS = st;
            if (p.GetValue(maxDwell) is { } md) profile.Sequential.MaxDwellS = md;
            if (p.GetValue(backgroundReadings) is { } br) profile.Background.Readings = Math.Clamp(br, 2, 1000);
            var names = p.GetValue(detectors)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.Any(n => n is not ("nai" or "gm" or "plastic")))
            {
                Console.Error.WriteLine("bench procedure: --detectors takes nai, gm and plastic");
                return Task.FromResult(1);
            }
            return Task.FromResult(Run(p.GetValue(trials), p.GetValue(seed), profile, names, ct));
        });
        return command;
    }

    private sealed record Case(string Detector, string Mode, double Delta);

    private static int Run(int trials, int seed, MeasurementProfileOptions profile, string[] detectors, CancellationToken ct)
    {
        var motion = MotionSeconds(profile);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"profile {profile.Name} {profile.Version}: {profile.ReadingsPerPoint} readings {profile.ReadingIntervalS} s apart, settle {profile.SettleS} s; sequential alpha {profile.Sequential.Alpha}, beta {profile.Sequential.Beta}, d {profile.Sequential.IndifferenceFraction}, max dwell {profile.Sequential.MaxDwellS} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"background {Background} µSv/h; 20 ft survey of {PointsPer20Ft} points; motion (travel + lift) {motion:0} s; {trials} trials per case"));
        Console.WriteLine();
        Console.WriteLine("detector mode        case     PASS    ANOMALY EXCEEDS  mean s   p95 s  bound s  mean/bound");
        var cases = new List<Case>();
        foreach (var detector in detectors)
            foreach (var mode in new[] { "standard", "sequential" })
                foreach (var delta in new[] { 0.0, 0.15, 0.25, 0.35 })
                    cases.Add(new Case(detector, mode, delta));
        var random = new Random(seed);
        var done = 0;
        var cleanDwells = new Dictionary<(string, string), double[]>();
        var cleanRates = new Dictionary<(string, string), (double Exceeds, double Anomaly)>();
        foreach (var c in cases)
        {
            ct.ThrowIfCancellationRequested();
            var outcomes = new (string Decision, double Dwell)[trials];
            for (var i = 0; i < trials; i++)
            {
                outcomes[i] = Trial(c, profile, random.Next());
            }
            done++;
            Console.Error.Write($"\r  [{new string('#', 40 * done / cases.Count),-40}] {done}/{cases.Count}");
            var key = (c.Detector, c.Mode);
            var pExceeds = outcomes.Count(o => o.Decision == PointDecisions.Exceeds) / (double)trials;
            var pAnomaly = outcomes.Count(o => o.Decision == PointDecisions.Anomaly) / (double)trials;
            if (c.Delta == 0)
            {
                cleanDwells[key] = outcomes.Select(o => o.Dwell).ToArray();
                cleanRates[key] = (pExceeds, pAnomaly);
            }
            var (ce, ca) = cleanRates[key];
            var others = c.Delta == 0 ? PointsPer20Ft : PointsPer20Ft - 1;
            // Container level: EXCEEDS if any point is confirmed over the limit; ANOMALY if none is but one is raised.
            var containerExceeds = 1 - (c.Delta == 0 ? 1 : 1 - pExceeds) * Math.Pow(1 - ce, others);
            var noneRaised = (c.Delta == 0 ? 1 : 1 - pExceeds - pAnomaly) * Math.Pow(1 - ce - ca, others);
            var containerAnomaly = Math.Max(0, 1 - containerExceeds - noneRaised);
            var containerPass = Math.Max(0, 1 - containerExceeds - containerAnomaly);
            // Times: motion + 47 (or 48) clean dwells drawn from the clean distribution + this point's dwell.
            var clean = cleanDwells[key];
            var totals = new double[trials];
            for (var i = 0; i < trials; i++)
            {
                var t = motion + (c.Delta == 0 ? 0 : outcomes[i].Dwell);
                for (var k = 0; k < others; k++) t += clean[random.Next(clean.Length)];
                totals[i] = t;
            }
            Array.Sort(totals);
            var bound = LowerBound(c, profile, motion);
            Console.Error.Write("\r" + new string(' ', 60) + "\r");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Detector,-8} {c.Mode,-11} {(c.Delta == 0 ? "clean" : $"+{c.Delta:0.00}"),-6} {containerPass,7:P1} {containerAnomaly,7:P1} {containerExceeds,7:P2} {totals.Average(),7:0} {totals[(int)(0.95 * (trials - 1))],7:0} {bound,8:0} {totals.Average() / bound,8:0.00}"));
        }
        Console.Error.WriteLine();
        Console.WriteLine();
        Console.WriteLine("Point-level shares are measured; container-level shares combine one raised point with the clean points of a 20 ft survey.");
        return 0;
    }

    /// <summary>One point: measure a background (5 readings), then the point, with the re-measure rule. Returns the decision and the dwell (settle included).</summary>
    private static (string Decision, double Dwell) Trial(Case c, MeasurementProfileOptions profile, int seed)
    {
        var detector = DetectorModel.ByName(c.Detector);
        var instrument = new InstrumentInfo
        {
            Model = detector.Model, SerialNumber = "bench", K1 = 1, K2 = 1, K3 = 1, CosmicResponseUSvPerH = 0,
            CalibrationCertificate = "bench", CalibrationValidUntil = DateTimeOffset.MaxValue, CountsPerSecondPerUSvPerH = detector.CalibrationSensitivity,
        };
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 26, 8, 0, 0, TimeSpan.Zero));
        var field = new BenchField { Background = Background, Cs137 = 0 };
        var probe = new SimDoseProbe(detector, field, () => default, time, seed);
        void Run(double seconds)
        {
            for (var t = 0.0; t < seconds - 1e-9; t += Step.TotalSeconds)
            {
                time.Advance(Step);
                probe.Step(Step.TotalSeconds);
            }
        }

        // Background: settle, then readings (the standard pattern, in both modes).
        Run(profile.Background.SettleS);
        var values = new List<double>();
        for (var i = 0; i < profile.Background.Readings; i++)
        {
            values.Add(probe.Read().RawMicroSvPerHour());
            if (i < profile.Background.Readings - 1) Run(profile.Background.IntervalS);
        }
        var (mean, se) = DoseCalculator.MeanAndError(values);
        var level = new BackgroundLevel(DoseCalculator.DoseRate(instrument, mean), DoseCalculator.StandardError(instrument, se));

        // The point: the field steps up to background + delta as the probe arrives.
        field.Cs137 = c.Delta;
        var dwell = 0.0;
        var settle = c.Mode == "sequential" ? profile.Sequential.SettleS : profile.SettleS;
        string Measure()
        {
            Run(settle);
            var start = time.GetUtcNow();
            var sampler = new PointSampler(profile, instrument, level, c.Mode, start);
            while (true)
            {
                sampler.Tick(time.GetUtcNow(), probe.Read());
                if (sampler.Done) break;
                Run(Step.TotalSeconds);
            }
            var now = time.GetUtcNow();
            dwell += settle + (now - start).TotalSeconds;
            var pose = new MeasurementPose { X = 0, Y = 0, Theta = 0, HeightM = 1.3 };
            return sampler.Result("p", "left", 1, 1.3, pose, null, now).Decision;
        }
        var decision = Measure();
        if (decision == PointDecisions.Exceeds && profile.RemeasureSuspect)
        {
            decision = Measure() == PointDecisions.Exceeds ? PointDecisions.Exceeds : PointDecisions.Anomaly;
        }
        return (decision, dwell);
    }

    private static double RawMicroSvPerHour(this DoseRateReading r) => r.RawMicroSievertPerHour;

    /// <summary>Travel round a 20 ft box and the lift's serpentine moves, at the controller's speeds.</summary>
    private static double MotionSeconds(MeasurementProfileOptions profile)
    {
        var motion = new MotionOptions();
        var legs = SurveyPlanner.Plan(new ContainerInfo { Number = "CSQU3054383", Type = ContainerTypes.Twenty, X = 0, Y = 0, Theta = 0 },
            profile.StationSpacingM, profile.HeightsM, profile.WallDistanceM, new ProcedureOptions().ProbeLateralOffsetM);
        double distance = 0, turns = 0, lift = 0;
        var (x, y, heading, height) = (-20.0, 0.0, 0.0, 1.0); // from the background spot
        foreach (var leg in legs)
        {
            foreach (var t in leg.Via.Append(leg.Station.Target))
            {
                var dx = t.X - x;
                var dy = t.Y - y;
                var bearing = Math.Atan2(dy, dx);
                turns += Math.Abs(Robot.Host.Motion.PoseController.WrapAngle(bearing - heading));
                distance += Math.Sqrt(dx * dx + dy * dy);
                heading = t.Theta ?? bearing;
                turns += Math.Abs(Robot.Host.Motion.PoseController.WrapAngle(heading - bearing));
                (x, y) = (t.X, t.Y);
            }
            foreach (var p in leg.Points)
            {
                lift += Math.Abs(p.HeightM - height);
                height = p.HeightM;
            }
        }
        return distance / motion.CruiseSpeedMps + turns / motion.TurnRateRadps + lift / 0.15;
    }

    /// <summary>Motion at its limits + settle per point + the expected dwell (fixed, or Wald's expected sequential time).</summary>
    private static double LowerBound(Case c, MeasurementProfileOptions profile, double motion)
    {
        var fixedDwell = (profile.ReadingsPerPoint - 1) * profile.ReadingIntervalS;
        if (c.Mode == "standard") return motion + PointsPer20Ft * (profile.SettleS + fixedDwell);
        var s = DetectorModel.ByName(c.Detector).CalibrationSensitivity;
        var d = profile.Sequential.IndifferenceFraction;
        var limit = profile.LimitUSvPerH;
        var test = new SequentialTest((Background + limit * (1 - d)) * s, (Background + limit * (1 + d)) * s, profile.Sequential.Alpha, profile.Sequential.Beta);
        var raised = new SequentialTest(Background * s, (Background + profile.AnomalyMinRiseUSvPerH) * s, profile.Sequential.AnomalyAlpha, profile.Sequential.AnomalyBeta);
        double Expected(double dose) => Math.Min(profile.Sequential.MaxDwellS, test.ExpectedSeconds(dose * s));
        _ = raised;
        return motion + profile.Sequential.SettleS * PointsPer20Ft + (PointsPer20Ft - 1) * Expected(Background) + Expected(Background + c.Delta);
    }

    private sealed class BenchField : IDoseField
    {
        public double Background { get; set; }
        public double Cs137 { get; set; }

        public void Evaluate(Vec3 point, Span<double> microSvPerHourByGroup)
        {
            microSvPerHourByGroup.Clear();
            microSvPerHourByGroup[0] = Background;
            microSvPerHourByGroup[NuclideData.Group(Nuclide.Cs137)] = Cs137;
        }
    }
}
