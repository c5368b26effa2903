namespace Robot.Simulator.Physics;

/// <summary>The instrument's averaging of counts into the displayed dose rate (see <see cref="DisplayResponse"/>).</summary>
internal sealed class DisplayFilter(DisplayResponse response)
{
    private double _windowCounts, _windowDose, _windowSeconds, _windowStartRate;

    /// <summary>Displayed dose rate before dead-time correction, µSv/h.</summary>
    public double Dose { get; private set; }

    /// <summary>The running measured count rate, counts/s.</summary>
    public double Rate { get; private set; }

    public double TimeConstantS => Math.Clamp(response.TargetCounts / Math.Max(Rate, 1e-9), response.MinTimeConstantS, response.MaxTimeConstantS);

    public void Reset(double dose, double rate)
    {
        Dose = dose;
        Rate = rate;
        _windowCounts = _windowDose = _windowSeconds = 0;
        _windowStartRate = rate;
    }

    /// <param name="counts">Counts in this step.</param>
    /// <param name="doseSeconds">The same counts weighted to dose: Σ counts / sensitivity, µSv/h·s.</param>
    /// <param name="dt">Step, seconds.</param>
    public void Update(long counts, double doseSeconds, double dt)
    {
        var alpha = 1 - Math.Exp(-dt / TimeConstantS);
        Dose += alpha * (doseSeconds / dt - Dose);
        Rate += alpha * (counts / dt - Rate);
        if (response.JumpSigma <= 0) return;
        _windowCounts += counts;
        _windowDose += doseSeconds;
        _windowSeconds += dt;
        if (_windowSeconds + 1e-9 < response.JumpWindowS) return;
        var expected = _windowStartRate * _windowSeconds;
        if (Math.Abs(_windowCounts - expected) > response.JumpSigma * Math.Sqrt(Math.Max(expected, 1)))
        {
            // The rate has changed beyond chance: restart the average from this window.
            Dose = _windowDose / _windowSeconds;
            Rate = _windowCounts / _windowSeconds;
        }
        _windowCounts = _windowDose = _windowSeconds = 0;
        _windowStartRate = Rate;
    }
}
