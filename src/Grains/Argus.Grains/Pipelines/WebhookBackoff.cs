namespace Argus.Grains.Pipelines;

/// <summary>When a webhook delivery that failed is posted again: exponential from <see cref="First"/>, capped at <see cref="Cap"/>.</summary>
internal static class WebhookBackoff
{
    /// <summary>The wait after the first failure.</summary>
    public static readonly TimeSpan First = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait: a receiver down for hours is tried every few minutes, not hammered nor forgotten.</summary>
    public static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    /// <summary>The wait after <paramref name="failures"/> failed posts in a row (1 or more).</summary>
    public static TimeSpan After(int failures) =>
        failures <= 1 ? First : TimeSpan.FromTicks(Math.Min(Cap.Ticks, First.Ticks << Math.Min(failures - 1, 20)));
}
