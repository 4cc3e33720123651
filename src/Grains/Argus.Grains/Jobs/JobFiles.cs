using System.Text;
using System.Text.Json;
using Argus.Inference.Storage;
using Argus.Jobs;

namespace Argus.Grains.Jobs;

/// <summary>
/// The files of one job under <c>{output}/{job}</c>: the shard plans (<c>.plan/shard-{n:D5}.jsonl</c>), each shard's
/// results (<c>part-{n:D5}.jsonl</c> or <c>part-{n:D5}.parquet</c>, as the job's <see cref="JobSpec.Format"/> says) and
/// failures (<c>.errors/part-{n:D5}.jsonl</c>, JSON lines whatever the format), and the job's merged <c>errors.jsonl</c>.
/// Every file is written to a temporary name and renamed, so it is there whole or not at all, in its folder as resolved
/// inside the output roots at that moment (<see cref="JobStorage.Output"/>).
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

    /// <summary>The job's output folder.</summary>
    public static string Folder(string output, string job) => Path.Combine(output, job);

    /// <summary>The plan of shard <paramref name="shard"/>: its items, one JSON object a line.</summary>
    public static string Plan(string folder, int shard) => Path.Combine(folder, ".plan", $"shard-{shard:D5}.jsonl");

    /// <summary>The results of shard <paramref name="shard"/> in <paramref name="format"/>; its presence means the shard is done.</summary>
    public static string Part(string folder, int shard, JobOutputFormat format) => Path.Combine(folder, format switch
    {
        JobOutputFormat.Parquet => $"part-{shard:D5}.parquet",
        _ => $"part-{shard:D5}.jsonl",
    });

    /// <summary>
    /// The format shard <paramref name="shard"/>'s part was written in; null while the shard is not done. A job's format
    /// is fixed, so readers of its parts need not know it.
    /// </summary>
    public static JobOutputFormat? WrittenFormat(string folder, int shard) =>
        Enum.GetValues<JobOutputFormat>().Cast<JobOutputFormat?>().FirstOrDefault(f => File.Exists(Part(folder, shard, f!.Value)));

    /// <summary>The failures of shard <paramref name="shard"/>, written before its part file when it has any.</summary>
    public static string Errors(string folder, int shard) => Path.Combine(folder, ".errors", $"part-{shard:D5}.jsonl");

    /// <summary>Every failure of the job, by shard, written when all its shards are.</summary>
    public static string MergedErrors(string folder) => Path.Combine(folder, "errors.jsonl");

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> whole or not at all (<see cref="WriteAtomically(StorageOptions, string, Action{Stream})"/>).</summary>
    /// <exception cref="Argus.Errors.BadInputException">The folder leaves the output roots.</exception>
    public static void WriteAtomically(StorageOptions storage, string path, ReadOnlyMemory<byte> bytes) =>
        WriteAtomically(storage, path, stream => stream.Write(bytes.Span));

    /// <summary>Writes <paramref name="lines"/> to <paramref name="path"/> whole or not at all (<see cref="WriteAtomically(StorageOptions, string, Action{Stream})"/>).</summary>
    /// <exception cref="Argus.Errors.BadInputException">The folder leaves the output roots.</exception>
    public static void WriteAtomically(StorageOptions storage, string path, IEnumerable<string> lines) =>
        WriteAtomically(storage, path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, bufferSize: -1, leaveOpen: true);
            foreach (var line in lines)
            {
                writer.Write(line);
                writer.Write('\n');
            }
        });

    /// <summary>
    /// Writes what <paramref name="write"/> writes to <paramref name="path"/> whole or not at all: a temporary file, flushed
    /// to disk, then renamed; in the real folder of <paramref name="path"/>, which must lie inside <paramref name="storage"/>'s
    /// output roots and is opened without following links, so one swapped in after the check cannot lead the write out.
    /// </summary>
    /// <exception cref="Argus.Errors.BadInputException">The folder leaves the output roots.</exception>
    public static void WriteAtomically(StorageOptions storage, string path, Action<Stream> write)
    {
        var name = Path.GetFileName(path);
        var temp = $".{name}.{Guid.NewGuid():N}.tmp";
        using var folder = JobStorage.OpenOutput(Path.GetDirectoryName(path)!, storage);
        try
        {
            using (var stream = folder.Create(temp))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            folder.Replace(temp, name);
        }
        catch
        {
            folder.Delete(temp);
            throw;
        }
    }

    /// <summary>Writes a shard's plan.</summary>
    public static void WritePlan(StorageOptions storage, string folder, int shard, IEnumerable<JobItem> items) =>
        WriteAtomically(storage, Plan(folder, shard), items.Select(i => JsonSerializer.Serialize(i, Json)));

    /// <summary>Reads a shard's plan.</summary>
    public static IReadOnlyList<JobItem> ReadPlan(string folder, int shard) =>
        [.. File.ReadLines(Plan(folder, shard)).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<JobItem>(l, Json)!)];

    /// <summary>Reads the failures a shard recorded (none when it had none).</summary>
    public static IReadOnlyList<JobFailure> ReadErrors(string folder, int shard)
    {
        var path = Errors(folder, shard);
        return File.Exists(path)
            ? [.. File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<JobFailure>(l, Json)!)]
            : [];
    }

    /// <summary>
    /// Writes a shard's results in <paramref name="format"/>, whole or not at all; their file's presence says the shard is
    /// done.
    /// </summary>
    public static void WriteResults(StorageOptions storage, string folder, int shard, JobOutputFormat format, IEnumerable<JobResult> results)
    {
        var path = Part(folder, shard, format);
        switch (format)
        {
            case JobOutputFormat.Parquet:
                WriteAtomically(storage, path, stream => ParquetPart.Write(stream, results));
                break;
            default:
                WriteAtomically(storage, path, results.Select(r => JsonSerializer.Serialize(r, Json)));
                break;
        }
    }

    /// <summary>Reads a written shard's results back, from its part in either format.</summary>
    /// <exception cref="FileNotFoundException">The shard is not written.</exception>
    /// <exception cref="InvalidDataException">Its Parquet part is not a Parquet file of job results.</exception>
    public static IEnumerable<JobResult> ReadResults(string folder, int shard) => ReadPart(
        folder, shard, ParquetPart.Read, lines => lines.Select(l => JsonSerializer.Deserialize<JobResult>(l, Json)!));

    /// <summary>Counts the results of a written shard, from its part in either format.</summary>
    /// <exception cref="FileNotFoundException">The shard is not written.</exception>
    /// <exception cref="InvalidDataException">Its Parquet part is not a Parquet file.</exception>
    public static int CountResults(string folder, int shard) => ReadPart(folder, shard, ParquetPart.Count, lines => lines.Count());

    /// <summary>Reads shard <paramref name="shard"/>'s part: a Parquet file whole, JSON lines one at a time, blank ones skipped.</summary>
    private static T ReadPart<T>(string folder, int shard, Func<Stream, T> parquet, Func<IEnumerable<string>, T> jsonl)
    {
        switch (WrittenFormat(folder, shard))
        {
            case JobOutputFormat.Parquet:
                using (var file = File.OpenRead(Part(folder, shard, JobOutputFormat.Parquet)))
                {
                    return parquet(file);
                }

            case JobOutputFormat.Jsonl:
                return jsonl(File.ReadLines(Part(folder, shard, JobOutputFormat.Jsonl)).Where(l => l.Length > 0));
            default:
                throw new FileNotFoundException($"Shard {shard} of the job in '{folder}' is not written.", Part(folder, shard, JobOutputFormat.Jsonl));
        }
    }

    /// <summary>Writes <c>errors.jsonl</c>: every shard's failures, in shard order.</summary>
    public static void MergeErrors(StorageOptions storage, string folder, int shards) =>
        WriteAtomically(storage, MergedErrors(folder), Enumerable.Range(0, shards)
            .Select(s => Errors(folder, s)).Where(File.Exists).SelectMany(File.ReadLines).Where(l => l.Length > 0));
}

/// <summary>One line of <c>errors.jsonl</c>: an item that has no result, and why.</summary>
/// <param name="Item">The item's id.</param>
/// <param name="Shard">Its shard.</param>
/// <param name="Reason">A short code: <c>bad_input</c>, <c>unreadable</c>, <c>overloaded</c>, <c>model_error</c>, …</param>
/// <param name="Message">What went wrong, in words.</param>
/// <param name="Attempts">How many times it was tried.</param>
internal sealed record JobFailure(string Item, int Shard, string Reason, string Message, int Attempts);
