using System.Collections.Concurrent;
using Argus.Devices;

namespace Argus.Models;

/// <summary>
/// A caller's copy of the models' rollouts, each read from its <see cref="IModelRolloutGrain"/> at most once per
/// <see cref="MaxAge"/>: a change reaches every silo and client within a second or two.
/// </summary>
public sealed class RolloutTable(IGrainFactory grains, TimeProvider time)
{
    /// <summary>How old a copy may get before it is read again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The grain of <paramref name="model"/>'s rollout.</summary>
    public static IModelRolloutGrain GrainOf(IGrainFactory grains, string model) =>
        grains.GetGrain<IModelRolloutGrain>(model.ToLowerInvariant());

    /// <summary>
    /// <paramref name="model"/>'s rollout, fresh within <see cref="MaxAge"/>; the last one read (or none) while its
    /// grain does not answer within <see cref="DeviceTable.ReadTimeout"/>.
    /// </summary>
    public async ValueTask<Rollout> GetAsync(string model, CancellationToken cancellationToken = default)
    {
        var slot = _slots.GetOrAdd(model, m => new Slot(new Copy(Rollout.None(m), DateTimeOffset.MinValue)));
        if (time.GetUtcNow() - slot.Current.ReadAt < MaxAge)
        {
            return slot.Current.Value;
        }

        await slot.Refresh.WaitAsync(cancellationToken);
        try
        {
            if (time.GetUtcNow() - slot.Current.ReadAt >= MaxAge)
            {
                try
                {
                    var value = await GrainOf(grains, model).GetAsync().WaitAsync(DeviceTable.ReadTimeout, time, cancellationToken);
                    slot.Current = new Copy(value, time.GetUtcNow());
                }
                catch (Exception e) when (SiloLoss.Is(e))
                {
                    // The grain is moving: keep the last copy and read again in half a period.
                    slot.Current = slot.Current with { ReadAt = time.GetUtcNow() - (MaxAge / 2) };
                }
            }

            return slot.Current.Value;
        }
        finally
        {
            slot.Refresh.Release();
        }
    }

    /// <summary>Makes the next read of <paramref name="model"/>'s rollout ask its grain (after this caller changed it).</summary>
    public void Invalidate(string model)
    {
        if (_slots.TryGetValue(model, out var slot))
        {
            slot.Current = slot.Current with { ReadAt = DateTimeOffset.MinValue };
        }
    }

    private sealed record Copy(Rollout Value, DateTimeOffset ReadAt);

    /// <summary>One model's copy, swapped whole so a reader never sees half of one.</summary>
    private sealed class Slot(Copy current)
    {
        private volatile Copy _current = current;

        public SemaphoreSlim Refresh { get; } = new(1, 1);

        public Copy Current { get => _current; set => _current = value; }
    }
}
