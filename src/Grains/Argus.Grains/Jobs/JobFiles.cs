using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Argus.Grains.Storage;
using Argus.Inference.Storage;
using Argus.Jobs;
using Argus.Storage;

namespace Argus.Grains.Jobs;

/// <summary>
/// The files of one job under <c>{output}/{job}</c> (a <see cref="JobFolder"/>, local or in an object store): the shard
/// plans (<c>.plan/shard-{n:D5}.jsonl</c>), each shard's results (<c>part-{n:D5}.jsonl</c> or <c>part-{n:D5}.parquet</c>,
/// as the job's <see cref="JobSpec.Format"/> says) and failures (<c>.errors/part-{n:D5}.jsonl</c>, JSON lines whatever the
/// format), and the job's merged <c>errors.jsonl</c>. Every file is written whole or not at all
/// (<see cref="IJobStore.WriteAsync"/>), so a part file that is there says its shard is done.
/// </summary>
internal static class JobFiles
{
    /// <summary>The JSON of plan and output lines: snake_case, no nulls, one object a line.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>The job's output folder: <paramref name="output"/> (a spec's, already valid) joined with the job's id.</summary>
    public static string Folder(string output, string job) => StoreLocation.Parse(output).Child(job).ToString();

    /// <summary>The plan of shard <paramref name="shard"/>: its items, one JSON object a line.</summary>
    public static string Plan(int shard) => $".plan/shard-{shard:D5}.jsonl";

    /// <summary>The results of shard <paramref name="shard"/> in <paramref name="format"/>; its presence means the shard is done.</summary>
    public static string Part(int shard, JobOutputFormat format) => format switch
    {
        JobOutputFormat.Parquet => $"part-{shard:D5}.parquet",
        _ => $"part-{shard:D5}.jsonl",
    };

    /// <summary>The failures of shard <paramref name="shard"/>, written before its part file when it has any.</summary>
    public static string Errors(int shard) => $".errors/part-{shard:D5}.jsonl";

    /// <summary>Every failure of the job, by shard, written when all its shards are.</summary>
    public const string MergedErrors = "errors.jsonl";

    /// <summary>Writes <paramref name="bytes"/> to local file <paramref name="path"/> whole or not at all (<see cref="LocalJobStore.WriteAtomicallyAsync"/>).</summary>
    /// <exception cref="Argus.Errors.BadInputException">The folder leaves the output roots.</exception>
    public static void WriteAtomically(StorageOptions storage, string path, ReadOnlyMemory<byte> bytes) =>
        WriteAtomically(storage, path, stream => stream.Write(bytes.Span));

    /// <summary>Writes <paramref name="lines"/> to local file <paramref name="path"/> whole or not at all (<see cref="LocalJobStore.WriteAtomicallyAsync"/>).</summary>
    /// <exception cref="Argus.Errors.BadInputException">The folder leaves the output roots.</exception>
    public static void WriteAtomically(StorageOptions storage, string path, IEnumerable<string> lines) =>
        WriteAtomically(storage, path, stream => WriteLines(stream, lines));

    /// <summary>Writes what <paramref name="write"/> writes to local file <paramref name="path"/> whole or not at all (<see cref="LocalJobStore.WriteAtomicallyAsync"/>).</summary>
    /// <exception cref="Argus.Errors.BadInputException">The folder leaves the output roots.</exception>
    public static void WriteAtomically(StorageOptions storage, string path, Action<Stream> write) =>
        // Nothing in it awaits: the task is complete when it returns.
        LocalJobStore.WriteAtomicallyAsync(storage, path, (stream, _) =>
        {
            write(stream);
            return Task.CompletedTask;
        }, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Writes <paramref name="lines"/> to file <paramref name="name"/> of <paramref name="folder"/>, whole or not at all.</summary>
    public static Task WriteLinesAsync(JobFolder folder, string name, IEnumerable<string> lines, CancellationToken cancellationToken = default) =>
        folder.WriteAsync(name, (stream, _) =>
        {
            WriteLines(stream, lines);
            return Task.CompletedTask;
        }, cancellationToken);

    /// <summary>Writes a shard's plan.</summary>
    public static Task WritePlanAsync(JobFolder folder, int shard, IEnumerable<JobItem> items, CancellationToken cancellationToken = default) =>
        WriteLinesAsync(folder, Plan(shard), items.Select(i => JsonSerializer.Serialize(i, Json)), cancellationToken);

    /// <summary>Reads a shard's plan.</summary>
    /// <exception cref="InvalidOperationException">It is not there.</exception>
    public static async Task<IReadOnlyList<JobItem>> ReadPlanAsync(JobFolder folder, int shard, CancellationToken cancellationToken = default) =>
        await ReadLinesAsync<JobItem>(folder, Plan(shard), required: true, cancellationToken).ToListAsync(cancellationToken);

    /// <summary>Writes a shard's failures, whole or not at all.</summary>
    public static Task WriteErrorsAsync(JobFolder folder, int shard, IEnumerable<JobFailure> failures, CancellationToken cancellationToken = default) =>
        WriteLinesAsync(folder, Errors(shard), failures.Select(f => JsonSerializer.Serialize(f, Json)), cancellationToken);

    /// <summary>Reads the failures a shard recorded (none when it had none).</summary>
    public static async Task<IReadOnlyList<JobFailure>> ReadErrorsAsync(JobFolder folder, int shard, CancellationToken cancellationToken = default) =>
        await ReadLinesAsync<JobFailure>(folder, Errors(shard), required: false, cancellationToken).ToListAsync(cancellationToken);

    /// <summary>
    /// The format shard <paramref name="shard"/>'s part was written in; null while the shard is not done (a part that is
    /// there says its shard is done). Its readers take the format found here, so a shard is looked for once.
    /// </summary>
    public static async Task<JobOutputFormat?> WrittenFormatAsync(JobFolder folder, int shard, CancellationToken cancellationToken = default)
    {
        foreach (var format in Enum.GetValues<JobOutputFormat>())
        {
            if (await folder.ExistsAsync(Part(shard, format), cancellationToken))
            {
                return format;
            }
        }

        return null;
    }

    /// <summary>Writes a shard's results in <paramref name="format"/>, whole or not at all; their file's presence says the shard is done.</summary>
    public static Task WriteResultsAsync(
        JobFolder folder, int shard, JobOutputFormat format, IEnumerable<JobResult> results, CancellationToken cancellationToken = default) =>
        format switch
        {
            JobOutputFormat.Parquet => folder.WriteAsync(Part(shard, format), (stream, token) => ParquetPart.WriteAsync(stream, results, token), cancellationToken),
            _ => WriteLinesAsync(folder, Part(shard, format), results.Select(r => JsonSerializer.Serialize(r, Json)), cancellationToken),
        };

    /// <summary>Reads a written shard's results back from its part in <paramref name="format"/> (as <see cref="WrittenFormatAsync"/> found it).</summary>
    /// <exception cref="InvalidOperationException">The shard's part in that format is not there.</exception>
    /// <exception cref="InvalidDataException">Its Parquet part is not a Parquet file of job results.</exception>
    public static async IAsyncEnumerable<JobResult> ReadResultsAsync(
        JobFolder folder, int shard, JobOutputFormat format, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (format == JobOutputFormat.Parquet)
        {
            foreach (var result in await ReadParquetAsync(folder, shard, ParquetPart.ReadAsync, cancellationToken))
            {
                yield return result;
            }

            yield break;
        }

        await foreach (var result in ReadLinesAsync<JobResult>(folder, Part(shard, JobOutputFormat.Jsonl), required: true, cancellationToken))
        {
            yield return result;
        }
    }

    /// <summary>Counts the results of a written shard from its part in <paramref name="format"/> (a Parquet part's footer alone).</summary>
    /// <exception cref="InvalidOperationException">The shard's part in that format is not there.</exception>
    /// <exception cref="InvalidDataException">Its Parquet part is not a Parquet file.</exception>
    public static async Task<int> CountResultsAsync(JobFolder folder, int shard, JobOutputFormat format, CancellationToken cancellationToken = default) =>
        format == JobOutputFormat.Parquet
            ? await ReadParquetAsync(folder, shard, ParquetPart.CountAsync, cancellationToken)
            : await ReadResultsAsync(folder, shard, format, cancellationToken).CountAsync(cancellationToken);

    /// <summary>Writes <c>errors.jsonl</c>: every shard's failures, in shard order.</summary>
    public static async Task MergeErrorsAsync(JobFolder folder, int shards, CancellationToken cancellationToken = default)
    {
        var failures = new List<JobFailure>();
        for (var shard = 0; shard < shards; shard++)
        {
            failures.AddRange(await ReadErrorsAsync(folder, shard, cancellationToken));
        }

        await WriteLinesAsync(folder, MergedErrors, failures.Select(f => JsonSerializer.Serialize(f, Json)), cancellationToken);
    }

    private static void WriteLines(Stream stream, IEnumerable<string> lines)
    {
        using var writer = new StreamWriter(stream, Utf8, bufferSize: -1, leaveOpen: true);
        foreach (var line in lines)
        {
            writer.Write(line);
            writer.Write('\n');
        }
    }

    private static async Task<T> ReadParquetAsync<T>(JobFolder folder, int shard, Func<Stream, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        var name = Part(shard, JobOutputFormat.Parquet);
        await using var stream = await folder.OpenReadAsync(name, cancellationToken)
            ?? throw new InvalidOperationException($"'{name}' is missing from '{folder.Location}'.");
        return await read(stream, cancellationToken);
    }

    private static async IAsyncEnumerable<T> ReadLinesAsync<T>(
        JobFolder folder, string name, bool required, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = await folder.OpenReadAsync(name, cancellationToken);
        if (stream is null)
        {
            if (required)
            {
                throw new InvalidOperationException($"'{name}' is missing from '{folder.Location}'.");
            }

            yield break;
        }

        using var reader = new StreamReader(stream, Utf8);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
            {
                yield return JsonSerializer.Deserialize<T>(line, Json)!;
            }
        }
    }
}

/// <summary>One line of <c>errors.jsonl</c>: an item that has no result, and why.</summary>
/// <param name="Item">The item's id.</param>
/// <param name="Shard">Its shard.</param>
/// <param name="Reason">A short code: <c>bad_input</c>, <c>unreadable</c>, <c>overloaded</c>, <c>model_error</c>, …</param>
/// <param name="Message">What went wrong, in words.</param>
/// <param name="Attempts">How many times it was tried.</param>
internal sealed record JobFailure(string Item, int Shard, string Reason, string Message, int Attempts);
