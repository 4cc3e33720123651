namespace Argus.Grains.Models.Drift;

/// <summary>
/// How far a window's class histogram has moved from the reference's: the population stability index and the
/// Jensen–Shannon divergence of the two class distributions. Pure.
/// </summary>
internal static class HistogramDrift
{
    /// <summary>
    /// The share a class empty on one side counts as in <see cref="Psi"/> (0.01 %), which would otherwise be infinite: a
    /// class that goes from none to a share p adds about p·ln(p / 0.0001), 0.46 for p = 5 %.
    /// </summary>
    public const double Epsilon = 1e-4;

    /// <summary>
    /// The population stability index, Σ (q − p)·ln(q / p) over the classes' shares p in the reference and q in the
    /// window, each at least <see cref="Epsilon"/>: 0 for the same shares; by custom below 0.1 is stable and above 0.25 a
    /// shift.
    /// </summary>
    /// <exception cref="ArgumentException">Different class counts, a negative count, or an empty histogram.</exception>
    public static double Psi(ReadOnlySpan<long> reference, ReadOnlySpan<long> window)
    {
        var (referenceTotal, windowTotal) = Totals(reference, window);
        double psi = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            var p = Math.Max(reference[i] / referenceTotal, Epsilon);
            var q = Math.Max(window[i] / windowTotal, Epsilon);
            psi += (q - p) * Math.Log(q / p);
        }

        return psi;
    }

    /// <summary>
    /// The Jensen–Shannon divergence in bits, ½·KL(p ‖ m) + ½·KL(q ‖ m) with m = (p + q)/2: 0 for the same shares, 1 for
    /// histograms with no class in common; symmetric, and finite without any epsilon because m holds every class either
    /// side holds.
    /// </summary>
    /// <exception cref="ArgumentException">Different class counts, a negative count, or an empty histogram.</exception>
    public static double JensenShannon(ReadOnlySpan<long> reference, ReadOnlySpan<long> window)
    {
        var (referenceTotal, windowTotal) = Totals(reference, window);
        double divergence = 0;
        for (var i = 0; i < reference.Length; i++)
        {
            var p = reference[i] / referenceTotal;
            var q = window[i] / windowTotal;
            var mean = (p + q) / 2;
            divergence += (Term(p, mean) + Term(q, mean)) / 2;
        }

        return Math.Clamp(divergence, 0, 1);
    }

    /// <summary>p·log₂(p / m), 0 where p is 0.</summary>
    private static double Term(double p, double mean) => p > 0 ? p * Math.Log2(p / mean) : 0;

    private static (double Reference, double Window) Totals(ReadOnlySpan<long> reference, ReadOnlySpan<long> window)
    {
        if (reference.Length != window.Length)
        {
            throw new ArgumentException($"The histograms have {reference.Length} and {window.Length} classes.", nameof(window));
        }

        return (Total(reference, nameof(reference)), Total(window, nameof(window)));
    }

    private static double Total(ReadOnlySpan<long> counts, string name)
    {
        double total = 0;
        foreach (var count in counts)
        {
            if (count < 0)
            {
                throw new ArgumentException($"A class count is negative ({count}).", name);
            }

            total += count;
        }

        return total > 0 ? total : throw new ArgumentException("The histogram is empty.", name);
    }
}
