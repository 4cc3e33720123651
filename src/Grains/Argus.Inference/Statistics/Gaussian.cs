namespace Argus.Inference.Statistics;

/// <summary>Standard normal draws: a simulated batch's jitter, a drift check's random projection.</summary>
public static class Gaussian
{
    /// <summary>One draw from N(0, 1) (Box–Muller; <c>1 - u</c> keeps the logarithm's argument above 0).</summary>
    public static double Sample(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
