using System.Text.RegularExpressions;
using Argus.Storage;

namespace Argus.Jobs;

/// <summary>How a job writes its results.</summary>
public enum JobOutputFormat
{
    /// <summary>JSON lines: one object per item.</summary>
    Jsonl,

    /// <summary>Apache Parquet: one row per item.</summary>
    Parquet,
}

/// <summary>
/// What a batch job runs: every item of <see cref="Input"/> through <see cref="Model"/>, in shards of
/// <see cref="ShardSize"/> items, written under <see cref="Output"/>/{job}. Paths are as the silos see them: every silo
/// must reach the input and the output folder (one machine, or a shared file system).
/// </summary>
[GenerateSerializer, Immutable, Alias("Argus.Jobs.JobSpec")]
public sealed partial record JobSpec
{
    /// <summary>
    /// The items: a folder (its images and videos, recursively), a glob (<c>/data/cam*/**/*.jpg</c>: <c>*</c> within a name, <c>**</c> across folders), or a manifest file
    /// (<c>.txt</c>, <c>.lst</c>, <c>.csv</c>: one path per line, relative paths resolved against the manifest's folder),
    /// as an absolute path; or the images under an object store's prefix: <c>s3://bucket/prefix</c>,
    /// <c>az://container/prefix</c> or a blob URL (<see cref="StoreLocation"/>).
    /// </summary>
    [Id(0)] public string Input { get; init; } = "";

    /// <summary>The model every item runs through.</summary>
    [Id(1)] public string Model { get; init; } = "";

    /// <summary>
    /// Where the job writes: <c>{Output}/{job}/part-{shard:D5}.jsonl</c> (or <c>.parquet</c>, see <see cref="Format"/>)
    /// and <c>errors.jsonl</c>. An absolute path, or an object store's prefix (<see cref="StoreLocation"/>).
    /// </summary>
    [Id(2)] public string Output { get; init; } = "";

    /// <summary>Items a worker sends to a device at once (the batch lane forms the device's batches from them). Default 32.</summary>
    [Id(3)] public int BatchSize { get; init; } = 32;

    /// <summary>Items per shard: the unit of leasing, output and checkpoint. Default 256.</summary>
    [Id(4)] public int ShardSize { get; init; } = 256;

    /// <summary>Frames per second sampled from each video file (through FFmpeg). Default 1.</summary>
    [Id(5)] public double VideoFps { get; init; } = 1;

    /// <summary>
    /// A cron expression (UTC; five fields, e.g. <c>0 2 * * *</c> for 02:00 every night, or six with seconds first): the
    /// job becomes a schedule that starts a run <c>{job}-{yyyyMMddTHHmmss}</c> at each occurrence. Null: the job runs once, now.
    /// </summary>
    [Id(6)] public string? Schedule { get; init; }

    /// <summary>
    /// Keep watching the input folder: files that appear later become new shards, and the job runs until cancelled.
    /// Only for a folder or glob input.
    /// </summary>
    [Id(7)] public bool Watch { get; init; }

    /// <summary>Attempts per item for transient failures (an overloaded or failing device) before it counts as failed. Default 3.</summary>
    [Id(8)] public int MaxAttempts { get; init; } = 3;

    /// <summary>
    /// The tenant the job belongs to: its items are inferred for it, and only its keys (and keys without a tenant) see the
    /// job. Set from the submitting key's tenant; a key without a tenant may name one. Null: the job belongs to no tenant.
    /// </summary>
    [Id(9)] public string? Tenant { get; init; }

    /// <summary>
    /// The version of <see cref="Model"/> every item runs through: re-scoring a job's inputs with another version is the
    /// job submitted again with it. Only silos whose devices serve it take the job's shards. Null: the model's rollout's
    /// stable version.
    /// </summary>
    [Id(10)] public string? Version { get; init; }

    /// <summary>
    /// How each shard's results are written: <see cref="JobOutputFormat.Jsonl"/> (<c>part-{shard:D5}.jsonl</c>, the default)
    /// or <see cref="JobOutputFormat.Parquet"/> (<c>part-{shard:D5}.parquet</c>, one table for DuckDB, Spark or pandas).
    /// </summary>
    [Id(11)] public JobOutputFormat Format { get; init; }

    /// <summary>The longest id of a job with a <see cref="Schedule"/>: its runs' ids add 16 characters and may have 100.</summary>
    public const int MaxScheduleIdLength = 84;

    /// <summary>The largest <see cref="BatchSize"/>.</summary>
    public const int MaxBatchSize = 256;

    /// <summary>The largest <see cref="ShardSize"/>: a worker holds a shard's results in memory until it writes them.</summary>
    public const int MaxShardSize = 10_000;

    /// <summary>What is wrong with the spec, one line per problem; empty when it is valid. Storage checks come later.</summary>
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Input)) yield return "input is required (a folder, a glob or a manifest file, or an object store's prefix).";
        else if (StoreLocation.Parse(Input, "input", out var input) is null) yield return input!;
        if (string.IsNullOrWhiteSpace(Model)) yield return "model is required.";
        if (Version is not null && string.IsNullOrWhiteSpace(Version)) yield return "version, when given, names a version of the model (leave it out for the rollout's stable version).";
        if (string.IsNullOrWhiteSpace(Output)) yield return "output is required (a folder, or an object store's prefix).";
        else if (StoreLocation.Parse(Output, "output", out var output) is null) yield return output!;
        if (BatchSize is < 1 or > MaxBatchSize) yield return $"batch_size must be 1 to {MaxBatchSize} (is {BatchSize}).";
        if (ShardSize is < 1 or > MaxShardSize) yield return $"shard_size must be 1 to {MaxShardSize} (is {ShardSize}).";
        if (!(VideoFps > 0 && VideoFps <= 1000)) yield return $"video_fps must be above 0 and at most 1000 (is {VideoFps}).";
        if (MaxAttempts is < 1 or > 20) yield return $"max_attempts must be 1 to 20 (is {MaxAttempts}).";
        if (!Enum.IsDefined(Format)) yield return $"format must be jsonl or parquet (is {(int)Format}).";
        if (Schedule is not null && Watch) yield return "a job either runs on a schedule or watches a folder, not both.";
        if (Tenancy.Problem("tenant", Tenant) is { } tenant) yield return tenant;
    }

    /// <summary>Whether <paramref name="id"/> can name a job: 1 to 100 letters, digits, '.', '_' or '-', not starting with '.'.</summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex IdPattern();
}
