using System.Text;
using System.Text.Json;
using Argus.Testing;

namespace Argus.Cluster.Tests.Jobs;

/// <summary>What a job wrote: the item of every result line, and every line of errors.jsonl.</summary>
internal sealed partial record JobOutputs(IReadOnlyList<string> ResultItems, IReadOnlyList<(string Item, string Reason)> Errors, IReadOnlyList<string> Leftovers)
{
    public static JobOutputs Read(string folder)
    {
        var results = Directory.GetFiles(folder, "part-*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("item").GetString()!)
            .ToList();
        var errorsFile = Path.Combine(folder, "errors.jsonl");
        var errors = File.Exists(errorsFile)
            ? File.ReadLines(errorsFile).Select(l => JsonDocument.Parse(l).RootElement)
                .Select(e => (e.GetProperty("item").GetString()!, e.GetProperty("reason").GetString()!)).ToList()
            : [];
        var leftovers = Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories);
        return new JobOutputs(results, errors, leftovers);
    }

    /// <summary>
    /// What a job wrote under <paramref name="prefix"/> of an object store's <paramref name="container"/>; its leftovers are
    /// the objects that are none of a job's files.
    /// </summary>
    public static async Task<JobOutputs> ReadAsync(ObjectStoreServer store, string container, string prefix)
    {
        var keys = await store.ListAsync(container, prefix + "/");
        var results = new List<string>();
        foreach (var part in keys.Where(k => Path.GetFileName(k).StartsWith("part-", StringComparison.Ordinal)
            && !k.Contains("/.errors/", StringComparison.Ordinal)))
        {
            results.AddRange(Lines(await store.GetAsync(container, part)).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("item").GetString()!));
        }

        var errorsKey = $"{prefix}/errors.jsonl";
        var errors = keys.Contains(errorsKey)
            ? Lines(await store.GetAsync(container, errorsKey)).Select(l => JsonDocument.Parse(l).RootElement)
                .Select(e => (e.GetProperty("item").GetString()!, e.GetProperty("reason").GetString()!)).ToList()
            : [];
        var leftovers = keys.Where(k => !JobFile().IsMatch(k[(prefix.Length + 1)..])).ToList();
        return new JobOutputs(results, errors, leftovers);

        static IEnumerable<string> Lines(byte[] bytes) => Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Asserts every good item has exactly one result, every bad one exactly one error line and no result, and no temporary file is left.</summary>
    public void AssertExactlyOnce(IEnumerable<string> good, IEnumerable<string> bad)
    {
        var duplicates = ResultItems.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(duplicates.Count == 0, $"results written twice: {string.Join(", ", duplicates.Take(5))}");
        Assert.Equal(good.Order(StringComparer.Ordinal), ResultItems.Order(StringComparer.Ordinal));
        Assert.Equal(bad.Order(StringComparer.Ordinal), Errors.Select(e => e.Item).Order(StringComparer.Ordinal));
        Assert.All(Errors, e => Assert.Equal("bad_input", e.Reason));
        Assert.Empty(Leftovers);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^(part-\d{5}\.jsonl|errors\.jsonl|\.plan/shard-\d{5}\.jsonl|\.errors/part-\d{5}\.jsonl)$")]
    private static partial System.Text.RegularExpressions.Regex JobFile();
}
