using System.Text.Json.Serialization;
using Parquet.Serialization;

namespace Argus.Bench.Tests;

public sealed class OutputCheckTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("argus-bench-output-check-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void Each_expected_item_once_and_nothing_else_is_exactly_once()
    {
        var check = OutputCheck.Of(["a", "b", "c"], ["c", "b", "a"], errorLines: 0, parts: 2);

        Assert.True(check.ExactlyOnce);
        Assert.Equal(new OutputCheck(3, 3, 0, 0, 0, 2), check);
    }

    [Theory]
    [InlineData(new[] { "a", "b", "b", "c" }, 4, 3, 0, 0)] // a duplicate
    [InlineData(new[] { "a", "b" }, 2, 2, 1, 0)] // one missing
    [InlineData(new[] { "a", "b", "c", "d" }, 4, 4, 0, 1)] // one not asked for
    public void A_duplicate_a_missing_or_an_unexpected_item_is_not_exactly_once(string[] items, long results, long distinct, long missing, long unexpected)
    {
        var check = OutputCheck.Of(items, ["a", "b", "c"], errorLines: 0, parts: 1);

        Assert.False(check.ExactlyOnce);
        Assert.Equal((results, distinct, missing, unexpected), (check.Results, check.Distinct, check.Missing, check.Unexpected));
    }

    [Fact]
    public async Task A_folder_is_read_from_its_parquet_and_json_lines_parts_and_its_errors_and_nothing_else()
    {
        await WriteParquetAsync("part-00000.parquet", "/img/a.jpg", "/img/b.jpg");
        await WriteParquetAsync("part-00001.parquet", "/img/c.jpg");
        await File.WriteAllTextAsync(Path.Combine(_folder.FullName, "part-00002.jsonl"), """{"item":"/img/d.jpg","embedding":[1]}""" + "\n");
        await File.WriteAllTextAsync(Path.Combine(_folder.FullName, "errors.jsonl"), """{"item":"/img/bad.jpg","reason":"bad_input"}""" + "\n");
        await WriteParquetAsync("part-00003.parquet.tmp", "/img/a.jpg"); // an unfinished part is no output

        var check = await OutputCheck.ReadFolderAsync(_folder.FullName, ["/img/a.jpg", "/img/b.jpg", "/img/c.jpg", "/img/d.jpg"], CancellationToken.None);

        Assert.Equal(new OutputCheck(4, 4, 0, 0, 1, 3), check);
        Assert.True(check.ExactlyOnce);
    }

    [Fact]
    public async Task Parquet_items_are_read_from_the_item_column_of_every_row_group()
    {
        using var file = new MemoryStream();
        await ParquetSerializer.SerializeAsync(Rows("x", "y"), file);
        await ParquetSerializer.SerializeAsync(Rows("z"), file, new Parquet.ParquetOptions { Append = true });
        file.Position = 0;

        Assert.Equal(["x", "y", "z"], await OutputCheck.ParquetItemsAsync(file, CancellationToken.None));
    }

    private async Task WriteParquetAsync(string name, params string[] items)
    {
        await using var file = File.Create(Path.Combine(_folder.FullName, name));
        await ParquetSerializer.SerializeAsync(Rows(items), file);
    }

    private static List<Row> Rows(params string[] items) => [.. items.Select((item, i) => new Row { Item = item, Shard = i, Embedding = [i, 1] })];

    /// <summary>A part's row as a job writes it, with fewer columns: the check reads only <c>item</c>.</summary>
    private sealed class Row
    {
        [JsonPropertyName("item")] public string Item { get; set; } = "";

        [JsonPropertyName("shard")] public int Shard { get; set; }

        [JsonPropertyName("embedding")] public float[]? Embedding { get; set; }
    }
}
