namespace Argus.Grains.Models.Drift;

/// <summary>
/// Whether a model version's outputs have drifted, window after window: a window drifts when its test's p-value is
/// below the significance level, and the alarm is raised once enough windows in a row have drifted and cleared by the
/// first that does not. A run of windows keeps a single chance false alarm (one window in twenty at α = 0.05) from
/// raising it: K windows that share no samples all drift by chance with probability α^K. Pure.
/// </summary>
/// <param name="DriftingWindows">Windows in a row that drifted, up to the last one.</param>
/// <param name="Raised">Whether the alarm is raised.</param>
internal readonly record struct DriftAlarm(int DriftingWindows, bool Raised)
{
    /// <summary>Whether a window with <paramref name="pValue"/> drifted at <paramref name="alpha"/>; a NaN p-value does not.</summary>
    public static bool IsDrifting(double pValue, double alpha) => pValue < alpha;

    /// <summary>
    /// The alarm after one more window. A window too small to test is no window: the caller skips it rather than
    /// passing it here, where it would clear the run.
    /// </summary>
    /// <param name="pValue">The window's p-value.</param>
    /// <param name="alpha">The significance level, between 0 and 1.</param>
    /// <param name="windowsToRaise">Drifting windows in a row that raise the alarm, K, at least one.</param>
    public DriftAlarm Next(double pValue, double alpha, int windowsToRaise)
    {
        if (!(alpha is > 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The significance level is between 0 and 1.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(windowsToRaise, 1);
        var run = IsDrifting(pValue, alpha) ? DriftingWindows + 1 : 0;
        return new(run, run >= windowsToRaise);
    }
}
