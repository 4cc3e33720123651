using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Grains.Jobs;
using Argus.Grains.Storage;
using Argus.Jobs;
using Argus.Pipelines;
using Parquet.Serialization.Attributes;

namespace Argus.Grains.Pipelines;

/// <summary>
/// A pipeline's finals as a table (<see cref="PipelineSpec.Output"/>): each minute's finals log, once closed, becomes one
/// part <c>{output}/{pipeline}/finals-{yyyyMMddHHmm}.jsonl</c> or <c>.parquet</c> (<see cref="PipelineSpec.Format"/>),
/// written whole or not at all as a job's part is (<see cref="ParquetPart.WriteRowsAsync"/> for Parquet), one row per
/// entry of the log in its order. Both formats have the same columns: <c>event</c> (the finals event id,
/// <c>{yyyyMMddHHmm}.{offset}</c>), <c>pipeline</c>, <c>item</c>, <c>state</c> (final or failed), <c>decision</c>,
/// <c>model</c>, <c>version</c>, <c>scores</c> (list of struct index, label, score), <c>submitted</c>, <c>started</c>,
/// <c>finished</c> (UTC timestamps), <c>provisional_decision</c>, <c>provisional_model</c>, <c>heavy</c>, <c>backfill</c>
/// (the backfill that re-scored it), <c>error_kind</c>, <c>error_message</c> and <c>image</c>; so an engine reads a
/// pipeline's folder as one table. A minute with no finals has no part.
/// </summary>
internal static class FinalsTable
{
    /// <summary>The folder of pipeline <paramref name="pipeline"/>'s parts under <paramref name="output"/>.</summary>
    public static string Folder(string output, string pipeline) => JobFiles.Folder(output, pipeline);

    /// <summary>The part of minute <paramref name="minute"/>'s finals in <paramref name="format"/>.</summary>
    public static string Part(DateTime minute, JobOutputFormat format) =>
        $"finals-{PipelineMinutes.Stamp(minute)}.{(format == JobOutputFormat.Parquet ? "parquet" : "jsonl")}";

    /// <summary>Writes minute <paramref name="minute"/>'s finals <paramref name="items"/>, in log order, whole or not at all.</summary>
    public static Task WriteAsync(JobFolder folder, DateTime minute, JobOutputFormat format, IReadOnlyList<PipelineItem> items, CancellationToken cancellationToken)
    {
        var rows = items.Select((item, offset) => Row.Of(new FinalsCursor(minute, offset), item));
        return format == JobOutputFormat.Parquet
            ? folder.WriteAsync(Part(minute, format), (stream, token) => ParquetPart.WriteRowsAsync(stream, rows, token), cancellationToken)
            : JobFiles.WriteLinesAsync(folder, Part(minute, format), rows.Select(r => JsonSerializer.Serialize(r, JobFiles.Json)), cancellationToken);
    }

    /// <summary>A row, for Parquet.Net and JSON alike: the column names are the JSON names.</summary>
    internal sealed class Row
    {
        [JsonPropertyName("event"), ParquetRequired] public string Event { get; set; } = "";

        [JsonPropertyName("pipeline"), ParquetRequired] public string Pipeline { get; set; } = "";

        [JsonPropertyName("item"), ParquetRequired] public string Item { get; set; } = "";

        [JsonPropertyName("state"), ParquetRequired] public string State { get; set; } = "";

        [JsonPropertyName("decision")] public string? Decision { get; set; }

        [JsonPropertyName("model")] public string? Model { get; set; }

        [JsonPropertyName("version")] public string? Version { get; set; }

        [JsonPropertyName("scores")] public List<ParquetPart.ClassRow>? Scores { get; set; }

        [JsonPropertyName("submitted"), ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
        public DateTime Submitted { get; set; }

        [JsonPropertyName("started"), ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
        public DateTime? Started { get; set; }

        [JsonPropertyName("finished"), ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
        public DateTime? Finished { get; set; }

        [JsonPropertyName("provisional_decision")] public string? ProvisionalDecision { get; set; }

        [JsonPropertyName("provisional_model")] public string? ProvisionalModel { get; set; }

        [JsonPropertyName("heavy")] public bool Heavy { get; set; }

        [JsonPropertyName("backfill")] public string? Backfill { get; set; }

        [JsonPropertyName("error_kind")] public string? ErrorKind { get; set; }

        [JsonPropertyName("error_message")] public string? ErrorMessage { get; set; }

        [JsonPropertyName("image")] public string? Image { get; set; }

        public static Row Of(FinalsCursor at, PipelineItem item) => new()
        {
            Event = at.ToString(), Pipeline = item.Pipeline, Item = item.Id, State = Name(item.State),
            Decision = item.Final is { } f ? Name(f.Decision) : null, Model = item.Final?.Model, Version = item.Final?.Version,
            Scores = item.Final?.Scores.Select(ParquetPart.ClassRow.Of).ToList(),
            Submitted = item.SubmittedAt, Started = item.Final?.StartedAt, Finished = item.Final?.FinishedAt,
            ProvisionalDecision = item.Provisional is { } p ? Name(p.Decision) : null, ProvisionalModel = item.Provisional?.Model,
            Heavy = item.Heavy, Backfill = item.Final?.Backfill,
            ErrorKind = item.Error is { } e ? Name(e.Kind) : null, ErrorMessage = item.Error?.Message, Image = item.Image,
        };

        /// <summary>An enum value as the API writes it (snake_case).</summary>
        private static string Name<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
    }
}
