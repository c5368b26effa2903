using Microsoft.Extensions.Logging;
using Robot.Drivers.Abstractions;
using Robot.Host.Measurement;
using Robot.Protocol.Extensions;
using Stateless;
using UnitsNet;
using S = Robot.Host.Procedure.ProcedureState;
using T = Robot.Host.Procedure.ProcedureTrigger;

namespace Robot.Host.Procedure;

public sealed partial class InspectionProcedure
{
    private void Configure(StateMachine<S, T> m)
    {
        m.OnUnhandledTrigger((state, trigger) => _log.LogDebug("procedure: {Trigger} ignored in {State}", trigger, state));

        m.Configure(S.Idle)
            .OnEntry(EnterIdle)
            .Permit(T.Start, S.CheckingReadiness);

        m.Configure(S.Inspecting)
            .Permit(T.Cancel, S.Aborting)
            .Permit(T.Fault, S.Aborting);

        m.Configure(S.Working)
            .SubstateOf(S.Inspecting)
            .Permit(T.Pause, S.Paused)
            .Permit(T.LinkLost, S.HoldingOnLinkLoss);

        m.Configure(S.CheckingReadiness)
            .SubstateOf(S.Working)
            .OnEntry(EnterCheckingReadiness)
            .PermitIf(T.Ready, S.DrivingToBackground, () => !BackgroundFresh(), "background stale or missing")
            .PermitIf(T.Ready, S.Planning, BackgroundFresh, "background fresh")
            .Permit(T.NotReady, S.Aborting);

        m.Configure(S.DrivingToBackground)
            .SubstateOf(S.Working)
            .OnEntry(() => DriveTo(new RobotTarget(_options.BackgroundSpotX, _options.BackgroundSpotY, null), T.Arrived))
            .Permit(T.Arrived, S.MeasuringBackground);

        m.Configure(S.MeasuringBackground)
            .SubstateOf(S.Working)
            .OnEntry(EnterMeasuringBackground)
            .PermitReentry(T.BackgroundUnstable)
            .PermitIf(T.BackgroundAccepted, S.Planning, () => !_run!.Request.BackgroundOnly, "inspecting a container")
            .PermitIf(T.BackgroundAccepted, S.Reporting, () => _run!.Request.BackgroundOnly, "background only")
            .Permit(T.BackgroundFailed, S.Aborting);

        m.Configure(S.Planning)
            .SubstateOf(S.Working)
            .OnEntry(EnterPlanning)
            .Permit(T.Planned, S.Dispatching);

        m.Configure(S.Dispatching)
            .SubstateOf(S.Working)
            .OnEntry(EnterDispatching)
            .Permit(T.NextTask, S.DrivingToStation)
            .Permit(T.NeedLocalisation, S.Localising)
            .Permit(T.QueueEmpty, S.Reporting);

        m.Configure(S.DrivingToStation)
            .SubstateOf(S.Working)
            .OnEntry(EnterDrivingToStation)
            .Permit(T.Arrived, S.HoldingWallDistance);

        m.Configure(S.HoldingWallDistance)
            .SubstateOf(S.Working)
            .OnEntry(EnterHoldingWallDistance)
            .Permit(T.WallOk, S.Lifting)
            .Permit(T.WallAdjust, S.DrivingToStation);

        m.Configure(S.Lifting)
            .SubstateOf(S.Working)
            .OnEntry(() => LiftTo(_run!.Current!.HeightM))
            .Permit(T.LiftReached, S.Settling);

        m.Configure(S.Settling)
            .SubstateOf(S.Working)
            .OnEntry(() => Wait(SettleSeconds(_run!.Profile.PointMode == "sequential" ? _profile.Sequential.SettleS : _profile.SettleS), T.Settled))
            .Permit(T.Settled, S.Measuring);

        m.Configure(S.Measuring)
            .SubstateOf(S.Working)
            .OnEntry(EnterMeasuring)
            .Permit(T.Measured, S.Dispatching)
            .Permit(T.Suspect, S.Confirming);

        m.Configure(S.Confirming)
            .SubstateOf(S.Working)
            .OnEntry(EnterConfirming)
            .Permit(T.NextTask, S.DrivingToStation);

        m.Configure(S.Localising)
            .SubstateOf(S.Working)
            .OnEntry(EnterLocalising)
            .Permit(T.Planned, S.Dispatching);

        m.Configure(S.Paused)
            .SubstateOf(S.Inspecting)
            .OnEntry(t => Hold(t.Source))
            .PermitDynamic(T.Resume, () => _resumeTo, "where it was paused")
            .Ignore(T.Pause);

        m.Configure(S.HoldingOnLinkLoss)
            .SubstateOf(S.Inspecting)
            .OnEntry(EnterHoldingOnLinkLoss)
            .PermitDynamic(T.LinkRestored, () => _resumeTo, "where it was held")
            .Permit(T.GraceExpired, S.Paused)
            .Permit(T.Proceed, S.Aborting)
            .Permit(T.Pause, S.Paused)
            .Ignore(T.LinkLost);

        m.Configure(S.Aborting)
            .OnEntry(EnterAborting)
            .Permit(T.Proceed, S.Reporting)
            .Ignore(T.Cancel)
            .Ignore(T.Fault);

        m.Configure(S.Reporting)
            .OnEntryAsync(EnterReportingAsync)
            .PermitIf(T.Reported, S.ReturningToPark, () => _parkAfterReport, "failsafe: return to park")
            .PermitIf(T.Reported, S.Idle, () => !_parkAfterReport, "stay");

        m.Configure(S.ReturningToPark)
            .OnEntry(() => DriveTo(new RobotTarget(_options.ParkX, _options.ParkY, null), T.Arrived))
            .Permit(T.Arrived, S.Idle)
            .Permit(T.Cancel, S.Idle);
    }

    // ------------------------------------------------------------ entry actions (short: they set the activity)

    private void EnterIdle()
    {
        lock (_gate)
        {
            _activity = null;
            _supervisor.ReleaseAutonomous();
        }
    }

    private void EnterCheckingReadiness()
    {
        var run = _run!;
        lock (_gate)
        {
            if (!run.Started)
            {
                run.Started = true;
                _hw.Alarm.SetBuzzer(false);
                _hw.Alarm.SetLamp(LampColor.Amber);
                if (run.Request.Container is { } c)
                {
                    _journal.Enqueue(r => r.StartInspection(run.InspectionId, c, run.Request.OperatorId, run.Instrument, run.Profile, run.StartedAt));
                }
                _raise("inspectionStarted", "info", run.Request.BackgroundOnly ? "background measurement started" : $"inspection {run.InspectionId} of {run.Request.Container!.Number} started");
            }
            _activity = now =>
            {
                if (now > run.Instrument.CalibrationValidUntil)
                {
                    _abortReason = $"calibration expired on {run.Instrument.CalibrationValidUntil:yyyy-MM-dd} (certificate {run.Instrument.CalibrationCertificate}): inspection refused";
                    Complete(T.NotReady);
                    return;
                }
                var status = _hw.DoseProbe.Read().Status;
                if (status is DetectorStatus.Fault or DetectorStatus.Saturated or DetectorStatus.Silent)
                {
                    _abortReason = $"detector not ready: {status}";
                    Complete(T.NotReady);
                    return;
                }
                // Warm-up [default 10 min]: wait, then go.
                if (status == DetectorStatus.WarmingUp || now - _poweredAt < _profile.WarmUp) return;
                Complete(T.Ready);
            };
        }
    }

    private bool BackgroundFresh() =>
        _background is { } b && _time.GetUtcNow() - b.At <= _profile.Background.MaxAge;

    private void EnterMeasuringBackground()
    {
        var run = _run!;
        run.BackgroundAttempts++;
        var bp = _profile.Background;
        lock (_gate)
        {
            var lifted = false;
            BackgroundSampler? sampler = null;
            var settledAt = DateTimeOffset.MaxValue;
            _activity = now =>
            {
                if (sampler is null)
                {
                    if (!lifted)
                    {
                        var refusal = _supervisor.RequestLift(Length.FromMeters(Math.Clamp(bp.HeightM, _hw.Lift.MinHeight.Meters, _hw.Lift.MaxHeight.Meters)));
                        if (refusal is not null) { Fail(refusal); return; }
                        lifted = true;
                    }
                    if (_hw.Lift.IsMoving) return;
                    settledAt = now.AddSeconds(SettleSeconds(bp.SettleS));
                    sampler = new BackgroundSampler(bp, run.Instrument, settledAt);
                    return;
                }
                if (now < settledAt) return;
                var probe = _hw.DoseProbe.Read();
                if (probe.Status != DetectorStatus.Ok)
                {
                    Fail($"detector reported {probe.Status} while measuring the background");
                    return;
                }
                var reading = sampler.Tick(now, probe);
                if (reading is not null && run.Request.Container is not null) { var pose = CurrentPose(); _journal.Enqueue(r => r.AppendReading(run.InspectionId, "background", reading, pose)); }
                if (!sampler.Done) return;
                if (!sampler.Accepted)
                {
                    _log.LogWarning("background unstable: {Why} (attempt {Attempt})", sampler.Refusal, run.BackgroundAttempts);
                    if (run.BackgroundAttempts >= bp.MaxAttempts)
                    {
                        _abortReason = $"background unstable after {run.BackgroundAttempts} attempts ({sampler.Refusal})";
                        Complete(T.BackgroundFailed);
                    }
                    else
                    {
                        Complete(T.BackgroundUnstable);
                    }
                    return;
                }
                var result = sampler.Result(CurrentPose(), run.BackgroundAttempts, now);
                _log.LogInformation("background {Dose:0.####} ± {Error:0.####} µSv/h accepted: {Basis}", result.DoseRateUSvPerH, result.StandardErrorUSvPerH, result.AcceptanceBasis);
                _background = (result, now);
                if (run.Request.Container is not null) _journal.Enqueue(r => r.AppendBackground(run.InspectionId, result));
                Complete(T.BackgroundAccepted);
            };
        }
    }

    /// <summary>
    /// The settle before a reading: counts follow the dose at once, so a counting probe needs only the
    /// profile's (mechanical) settle; a probe read from its display waits three display time constants
    /// as well (95 % of a step), or its average still remembers the last place.
    /// </summary>
    private double SettleSeconds(double profileSettle)
    {
        var conversion = DoseConversion.For(_run!.Instrument, _hw.DoseProbe.Read());
        return conversion.Counting ? profileSettle : Math.Max(profileSettle, 3 * (_run.Instrument.DisplayTimeConstantS ?? 0));
    }

    private void EnterPlanning()
    {
        var run = _run!;
        lock (_gate)
        {
            if (run.Request.Container is not null && _background is { } b && run.BackgroundAttempts == 0)
            {
                // A reused background still belongs in this inspection's record.
                _journal.Enqueue(r => r.AppendBackground(run.InspectionId, b.Result));
            }
            var liftMin = _hw.Lift.MinHeight.Meters;
            var liftMax = _hw.Lift.MaxHeight.Meters;
            var plan = SurveyPlanner.Heights(run.Request.Container!.Type, _profile.HeightsM, liftMin, liftMax, _profile.MaxTopGapM, _profile.TopHeightBelowRoofM, _profile.RoofClearanceM);
            if (plan.Unreachable.Count > 0)
            {
                run.Integrity.Fail($"the lift cannot reach every profile height ({string.Join(", ", plan.Unreachable)} m)");
            }
            run.PlanNotes.AddRange(plan.Notes);
            run.ProbeLateralOffsetM = _options.ProbeLateralOffsetM;
            var legs = SurveyPlanner.Plan(run.Request.Container!, _profile.StationSpacingM, plan.Heights, _profile.WallDistanceM, _options.ProbeLateralOffsetM);
            foreach (var leg in legs)
            {
                foreach (var p in leg.Points)
                {
                    run.Queue.Add(new MeasureTask(p.PointId, leg.Station, p.HeightM, null));
                    run.StationOf[p.PointId] = leg.Station;
                }
            }
            run.PlannedPoints = run.Queue.Count + plan.Unreachable.Count * legs.Count;
            var planned = run.PlannedPoints;
            _journal.Enqueue(r => r.SetPlannedPoints(run.InspectionId, planned));
            foreach (var note in plan.Notes) _log.LogInformation("inspection {Id}: {Note}", run.InspectionId, note);
            _log.LogInformation("inspection {Id}: {Points} points at {Stations} stations", run.InspectionId, run.Queue.Count, legs.Count);
            _activity = null;
        }
        Post(T.Planned);
    }

    private void EnterDispatching()
    {
        var run = _run!;
        lock (_gate)
        {
            run.Current = null;
            if (run.Queue.Count > 0)
            {
                run.Current = run.Queue[0];
                run.Queue.RemoveAt(0);
                Post(T.NextTask);
            }
            else if (run.LocalisationPass < 2 && run.Points.Any(p => p.Kind is null && HotSpotLocator.IsRaised(p)))
            {
                Post(T.NeedLocalisation);
            }
            else
            {
                Post(T.QueueEmpty);
            }
        }
    }

    private void EnterDrivingToStation()
    {
        var run = _run!;
        var task = run.Current!;
        if (run.AtStation == task.Station)
        {
            Post(T.Arrived); // already standing there, wall distance already held
            return;
        }
        if (run.WallCorrections == 0 || run.StationTarget is null) run.StationTarget = task.Station.Target;
        DriveTo(run.StationTarget.Value, T.Arrived);
    }

    private void EnterHoldingWallDistance()
    {
        var run = _run!;
        var station = run.Current!.Station;
        if (run.AtStation == station)
        {
            Post(T.WallOk);
            return;
        }
        lock (_gate)
        {
            var samples = new List<double>();
            var until = _time.GetUtcNow().AddSeconds(0.5);
            _activity = now =>
            {
                if (_hw.WallRange.Distance is { } d) samples.Add(d.Meters);
                if (now < until) return;
                var target = _profile.WallDistanceM;
                if (samples.Count > 0)
                {
                    var measured = samples.Average();
                    var error = measured - target;
                    if (Math.Abs(error) > _profile.WallDistanceToleranceM && run.WallCorrections < 2)
                    {
                        // Move the station along the wall normal by the error, and drive there again.
                        run.WallCorrections++;
                        var t = run.StationTarget ?? station.Target;
                        var nx = (station.Target.X - station.WallX);
                        var ny = (station.Target.Y - station.WallY);
                        var len = Math.Sqrt(nx * nx + ny * ny);
                        run.StationTarget = new RobotTarget(t.X - nx / len * error, t.Y - ny / len * error, t.Theta);
                        Complete(T.WallAdjust);
                        return;
                    }
                    if (Math.Abs(error) > _profile.WallDistanceToleranceM)
                    {
                        _log.LogWarning("station {Face}-{Index}: wall distance {Measured:0.###} m outside {Target} ± {Tol} m after corrections", station.Face, station.Index, measured, target, _profile.WallDistanceToleranceM);
                    }
                }
                run.AtStation = station;
                run.WallCorrections = 0;
                run.StationTarget = null;
                Complete(T.WallOk);
            };
        }
    }

    private void EnterMeasuring()
    {
        var run = _run!;
        var task = run.Current!;
        lock (_gate)
        {
            var level = _background is { } b ? BackgroundLevel.From(b.Result) : null;
            var sampler = new PointSampler(_profile, run.Instrument, level, run.Profile.PointMode, _time.GetUtcNow(), locateOnly: task.Kind == "refine");
            _activity = now =>
            {
                var probe = _hw.DoseProbe.Read();
                if (probe.Status is DetectorStatus.Fault or DetectorStatus.Silent or DetectorStatus.Saturated)
                {
                    Fail($"detector {probe.Status} at point {task.PointId}");
                    return;
                }
                var reading = sampler.Tick(now, probe);
                if (reading is not null) { var pose = CurrentPose(); _journal.Enqueue(r => r.AppendReading(run.InspectionId, task.PointId, reading, pose)); }
                if (!sampler.Done) return;
                // Where the probe measurably was goes into the journal with the point, so an interrupted report has it too.
                var result = run.Measured(sampler.Result(task.PointId, task.Station.Face, task.Station.AlongM, task.HeightM, CurrentPose(), task.Kind, now));
                OnPointMeasured(run, task, result);
            };
        }
    }

    private void OnPointMeasured(InspectionRun run, MeasureTask task, PointResult result)
    {
        if (task.Kind == "remeasure")
        {
            // Confirmation: EXCEEDS only when the re-measurement agrees; otherwise the first reading
            // stands as a raised point (ANOMALY), never silently dropped.
            var original = run.Points.FindLastIndex(p => p.PointId == task.PointId && p.Kind is null or "hotspot");
            if (original >= 0 && result.Decision != PointDecisions.Exceeds)
            {
                var o = run.Points[original];
                run.Points[original] = o with { Decision = PointDecisions.Anomaly, DecisionBasis = o.DecisionBasis + "; not confirmed on re-measurement" };
            }
        }
        run.Points.Add(result);
        _journal.Enqueue(r => r.AppendPoint(run.InspectionId, result));
        // A survey point and a hot spot's own point count towards EXCEEDS, so both are confirmed.
        if (result.Decision == PointDecisions.Exceeds && task.Kind is null or "hotspot" && _profile.RemeasureSuspect)
        {
            Complete(T.Suspect);
            return;
        }
        if (result.Decision == PointDecisions.Exceeds && task.Kind is null or "remeasure" or "hotspot")
        {
            _raise("pointExceeds", "alarm", $"{task.PointId}: {result.DoseRateUSvPerH:0.###} µSv/h exceeds background + {_profile.LimitUSvPerH} µSv/h");
        }
        Complete(T.Measured);
    }

    private void EnterConfirming()
    {
        var run = _run!;
        var suspect = run.Points.Last();
        _log.LogInformation("suspect point {Point} ({Dose:0.###} µSv/h): re-measuring", suspect.PointId, suspect.DoseRateUSvPerH);
        var task = run.Current!;
        run.Current = task with { Kind = "remeasure" };
        // The robot stays at the station: re-settle and measure again.
        Post(T.NextTask);
    }

    private void EnterLocalising()
    {
        var run = _run!;
        run.Localised = true;
        if (++run.LocalisationPass == 2)
        {
            QueueHotSpotPoints(run);
            Post(T.Planned);
            return;
        }
        lock (_gate)
        {
            // Every raised area of every face (EXCEEDS and ANOMALY alike): a finer row along the face at
            // the peak's height and a finer column of heights at the peak's station.
            var c = run.Request.Container!;
            var liftMin = _hw.Lift.MinHeight.Meters;
            var liftMax = _hw.Lift.MaxHeight.Meters;
            foreach (var area in RaisedAreas(run))
            {
                var peak = area.Peak;
                if (!run.StationOf.TryGetValue(peak.PointId, out var station)) continue;
                var measuredHere = run.Points.Where(p => p.Face == peak.Face && Math.Abs(p.AlongM - peak.AlongM) < 1e-6).Select(p => p.HeightM);
                var column = SurveyPlanner.RefineHeights(peak.HeightM, _profile.RefineSpacingM, _profile.RefineSpanM, liftMin, liftMax, measuredHere);
                var row = SurveyPlanner.Refine(c, station, _profile.RefineSpacingM, _profile.RefineSpanM, _profile.WallDistanceM, _options.ProbeLateralOffsetM);
                var i = 0;
                void Add(SurveyStation s, double h)
                {
                    var id = $"{peak.PointId}-r{++i}";
                    run.Queue.Add(new MeasureTask(id, s, h, "refine"));
                    run.StationOf[id] = s;
                }
                // Walk the row in one direction, measuring the column when passing the peak's station.
                foreach (var s in row.Where(s => s.AlongM < station.AlongM).OrderBy(s => s.AlongM)) Add(s, peak.HeightM);
                foreach (var h in column.OrderBy(h => h)) Add(station, h);
                foreach (var s in row.Where(s => s.AlongM > station.AlongM).OrderBy(s => s.AlongM)) Add(s, peak.HeightM);
                _log.LogInformation("inspection {Id}: raised area of {Count} point(s) on the {Face} face, peak {Peak} ({Dose:0.###} µSv/h): {Refine} refinement points",
                    run.InspectionId, area.Points.Count, area.Face, peak.PointId, peak.DoseRateUSvPerH, i);
            }
            _activity = null;
        }
        Post(T.Planned);
    }

    /// <summary>
    /// The second pass: the row gives the best place along the face, the column the best height, but
    /// that combination was not measured unless the peak was already there. It is measured now, as a
    /// point of its own ("hotspot", confirmed like a survey point), so the hot spot's dose is the dose
    /// where the report puts it, and a maximum that lies between the survey points can still make
    /// the container EXCEEDS.
    /// </summary>
    private void QueueHotSpotPoints(InspectionRun run)
    {
        lock (_gate)
        {
            foreach (var area in RaisedAreas(run))
            {
                var refinement = run.Points.Where(p => p.Kind == "refine" && p.PointId.StartsWith(area.Peak.PointId + "-r", StringComparison.Ordinal)).ToList();
                var (alongBest, heightBest) = HotSpotLocator.RowAndColumnBest(area, refinement);
                // A survey point standing there already decides (confirmed as usual); a refinement point does not.
                if (run.Points.Any(p => p.Kind is null && p.Face == area.Face && Math.Abs(p.AlongM - alongBest.AlongM) < 1e-6 && Math.Abs(p.HeightM - heightBest.HeightM) < 1e-6)) continue;
                if (!run.StationOf.TryGetValue(alongBest.PointId, out var station)) continue;
                var id = HotSpotLocator.HotSpotPointId(area.Peak);
                run.Queue.Add(new MeasureTask(id, station, heightBest.HeightM, "hotspot"));
                run.StationOf[id] = station;
            }
            _activity = null;
        }
    }

    /// <summary>The raised areas of the survey (see <see cref="HotSpotLocator"/>): neighbours are adjacent stations and adjacent heights.</summary>
    private IReadOnlyList<RaisedArea> RaisedAreas(InspectionRun run)
    {
        var survey = run.Points.Where(p => p.Kind is null).ToList();
        var heights = survey.Select(p => p.HeightM).Distinct().OrderBy(h => h).ToList();
        var heightStep = heights.Zip(heights.Skip(1), (a, b) => b - a).DefaultIfEmpty(0).Max();
        // Stations are StationSpacing apart, a little more on a short face (2.438 m in 2 stations).
        var alongStep = survey.GroupBy(p => p.Face)
            .SelectMany(g => { var a = g.Select(p => p.AlongM).Distinct().OrderBy(x => x).ToList(); return a.Zip(a.Skip(1), (x, y) => y - x); })
            .DefaultIfEmpty(_profile.StationSpacingM).Max();
        return HotSpotLocator.Areas(survey, 1.01 * alongStep, 1.01 * heightStep, _profile.HotSpotSaddleFraction, _profile.AnomalySigma);
    }

    private void Hold(S from)
    {
        lock (_gate)
        {
            _activity = null;
            _supervisor.ReleaseAutonomous();
            _hw.Lift.Stop();
            if (from is not (S.HoldingOnLinkLoss or S.Paused)) _resumeTo = ResumeStateFor(from);
            if (from == S.HoldingOnLinkLoss && _run is { } run)
            {
                run.FailsafeHeld = true;
                _raise("inspectionFailsafe", "warning", "link-loss failsafe: inspection held; it resumes only on an explicit stopPause");
            }
            // A measurement cut short is measured again from the start after resuming.
            if (_run is { } r) r.AtStation = _resumeTo == S.DrivingToStation ? null : r.AtStation;
        }
    }

    private void EnterHoldingOnLinkLoss(StateMachine<S, T>.Transition t)
    {
        var run = _run!;
        lock (_gate)
        {
            _supervisor.ReleaseAutonomous();
            _hw.Lift.Stop();
            _resumeTo = ResumeStateFor(t.Source);
            var until = _time.GetUtcNow() + _options.LinkLossGrace;
            _raise("inspectionHeld", "warning", $"link lost: inspection {run.InspectionId} holding for {_options.LinkLossGrace.TotalSeconds:0} s");
            _activity = now =>
            {
                if (now < until) return;
                _log.LogWarning("link still lost after {Grace}: failsafe {Action}", _options.LinkLossGrace, _options.LinkLossAction);
                if (_options.LinkLossAction == "returnToPark")
                {
                    _abortReason = $"link lost (broker or inspecting operator) for more than {_options.LinkLossGrace.TotalSeconds:0} s: inspection abandoned, robot returned to park";
                    _parkAfterReport = true;
                    Complete(T.Proceed);
                }
                else
                {
                    Complete(T.GraceExpired);
                }
            };
        }
    }

    private static S ResumeStateFor(S from) => from switch
    {
        S.CheckingReadiness => S.CheckingReadiness,
        S.DrivingToBackground or S.MeasuringBackground => S.DrivingToBackground,
        S.Planning => S.Planning,
        S.DrivingToStation or S.HoldingWallDistance => S.DrivingToStation,
        S.Lifting or S.Settling or S.Measuring => S.Lifting,
        S.Paused or S.HoldingOnLinkLoss => S.Dispatching,
        _ => S.Dispatching,
    };

    private void EnterAborting()
    {
        var run = _run!;
        lock (_gate)
        {
            _activity = null;
            _supervisor.ReleaseAutonomous();
            _hw.Lift.Stop();
            run.Integrity.Abort(string.IsNullOrEmpty(_abortReason) ? "aborted" : _abortReason);
        }
        Post(T.Proceed);
    }

    private async Task EnterReportingAsync()
    {
        var run = _run!;
        InspectionReport? draft = null;
        lock (_gate)
        {
            _activity = null;
            _supervisor.ReleaseAutonomous();
            if (run.Request.BackgroundOnly)
            {
                var ok = !run.Integrity.Aborted && _background is not null;
                _outcome = new ProcedureOutcome(run.Request.ActionId, ok, ok ? $"background {_background!.Value.Result.DoseRateUSvPerH:0.####} µSv/h" : string.Join("; ", run.Integrity.Problems), null);
                _hw.Alarm.SetLamp(LampColor.Green);
            }
            else
            {
                draft = run.Draft(_background?.Result, _time.GetUtcNow(), _profile.LimitUSvPerH, HotSpots(run));
            }
        }
        if (draft is not null)
        {
            // Filing writes and fsyncs: outside the control lock, after every reading queued before it.
            var filed = await _journal.FileAsync(draft).ConfigureAwait(false);
            lock (_gate)
            {
                _lastReport = filed;
                var succeeded = filed.Verdict != Verdicts.Invalid;
                _outcome = new ProcedureOutcome(run.Request.ActionId, succeeded, $"{filed.Verdict} report {filed.ReportId}: {filed.VerdictReason}", filed);
                _log.LogInformation("inspection {Id}: {Verdict} ({Reason})", run.InspectionId, filed.Verdict, filed.VerdictReason);
                switch (filed.Verdict)
                {
                    case Verdicts.Exceeds:
                        _hw.Alarm.SetLamp(LampColor.Red);
                        _hw.Alarm.SetBuzzer(true);
                        _raise("exceeds", "alarm", $"{filed.Container.Number}: EXCEEDS. {filed.VerdictReason}");
                        break;
                    case Verdicts.Anomaly:
                        _hw.Alarm.SetLamp(LampColor.Amber);
                        _raise("anomaly", "warning", $"{filed.Container.Number}: ANOMALY. {filed.VerdictReason}");
                        break;
                    case Verdicts.Invalid:
                        _hw.Alarm.SetLamp(LampColor.Amber);
                        _raise("invalid", "warning", $"{filed.Container.Number}: INVALID. {filed.VerdictReason}");
                        break;
                    default:
                        _hw.Alarm.SetLamp(LampColor.Green);
                        _raise("pass", "info", $"{filed.Container.Number}: PASS. {filed.VerdictReason}");
                        break;
                }
            }
        }
        Post(T.Reported);
    }

    private List<HotSpot> HotSpots(InspectionRun run)
    {
        // One hot spot per raised area, from where the probe measurably was (never the planned station).
        var spots = new List<HotSpot>();
        foreach (var area in RaisedAreas(run))
        {
            var measured = area with { Peak = run.Measured(area.Peak), Points = area.Points.Select(run.Measured).ToList() };
            var refinement = run.Points.Where(p => p.Kind == "refine" && p.PointId.StartsWith(area.Peak.PointId + "-r", StringComparison.Ordinal)).Select(run.Measured).ToList();
            var own = run.Points.LastOrDefault(p => p.Kind == "hotspot" && p.PointId == HotSpotLocator.HotSpotPointId(area.Peak));
            spots.Add(HotSpotLocator.Locate(measured, refinement, own is null ? null : run.Measured(own)));
        }
        return spots;
    }

    // ------------------------------------------------------------ activities (run by the tick, under the controller lock)

    private void DriveTo(RobotTarget target, T done)
    {
        lock (_gate)
        {
            var stalledSince = (DateTimeOffset?)null;
            _activity = now =>
            {
                if (!_supervisor.MotionAllowed) return;
                var (linear, angular, arrived) = _pose.Step(_hw.Pose.Pose, target.X, target.Y, target.Theta, _motion.NodeToleranceM, _motion.CruiseSpeedMps);
                var moving = Math.Abs(_hw.Drive.MeasuredLinear.MetersPerSecond) > 0.02 || Math.Abs(_hw.Drive.MeasuredAngular.RadiansPerSecond) > 0.02;
                if (arrived && !moving)
                {
                    _supervisor.ReleaseAutonomous();
                    Complete(done);
                    return;
                }
                if (arrived)
                {
                    _supervisor.RequestAutonomous(0, 0);
                    return;
                }
                _supervisor.RequestAutonomous(linear, angular);
                // Stall: commanded to move for 3 s with no motion measured.
                if (!moving && (Math.Abs(linear) > 0.05 || Math.Abs(angular) > 0.1))
                {
                    stalledSince ??= now;
                    if (now - stalledSince > TimeSpan.FromSeconds(3)) Fail("drive stalled: commanded motion but the wheels did not move for 3 s");
                }
                else
                {
                    stalledSince = null;
                }
            };
        }
    }

    private void LiftTo(double height)
    {
        lock (_gate)
        {
            var requested = false;
            DateTimeOffset lastProgress = _time.GetUtcNow();
            var lastHeight = _hw.Lift.Height.Meters;
            _activity = now =>
            {
                if (!requested)
                {
                    var refusal = _supervisor.RequestLift(Length.FromMeters(height));
                    if (refusal is not null) return; // held: try again next tick
                    requested = true;
                }
                var h = _hw.Lift.Height.Meters;
                if (Math.Abs(h - height) < 0.005 && !_hw.Lift.IsMoving)
                {
                    Complete(T.LiftReached);
                    return;
                }
                if (Math.Abs(h - lastHeight) > 0.001)
                {
                    lastHeight = h;
                    lastProgress = now;
                }
                else if (now - lastProgress > TimeSpan.FromSeconds(5))
                {
                    Fail($"lift jammed at {h:0.###} m on the way to {height:0.###} m");
                }
            };
        }
    }

    private void Wait(double seconds, T done)
    {
        lock (_gate)
        {
            var until = _time.GetUtcNow().AddSeconds(seconds);
            _activity = now =>
            {
                if (now >= until) Complete(done);
            };
        }
    }

    private MeasurementPose CurrentPose()
    {
        var p = _hw.Pose.Pose;
        return new MeasurementPose
        {
            X = Math.Round(p.X.Meters, 4),
            Y = Math.Round(p.Y.Meters, 4),
            Theta = Math.Round(p.Heading.Radians, 4),
            HeightM = Math.Round(_hw.Lift.Height.Meters, 4),
            WallDistanceM = _hw.WallRange.Distance is { } d ? Math.Round(d.Meters, 4) : null,
        };
    }
}
