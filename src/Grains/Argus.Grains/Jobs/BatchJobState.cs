using Argus.Jobs;

namespace Argus.Grains.Jobs;

/// <summary>What a job persists, written at every shard it records: its checkpoint.</summary>
[GenerateSerializer, Alias("Argus.Grains.Jobs.BatchJobState")]
internal sealed class BatchJobState
{
    /// <summary>The spec; null while no job has this id.</summary>
    [Id(0)] public JobSpec? Spec { get; set; }

    [Id(1)] public JobState State { get; set; }

    [Id(2)] public DateTime SubmittedAt { get; set; }

    [Id(3)] public DateTime? FinishedAt { get; set; }

    [Id(4)] public string? Error { get; set; }

    /// <summary>Whether the input has been planned into shards (a paused job resumes to planning otherwise).</summary>
    [Id(5)] public bool Planned { get; set; }

    /// <summary>Shards planned: their plan files are written.</summary>
    [Id(6)] public int ShardsTotal { get; set; }

    [Id(7)] public long ItemsTotal { get; set; }

    /// <summary>The shards written: never run again.</summary>
    [Id(8)] public HashSet<int> DoneShards { get; set; } = [];

    [Id(9)] public long ItemsSucceeded { get; set; }

    [Id(10)] public long ItemsFailed { get; set; }

    [Id(11)] public Dictionary<string, long> Failures { get; set; } = [];

    /// <summary>A schedule's next run.</summary>
    [Id(12)] public DateTime? NextRunAt { get; set; }

    /// <summary>A schedule's runs, oldest first.</summary>
    [Id(13)] public List<string> Runs { get; set; } = [];

    /// <summary>Whether <c>errors.jsonl</c> holds every failure recorded so far.</summary>
    [Id(14)] public bool ErrorsMerged { get; set; }
}
