using System.Text;
using System.Text.Json;
using Argus.Testing;
using Parquet;

namespace Argus.Bench;

/// <summary>
/// What a job wrote, against the items it was given: its results (JSON lines or Parquet rows), each naming its item,
/// and its error lines.
/// </summary>
/// <param name="Results">Result lines or rows.</param>
/// <param name="Distinct">Distinct items among them.</param>
/// <param name="Missing">Expected items without a result.</param>
/// <param name="Unexpected">Items with a result that were not expected.</param>
/// <param name="ErrorLines">Lines of <c>errors.jsonl</c>.</param>
/// <param name="Parts">Part files read.</param>
internal sealed record OutputCheck(long Results, long Distinct, long Missing, long Unexpected, long ErrorLines, int Parts)
{
    /// <summary>The column (and JSON property) of a result that names its item.</summary>
    private const string ItemField = "item";

    private const string ErrorsFile = "errors.jsonl";

    /// <summary>Every expected item has exactly one result, and nothing else has one.</summary>
    public bool ExactlyOnce => Results == Distinct && Missing == 0 && Unexpected == 0;

    /// <summary>The check of <paramref name="items"/> (one per result) against <paramref name="expected"/>.</summary>
    public static OutputCheck Of(IEnumerable<string> items, IReadOnlyCollection<string> expected, long errorLines, int parts)
    {
        var wanted = expected.ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long results = 0;
        foreach (var item in items)
        {
            results++;
            seen.Add(item);
        }

        return new OutputCheck(results, seen.Count, wanted.Count(w => !seen.Contains(w)), seen.Count(s => !wanted.Contains(s)), errorLines, parts);
    }

    /// <summary>What a job wrote to a local folder: its <c>part-*.jsonl</c> and <c>part-*.parquet</c> files and its errors.</summary>
    public static async Task<OutputCheck> ReadFolderAsync(string folder, IReadOnlyCollection<string> expected, CancellationToken cancellationToken)
    {
        List<string> items = [];
        string[] parts = [.. Directory.GetFiles(folder, "part-*.jsonl"), .. Directory.GetFiles(folder, "part-*.parquet")];
        foreach (var part in parts)
        {
            items.AddRange(await PartItemsAsync(Path.GetFileName(part), File.OpenRead(part), cancellationToken));
        }

        var errors = Path.Combine(folder, ErrorsFile);
        var errorLines = File.Exists(errors) ? File.ReadLines(errors).LongCount(l => l.Length > 0) : 0;
        return Of(items, expected, errorLines, parts.Length);
    }

    /// <summary>What a job wrote under <paramref name="prefix"/> of <paramref name="container"/> in an object store.</summary>
    public static async Task<OutputCheck> ReadStoreAsync(
        ObjectStoreServer store, string container, string prefix, IReadOnlyCollection<string> expected, CancellationToken cancellationToken)
    {
        List<string> items = [];
        var keys = await store.ListAsync(container, prefix + "/");
        var parts = keys.Where(k => k.LastIndexOf('/') == prefix.Length && Path.GetFileName(k).StartsWith("part-", StringComparison.Ordinal)).ToList();
        foreach (var part in parts)
        {
            items.AddRange(await PartItemsAsync(part, new MemoryStream(await store.GetAsync(container, part)), cancellationToken));
        }

        var errorsKey = $"{prefix}/{ErrorsFile}";
        var errorLines = keys.Contains(errorsKey)
            ? Encoding.UTF8.GetString(await store.GetAsync(container, errorsKey)).Split('\n').LongCount(l => l.Length > 0)
            : 0;
        return Of(items, expected, errorLines, parts.Count);
    }

    /// <summary>The item of every row of a Parquet part, read from its <c>item</c> column alone.</summary>
    public static async Task<IReadOnlyList<string>> ParquetItemsAsync(Stream file, CancellationToken cancellationToken)
    {
        await using var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken);
        var field = reader.Schema.FindDataField(ItemField);
        List<string> items = [];
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var values = new string?[group.RowCount];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            items.AddRange(values.Select(v => v ?? ""));
        }

        return items;
    }

    private static async Task<IReadOnlyList<string>> PartItemsAsync(string name, Stream part, CancellationToken cancellationToken)
    {
        await using (part)
        {
            if (name.EndsWith(".parquet", StringComparison.Ordinal))
            {
                return await ParquetItemsAsync(part, cancellationToken);
            }

            using var text = new StreamReader(part, Encoding.UTF8);
            List<string> items = [];
            while (await text.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length > 0)
                {
                    using var json = JsonDocument.Parse(line);
                    items.Add(json.RootElement.GetProperty(ItemField).GetString() ?? "");
                }
            }

            return items;
        }
    }

    public override string ToString() =>
        $"{Results} results in {Parts} parts, {Distinct} distinct items, {Missing} missing, {Unexpected} unexpected, {ErrorLines} error lines";
}
