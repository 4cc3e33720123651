namespace Argus.Grains.Models.Drift;

/// <summary>The outcome of one <see cref="HistogramDrift.Test"/>.</summary>
/// <param name="JensenShannon">The Jensen–Shannon divergence of the two histograms, in bits.</param>
/// <param name="Psi">Their population stability index.</param>
/// <param name="PValue">The share of relabellings of the pooled values whose divergence is at least as large, (1 + b)/(1 + B).</param>
/// <param name="Classes">The histograms' classes: 0 to the largest value.</param>
/// <param name="ReferenceCount">Reference values, n.</param>
/// <param name="WindowCount">Window values, m.</param>
/// <param name="Permutations">Relabellings drawn, B.</param>
internal sealed record HistogramResult(
    double JensenShannon, double Psi, double PValue, int Classes, int ReferenceCount, int WindowCount, int Permutations);

/// <summary>
/// How far a window's class histogram has moved from the reference's: the population stability index and the
/// Jensen–Shannon divergence of the two class distributions, and a test of the divergence. Pure.
/// </summary>
/// <remarks>
/// The test is the same permutation test <see cref="MmdDrift"/> runs, with the divergence as its statistic: no
/// threshold on the divergence would hold one false-alarm rate, because a histogram of a few hundred values over many
/// classes (a thousand ImageNet classes) diverges from its twin by chance far more than one over two classes does. A
/// relabelling of the pooled values has the chance divergence of exactly those sizes and classes, so one significance
/// level serves every model.
/// </remarks>
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

    /// <summary>
    /// Tests whether the values (class indices, region counts) of <paramref name="window"/> come from the distribution of
    /// <paramref name="reference"/>'s.
    /// </summary>
    /// <param name="reference">The reference values, at least one, none negative.</param>
    /// <param name="window">The recent values, at least one, none negative.</param>
    /// <param name="random">Draws the relabellings; seed it for a repeatable p-value.</param>
    /// <param name="permutations">Relabellings to draw, at least one.</param>
    /// <exception cref="ArgumentException">An empty side or a negative value.</exception>
    public static HistogramResult Test(IReadOnlyList<int> reference, IReadOnlyList<int> window, Random random, int permutations = MmdDrift.DefaultPermutations)
    {
        if (reference.Count == 0 || window.Count == 0)
        {
            throw new ArgumentException($"The test needs a value on each side, not {reference.Count} and {window.Count}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(permutations, 1);
        var pooled = reference.Concat(window).ToArray();
        if (pooled.Min() < 0)
        {
            throw new ArgumentException($"A value is negative ({pooled.Min()}).");
        }

        var classes = pooled.Max() + 1;
        var counts = new long[2 * classes];
        var observed = Divergence(pooled, reference.Count, counts, classes);
        var psi = Psi(counts.AsSpan(0, classes), counts.AsSpan(classes));

        // Divergences equal in exact arithmetic may differ in the last bits when summed from other counts.
        const double tolerance = 1e-12;
        var asLarge = 0;
        for (var p = 0; p < permutations; p++)
        {
            random.Shuffle(pooled);
            asLarge += Divergence(pooled, reference.Count, counts, classes) >= observed - tolerance ? 1 : 0;
        }

        return new(observed, psi, (1.0 + asLarge) / (1.0 + permutations), classes, reference.Count, window.Count, permutations);
    }

    /// <summary>The divergence of the first <paramref name="n"/> values' histogram from the rest's, counted into <paramref name="counts"/>.</summary>
    private static double Divergence(int[] pooled, int n, long[] counts, int classes)
    {
        Array.Clear(counts);
        for (var i = 0; i < pooled.Length; i++)
        {
            counts[(i < n ? 0 : classes) + pooled[i]]++;
        }

        return JensenShannon(counts.AsSpan(0, classes), counts.AsSpan(classes));
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
