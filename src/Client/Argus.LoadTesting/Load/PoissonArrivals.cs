namespace Argus.LoadTesting.Load;

/// <summary>Arrivals of a Poisson process: independent, exponentially distributed gaps with mean 1/rate.</summary>
public sealed class PoissonArrivals
{
    private readonly double _ratePerSecond;
    private readonly Random _random;

    /// <summary>Arrivals at <paramref name="ratePerSecond"/> on average, drawn from <paramref name="random"/> (seed it to repeat a run).</summary>
    public PoissonArrivals(double ratePerSecond, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        _ratePerSecond = ratePerSecond;
        _random = random;
    }

    /// <summary>The time from one arrival to the next.</summary>
    public TimeSpan NextGap() => TimeSpan.FromSeconds(-Math.Log(1 - _random.NextDouble()) / _ratePerSecond);
}
