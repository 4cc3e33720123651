namespace Argus.Devices;

/// <summary>What a device publishes about itself for routing, at least every second.</summary>
/// <param name="Key">The device, <c>{silo}/{device}</c>.</param>
/// <param name="Silo">Its silo's name.</param>
/// <param name="Models">The models it serves.</param>
/// <param name="QueueDepth">Items waiting in all its lanes.</param>
/// <param name="ExpectedWaitMs">How long a new interactive item would wait before it runs, by the device's own estimate.</param>
/// <param name="ItemCostMs">Compute time per item of each model, by the device's running estimate.</param>
/// <param name="InFlight">
/// Realtime and interactive items at the device now, from their arrival to their result: queued, being prepared or
/// running; what the autoscaler scales on. Batch-lane items (jobs) are left out: they fill what serving leaves free.
/// </param>
/// <param name="Draining">Its silo is stopping: routing sends it nothing new while it finishes what it holds.</param>
[GenerateSerializer, Immutable, Alias("Argus.Devices.DeviceLoad")]
public sealed record DeviceLoad(
    [property: Id(0)] string Key,
    [property: Id(1)] string Silo,
    [property: Id(2)] IReadOnlyList<string> Models,
    [property: Id(3)] int QueueDepth,
    [property: Id(4)] double ExpectedWaitMs,
    [property: Id(5)] IReadOnlyDictionary<string, double>? ItemCostMs = null,
    [property: Id(6)] int InFlight = 0,
    [property: Id(7)] bool Draining = false);
