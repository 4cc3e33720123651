namespace Argus.Jobs;

/// <summary>A shard handed to a worker for <see cref="Duration"/>, unless renewed.</summary>
/// <param name="Job">The job's id.</param>
/// <param name="Shard">The shard's number.</param>
/// <param name="LeaseId">Names this lease in renewals and reports.</param>
/// <param name="Spec">The job's spec.</param>
/// <param name="Folder">The job's output folder.</param>
/// <param name="Duration">How long the lease lasts without a renewal.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.ShardLease")]
public sealed record ShardLease(
    [property: Id(0)] string Job,
    [property: Id(1)] int Shard,
    [property: Id(2)] string LeaseId,
    [property: Id(3)] JobSpec Spec,
    [property: Id(4)] string Folder,
    [property: Id(5)] TimeSpan Duration);
