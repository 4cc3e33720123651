namespace Argus.Grains.Pipelines;

/// <summary>
/// The final deadline as an SLO: an item's final lag is the time from its submit to its final (or failed) result; a
/// pending item is at risk once it has used half its deadline, so an operator hears of it while it can still be met.
/// </summary>
internal static class FinalDeadline
{
    /// <summary>The share of the deadline a pending item may use before it is at risk.</summary>
    public const double AtRiskShare = 0.5;

    /// <summary>When an item submitted at <paramref name="submitted"/> with a deadline of <paramref name="deadlineS"/> seconds becomes at risk.</summary>
    public static DateTime AtRiskAt(DateTime submitted, double deadlineS) => submitted + TimeSpan.FromSeconds(deadlineS * AtRiskShare);

    /// <summary>Whether a pending item is at risk at <paramref name="now"/>.</summary>
    public static bool IsAtRisk(DateTime submitted, double deadlineS, DateTime now) => now > AtRiskAt(submitted, deadlineS);

    /// <summary>Whether a final <paramref name="lag"/> missed a deadline of <paramref name="deadlineS"/> seconds.</summary>
    public static bool IsLate(TimeSpan lag, double deadlineS) => lag.TotalSeconds > deadlineS;
}
