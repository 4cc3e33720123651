namespace Argus.Inference.Batching;

/// <summary>A running estimate of one model's compute time per item on one device, for admission and lane caps.</summary>
internal sealed class ItemCostEstimate(TimeSpan initial)
{
    // Weight of the newest batch: reacts within a few batches, ignores a single outlier.
    private const double Weight = 0.2;
    private double _ticks = Math.Max(1, initial.Ticks);

    public TimeSpan PerItem => TimeSpan.FromTicks((long)_ticks);

    public void Observe(TimeSpan batchTime, int items) =>
        _ticks = (1 - Weight) * _ticks + Weight * Math.Max(1, batchTime.Ticks / (double)items);
}
