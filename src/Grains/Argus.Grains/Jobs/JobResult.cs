using Argus.Devices;

namespace Argus.Grains.Jobs;

/// <summary>
/// One item's result as a job writes it: a line of a JSON lines part, a row of a Parquet part. Besides the model's
/// answer it says when and how the item ran, so a job's outputs alone tell its throughput, batch sizes and slowest items.
/// </summary>
/// <param name="Item">The item's id (<see cref="JobItem.Id"/>).</param>
/// <param name="Model">The model that answered.</param>
/// <param name="Version">Its version.</param>
/// <param name="Shard">The shard that carried the item.</param>
/// <param name="Started">When the worker sent the item's batch to the device (UTC).</param>
/// <param name="LatencyMs">How long that call took, as the worker saw it.</param>
/// <param name="QueueMs">How long the item waited in the device's queue.</param>
/// <param name="ComputeMs">How long the device batch that carried it took to run.</param>
/// <param name="BatchSize">How many items that device batch carried.</param>
/// <param name="Result">The model's answer.</param>
internal sealed record JobResult(
    string Item, string Model, string Version, int Shard, DateTime Started, double LatencyMs, double QueueMs, double ComputeMs,
    int BatchSize, JobResultBody Result);

/// <summary>The model's answer for an item, as in the HTTP API: one of the three, by the model's task.</summary>
internal sealed record JobResultBody(float[]? Embedding, IReadOnlyList<ClassScore>? Classes, IReadOnlyList<Detection>? Detections);
