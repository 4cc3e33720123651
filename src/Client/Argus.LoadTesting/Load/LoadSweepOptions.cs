namespace Argus.LoadTesting.Load;

/// <summary>How load is offered: a fixed number of callers, or a fixed arrival rate.</summary>
public enum LoadMode
{
    /// <summary>Closed loop: each level is a number of callers (<c>--concurrency-range</c>).</summary>
    Concurrency,

    /// <summary>Open loop: each level is a rate of Poisson arrivals per second (<c>--request-rate-range</c>).</summary>
    RequestRate,
}

/// <summary>A load sweep: which levels, how each is measured, and what counts as good.</summary>
public sealed class LoadSweepOptions
{
    /// <summary>Closed or open loop. Default <see cref="LoadMode.Concurrency"/>.</summary>
    public LoadMode Mode { get; set; } = LoadMode.Concurrency;

    /// <summary>The levels: callers, or requests per second. Default 1 only.</summary>
    public LoadRange Range { get; set; } = new(1, 1, 1, Multiplies: false);

    /// <summary>The length of one measurement window. Default 5 s.</summary>
    public TimeSpan MeasurementInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How far, in percent of their mean, the last windows' throughput and p95 may spread to count as stable. Default 10.</summary>
    public double StabilityPercentage { get; set; } = 10;

    /// <summary>The most windows measured per level, stable or not. Default 10.</summary>
    public int MaxTrials { get; set; } = 10;

    /// <summary>The latency objective: an image answered within it counts towards goodput. Default 120 ms.</summary>
    public double SloMs { get; set; } = 120;

    /// <summary>Images per request. Default 1.</summary>
    public int ImagesPerRequest { get; set; } = 1;

    /// <summary>Open loop only: the most requests outstanding; arrivals beyond are dropped and counted. Default 256.</summary>
    public int MaxOutstanding { get; set; } = 256;

    /// <summary>Open loop only: the seed of the arrival schedule, to repeat one; null draws a new one.</summary>
    public int? Seed { get; set; }

    /// <summary>Every problem with these options, empty when there is none.</summary>
    public IReadOnlyList<string> Validate()
    {
        List<string> failures = [];
        if (Mode == LoadMode.Concurrency && Range.End > 4096)
        {
            failures.Add($"Concurrency goes up to {Range.End:G6}; at most 4096 callers are allowed.");
        }

        if (Mode == LoadMode.RequestRate && Range.End > 100_000)
        {
            failures.Add($"The request rate goes up to {Range.End:G6}/s; at most 100000/s is allowed.");
        }

        if (MeasurementInterval < TimeSpan.FromMilliseconds(50) || MeasurementInterval > TimeSpan.FromHours(1))
        {
            failures.Add($"The measurement interval must be from 50 ms to an hour (is {MeasurementInterval.TotalMilliseconds:G6} ms).");
        }

        if (!(StabilityPercentage > 0) || StabilityPercentage > 100)
        {
            failures.Add($"The stability percentage must be above 0 and at most 100 (is {StabilityPercentage:G6}).");
        }

        if (MaxTrials is < 1 or > 1000)
        {
            failures.Add($"Max trials must be from 1 to 1000 (is {MaxTrials}).");
        }

        if (!(SloMs > 0) || !double.IsFinite(SloMs))
        {
            failures.Add($"The SLO must be a positive number of milliseconds (is {SloMs:G6}).");
        }

        if (ImagesPerRequest is < 1 or > 256)
        {
            failures.Add($"Images per request must be from 1 to 256 (is {ImagesPerRequest}).");
        }

        if (MaxOutstanding is < 1 or > 100_000)
        {
            failures.Add($"Max outstanding requests must be from 1 to 100000 (is {MaxOutstanding}).");
        }

        return failures;
    }
}
