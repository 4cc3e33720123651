namespace Argus.Jobs;

/// <summary>
/// What a job's outputs say about its run, for a person to look at (<c>GET /v1/jobs/{id}/report</c>): built from the
/// part files and failures written so far, so a running job's report covers its written shards.
/// </summary>
/// <param name="Status">The job's status when the report was built.</param>
/// <param name="ShardsRead">Shards whose results are in the report.</param>
/// <param name="Results">Items with a result in those shards.</param>
/// <param name="Throughput">Items started per interval, oldest first: when the job's batches went to the devices.</param>
/// <param name="BatchSizes">Items by the size of the device batch that carried them, smallest first.</param>
/// <param name="Latency">The workers' call latencies; null without results.</param>
/// <param name="Failures">Failed items by reason, the most frequent first, with a few examples each.</param>
/// <param name="Labels">For a classifier, items by their top class, the most frequent first (the rest in one <see cref="JobReportLabel.Others"/> row).</param>
/// <param name="Slowest">The items whose call took longest, slowest first.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.JobReport")]
public sealed record JobReport(
    [property: Id(0)] JobStatus Status,
    [property: Id(1)] int ShardsRead,
    [property: Id(2)] long Results,
    [property: Id(3)] IReadOnlyList<JobReportInterval> Throughput,
    [property: Id(4)] IReadOnlyList<JobReportBatchSize> BatchSizes,
    [property: Id(5)] JobReportLatency? Latency,
    [property: Id(6)] IReadOnlyList<JobReportFailure> Failures,
    [property: Id(7)] IReadOnlyList<JobReportLabel> Labels,
    [property: Id(8)] IReadOnlyList<JobReportItem> Slowest);

/// <summary>Items whose batch started in one interval of a job's run.</summary>
/// <param name="Start">The interval's start (UTC).</param>
/// <param name="Seconds">Its length.</param>
/// <param name="Items">Items started in it.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.JobReportInterval")]
public sealed record JobReportInterval([property: Id(0)] DateTime Start, [property: Id(1)] double Seconds, [property: Id(2)] long Items)
{
    /// <summary>Items per second over the interval.</summary>
    public double ItemsPerSecond => Items / Seconds;
}

/// <summary>Items carried by device batches of one size.</summary>
/// <param name="BatchSize">The device batch's size.</param>
/// <param name="Items">Items it carried.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.JobReportBatchSize")]
public sealed record JobReportBatchSize([property: Id(0)] int BatchSize, [property: Id(1)] long Items);

/// <summary>Percentiles of the workers' call latency, and the mean of its parts, in milliseconds.</summary>
/// <param name="P50">Median.</param>
/// <param name="P90">90th percentile.</param>
/// <param name="P99">99th percentile.</param>
/// <param name="Max">Slowest.</param>
/// <param name="MeanQueue">Mean time in the device's queue.</param>
/// <param name="MeanCompute">Mean time of the device batch.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.JobReportLatency")]
public sealed record JobReportLatency(
    [property: Id(0)] double P50, [property: Id(1)] double P90, [property: Id(2)] double P99, [property: Id(3)] double Max,
    [property: Id(4)] double MeanQueue, [property: Id(5)] double MeanCompute);

/// <summary>Failed items of one reason.</summary>
/// <param name="Reason">The reason's code (<c>bad_input</c>, <c>unreadable</c>, …).</param>
/// <param name="Items">How many items failed for it.</param>
/// <param name="Examples">A few of them, in shard order.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.JobReportFailure")]
public sealed record JobReportFailure([property: Id(0)] string Reason, [property: Id(1)] long Items, [property: Id(2)] IReadOnlyList<JobReportFailedItem> Examples);

/// <summary>One failed item.</summary>
/// <param name="Item">The item's id.</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Attempts">How many times it was tried.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.JobReportFailedItem")]
public sealed record JobReportFailedItem([property: Id(0)] string Item, [property: Id(1)] string Message, [property: Id(2)] int Attempts);

/// <summary>Items whose top class is one label.</summary>
/// <param name="Label">The label; <see cref="Others"/> for the labels past the report's most frequent.</param>
/// <param name="Items">How many items.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.JobReportLabel")]
public sealed record JobReportLabel([property: Id(0)] string Label, [property: Id(1)] long Items)
{
    /// <summary>The row that sums the labels past the most frequent (a label of a model cannot be empty).</summary>
    public const string Others = "";
}

/// <summary>One item's timing.</summary>
/// <param name="Item">The item's id.</param>
/// <param name="Shard">Its shard.</param>
/// <param name="Started">When its batch went to the device (UTC).</param>
/// <param name="LatencyMs">The worker's call.</param>
/// <param name="QueueMs">Its wait in the device's queue.</param>
/// <param name="ComputeMs">Its device batch's run.</param>
/// <param name="BatchSize">Its device batch's size.</param>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.JobReportItem")]
public sealed record JobReportItem(
    [property: Id(0)] string Item, [property: Id(1)] int Shard, [property: Id(2)] DateTime Started, [property: Id(3)] double LatencyMs,
    [property: Id(4)] double QueueMs, [property: Id(5)] double ComputeMs, [property: Id(6)] int BatchSize);
