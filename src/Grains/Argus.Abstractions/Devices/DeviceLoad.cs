namespace Argus.Devices;

/// <summary>What a device publishes about itself for routing, at least every second.</summary>
/// <param name="Key">The device, <c>{silo}/{device}</c>.</param>
/// <param name="Silo">Its silo's name.</param>
/// <param name="Models">The model versions it has warm, with their cost per item.</param>
/// <param name="QueueDepth">Items waiting in all its lanes.</param>
/// <param name="ExpectedWaitMs">How long a new interactive item would wait before it runs, by the device's own estimate.</param>
/// <param name="InFlight">
/// Realtime and interactive items at the device now, from their arrival to their result: queued, being prepared or
/// running; what the autoscaler scales on. Batch-lane items (jobs) are left out: they fill what serving leaves free.
/// </param>
/// <param name="Draining">Its silo is stopping: routing sends it nothing new while it finishes what it holds.</param>
[GenerateSerializer, Immutable, Alias("Argus.Devices.DeviceLoad")]
public sealed record DeviceLoad(
    [property: Id(0)] string Key,
    [property: Id(1)] string Silo,
    [property: Id(2)] IReadOnlyList<ServedModel> Models,
    [property: Id(3)] int QueueDepth,
    [property: Id(4)] double ExpectedWaitMs,
    [property: Id(6)] int InFlight = 0,
    [property: Id(7)] bool Draining = false)
{
    /// <summary>The entry for <paramref name="model"/> at <paramref name="version"/> (its default version when null), or null.</summary>
    public ServedModel? Find(string model, string? version)
    {
        // A loop, not LINQ: routing asks every device of the table on every call.
        for (var i = 0; i < Models.Count; i++)
        {
            var m = Models[i];
            if (string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase) && (version is null ? m.IsDefault : m.Version == version))
            {
                return m;
            }
        }

        return null;
    }

    /// <summary>Whether it serves any version of <paramref name="model"/>.</summary>
    public bool Serves(string model) => Models.Any(m => string.Equals(m.Name, model, StringComparison.OrdinalIgnoreCase));
}
