using System.Text.Json.Serialization;
using Argus.Devices;
using Parquet;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;

namespace Argus.Grains.Jobs;

/// <summary>
/// The bytes of a Parquet part: one row per <see cref="JobResult"/>, one row group, columns <c>item</c>, <c>model</c>,
/// <c>version</c>, <c>shard</c>, <c>started</c> (a UTC timestamp in microseconds), <c>latency_ms</c>, <c>queue_ms</c>,
/// <c>compute_ms</c>, <c>batch_size</c> and the answer as <c>embedding</c> (list of float), <c>classes</c> (list of
/// struct index, label, score) and <c>detections</c> (list of struct score, x, y, width, height, polygon (list of struct
/// x, y)), the two the model's task does not give null. Every part of every job has this schema, so an engine reads a
/// job's folder, or several jobs', as one table.
/// </summary>
internal static class ParquetPart
{
    /// <summary>Writes <paramref name="results"/> as a Parquet file to <paramref name="destination"/>.</summary>
    public static Task WriteAsync(Stream destination, IEnumerable<JobResult> results, CancellationToken cancellationToken) =>
        WriteRowsAsync(destination, results.Select(Row.Of), cancellationToken);

    /// <summary>
    /// Writes <paramref name="source"/> as a Parquet file of one row group to <paramref name="destination"/>, the columns
    /// as Parquet.Net maps <typeparamref name="TRow"/> (named by their <see cref="JsonPropertyNameAttribute"/>): a job's
    /// part, or a pipeline's finals (<see cref="Pipelines.FinalsTable"/>).
    /// </summary>
    public static async Task WriteRowsAsync<TRow>(Stream destination, IEnumerable<TRow> source, CancellationToken cancellationToken)
    {
        // Parquet.Net walks the rows once per column, and seeks while it writes where a part's stream may be an upload
        // that cannot: the rows and the file in memory first.
        List<TRow> rows = [.. source];
        using var file = new MemoryStream();
        await ParquetSerializer.SerializeAsync(rows, file, cancellationToken: cancellationToken);
        file.Position = 0;
        await file.CopyToAsync(destination, cancellationToken);
    }

    /// <summary>Reads the results of a Parquet part.</summary>
    /// <exception cref="InvalidDataException">It is not a Parquet file of job results.</exception>
    public static Task<IReadOnlyList<JobResult>> ReadAsync(Stream source, CancellationToken cancellationToken) =>
        ParseAsync<IReadOnlyList<JobResult>>(source, async file =>
            [.. (await ParquetSerializer.DeserializeAsync<Row>(file, cancellationToken: cancellationToken)).Data.Select(r => r.ToResult())], cancellationToken);

    /// <summary>Counts the rows of a Parquet part from its footer, without reading them.</summary>
    /// <exception cref="InvalidDataException">It is not a Parquet file.</exception>
    public static Task<int> CountAsync(Stream source, CancellationToken cancellationToken) =>
        ParseAsync(source, async file =>
        {
            await using var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken);
            return checked((int)reader.Metadata!.NumRows);
        }, cancellationToken);

    /// <summary>
    /// A part is read from the output folder, where a damaged disk or a hand can leave other bytes under its name;
    /// Parquet.Net fails on such bytes with exceptions of many types, which become the one a reader of a part expects. (A
    /// byte damaged inside a whole part can also make Parquet.Net 6.1.0 spin: see <c>ParquetPartFuzzTests</c>.) Parquet
    /// is read from its footer back, so a stream that cannot seek (an object store's download) is read into memory first.
    /// </summary>
    private static async Task<T> ParseAsync<T>(Stream source, Func<Stream, Task<T>> read, CancellationToken cancellationToken)
    {
        var file = source;
        if (!source.CanSeek)
        {
            file = new MemoryStream();
            await source.CopyToAsync(file, cancellationToken);
            file.Position = 0;
        }

        try
        {
            return await read(file);
        }
        catch (Exception e) when (e is not (InvalidDataException or OutOfMemoryException or OperationCanceledException))
        {
            throw new InvalidDataException($"Not a Parquet part of job results: {e.Message}", e);
        }
        finally
        {
            if (file != source)
            {
                await file.DisposeAsync();
            }
        }
    }

    /// <summary>A row as Parquet.Net maps it: the column names are the JSON lines' names.</summary>
    private sealed class Row
    {
        [JsonPropertyName("item"), ParquetRequired] public string Item { get; set; } = "";

        [JsonPropertyName("model"), ParquetRequired] public string Model { get; set; } = "";

        [JsonPropertyName("version"), ParquetRequired] public string Version { get; set; } = "";

        [JsonPropertyName("shard")] public int Shard { get; set; }

        // A logical timestamp adjusted to UTC: engines read it as a point in time (DuckDB: TIMESTAMP WITH TIME ZONE).
        [JsonPropertyName("started"), ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
        public DateTime Started { get; set; }

        [JsonPropertyName("latency_ms")] public double LatencyMs { get; set; }

        [JsonPropertyName("queue_ms")] public double QueueMs { get; set; }

        [JsonPropertyName("compute_ms")] public double ComputeMs { get; set; }

        [JsonPropertyName("batch_size")] public int BatchSize { get; set; }

        [JsonPropertyName("embedding"), ParquetListElementRequired] public float[]? Embedding { get; set; }

        [JsonPropertyName("classes")] public List<ClassRow>? Classes { get; set; }

        [JsonPropertyName("detections")] public List<DetectionRow>? Detections { get; set; }

        public static Row Of(JobResult r) => new()
        {
            Item = r.Item, Model = r.Model, Version = r.Version, Shard = r.Shard, Started = r.Started,
            LatencyMs = r.LatencyMs, QueueMs = r.QueueMs, ComputeMs = r.ComputeMs, BatchSize = r.BatchSize,
            Embedding = r.Result.Embedding,
            Classes = r.Result.Classes?.Select(ClassRow.Of).ToList(),
            Detections = r.Result.Detections?.Select(DetectionRow.Of).ToList(),
        };

        public JobResult ToResult() => new(
            Item, Model, Version, Shard, Started, LatencyMs, QueueMs, ComputeMs, BatchSize,
            new JobResultBody(Embedding, Classes?.Select(c => new ClassScore(c.Index, c.Label, c.Score)).ToList(), Detections?.Select(d => d.ToDetection()).ToList()));
    }

    /// <summary>A class score as a struct of a list column (<c>classes</c> of a job's part, <c>scores</c> of a pipeline's finals).</summary>
    internal sealed class ClassRow
    {
        [JsonPropertyName("index")] public int Index { get; set; }

        [JsonPropertyName("label"), ParquetRequired] public string Label { get; set; } = "";

        [JsonPropertyName("score")] public float Score { get; set; }

        public static ClassRow Of(ClassScore c) => new() { Index = c.Index, Label = c.Label, Score = c.Score };
    }

    private sealed class DetectionRow
    {
        [JsonPropertyName("score")] public float Score { get; set; }

        [JsonPropertyName("x")] public float X { get; set; }

        [JsonPropertyName("y")] public float Y { get; set; }

        [JsonPropertyName("width")] public float Width { get; set; }

        [JsonPropertyName("height")] public float Height { get; set; }

        [JsonPropertyName("polygon")] public List<PointRow> Polygon { get; set; } = [];

        public static DetectionRow Of(Detection d) => new()
        {
            Score = d.Score, X = d.X, Y = d.Y, Width = d.Width, Height = d.Height,
            Polygon = [.. d.Polygon.Select(p => new PointRow { X = p.X, Y = p.Y })],
        };

        public Detection ToDetection() => new(Score, X, Y, Width, Height, [.. Polygon.Select(p => new ImagePoint(p.X, p.Y))]);
    }

    private sealed class PointRow
    {
        [JsonPropertyName("x")] public float X { get; set; }

        [JsonPropertyName("y")] public float Y { get; set; }
    }
}
