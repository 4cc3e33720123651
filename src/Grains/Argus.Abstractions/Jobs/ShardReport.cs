namespace Argus.Jobs;

/// <summary>What a worker reports for a written shard.</summary>
/// <param name="Shard">The shard's number.</param>
/// <param name="LeaseId">The lease it ran under.</param>
/// <param name="Succeeded">Items with a result.</param>
/// <param name="Failures">Failed items by reason.</param>
/// <param name="Skipped">The shard was found written already (an earlier run or worker wrote it), so nothing ran.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.ShardReport")]
public sealed record ShardReport(
    [property: Id(0)] int Shard,
    [property: Id(1)] string LeaseId,
    [property: Id(2)] int Succeeded,
    [property: Id(3)] IReadOnlyDictionary<string, int> Failures,
    [property: Id(4)] bool Skipped);
