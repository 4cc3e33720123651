using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Argus.Testing;
using DuckDB.NET.Data;
using static Argus.Silo.Tests.Http.DuckDb;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// A pipeline's finals written as a table against a real silo with the real models: once a minute's finals log closes,
/// its part is in the output folder, in Parquet or JSON lines, and DuckDB reads either folder as one table.
/// </summary>
public sealed class PipelineTableTests(SiloFixture fixture) : IClassFixture<SiloFixture>, IDisposable
{
    private static readonly string[] Photos = ["apple.jpg", "baboon.jpg", "fruits.jpg", "HappyFish.jpg"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-pipeline-table-");

    private HttpClient Http => fixture.Http!;

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task A_pipelines_finals_are_written_per_minute_as_parquet_or_json_lines_and_read_in_duckdb_as_one_table()
    {
        var output = Path.Combine(_dir.FullName, "tables");
        foreach (var (id, format) in new[] { ("table-parquet", "\"parquet\""), ("table-jsonl", "\"jsonl\"") })
        {
            var spec = $$$"""
                {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}, "review": {"Porn": 0.4}},
                 "heavy_model": "moderation-heavy", "heavy_rule": {"block": {"Porn": 0.7}}, "heavy_items": "all",
                 "output": "{{{output}}}", "format": {{{format}}}}
                """;
            using var put = await Http.PutAsync($"v1/pipelines/{id}", new StringContent(spec, Encoding.UTF8, "application/json"));
            Assert.True(put.StatusCode == HttpStatusCode.Created, await put.Content.ReadAsStringAsync());
            foreach (var photo in Photos)
            {
                var content = new ByteArrayContent(TestData.Image(photo));
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                using var posted = await Http.PostAsync($"v1/pipelines/{id}/items?item={photo}", content);
                Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
            }
        }

        // A format without an output is refused with the reason.
        using (var refused = await Http.PutAsync("v1/pipelines/table-nowhere", new StringContent("""
            {"fast_model": "moderation-fast", "fast_rule": {"block": {"Porn": 0.9}}, "heavy_model": "moderation-heavy",
             "heavy_rule": {"block": {"Porn": 0.7}}, "format": "parquet"}
            """, Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("format applies to a pipeline with an output only", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        // A minute's part appears once its log closed (30 s after the minute), written whole: wait for every final in both.
        await Eventually.HoldsAsync(() => Task.FromResult(
            Count(Path.Combine(output, "table-parquet"), "*.parquet", db, "read_parquet") == Photos.Length
            && Count(Path.Combine(output, "table-jsonl"), "*.jsonl", db, "read_json") == Photos.Length),
            TimeSpan.FromSeconds(180), "both pipelines' finals in their tables");

        Execute(db, $"CREATE VIEW parquet AS SELECT * FROM read_parquet('{output}/table-parquet/*.parquet', filename = true)");
        Execute(db, $"CREATE VIEW jsonl AS SELECT * FROM read_json('{output}/table-jsonl/*.jsonl', format = 'newline_delimited')");
        Assert.Equal(
        [
            ("event", "VARCHAR"), ("pipeline", "VARCHAR"), ("item", "VARCHAR"), ("state", "VARCHAR"), ("decision", "VARCHAR"), ("model", "VARCHAR"),
            ("version", "VARCHAR"), ("scores", "STRUCT(\"index\" INTEGER, \"label\" VARCHAR, score FLOAT)[]"), ("submitted", "TIMESTAMP WITH TIME ZONE"),
            ("started", "TIMESTAMP WITH TIME ZONE"), ("finished", "TIMESTAMP WITH TIME ZONE"), ("provisional_decision", "VARCHAR"),
            ("provisional_model", "VARCHAR"), ("heavy", "BOOLEAN"), ("backfill", "VARCHAR"), ("error_kind", "VARCHAR"), ("error_message", "VARCHAR"),
            ("image", "VARCHAR"), ("filename", "VARCHAR"),
        ], Rows(db, "DESCRIBE parquet", r => (r.GetString(0), r.GetString(1))));

        // Every item once, final from the heavy tier, with its five scores; the file named by the minute of its event.
        Assert.Equal(Photos.Order(StringComparer.Ordinal), Rows(db, """
            SELECT item FROM parquet
            WHERE state = 'final' AND model = 'moderation-heavy' AND provisional_model = 'moderation-fast' AND heavy AND len(scores) = 5
              AND decision IN ('allow', 'block', 'review') AND started <= finished AND submitted <= started
              AND filename LIKE '%/finals-' || split_part(event, '.', 1) || '.parquet'
            ORDER BY item
            """, r => r.GetString(0)));
        // JSON lines hold the same columns: the same images meet the same decisions, whichever the format.
        Assert.Equal(Photos.Length, (long)Scalar(db, """
            SELECT count(*) FROM parquet p JOIN jsonl j USING (item)
            WHERE p.decision = j.decision AND p.model = j.model AND j.pipeline = 'table-jsonl' AND len(j.scores) = 5
            """)!);
    }

    /// <summary>Rows in the parts of <paramref name="folder"/> so far; 0 while there is none.</summary>
    private static long Count(string folder, string pattern, DuckDBConnection db, string reader) =>
        Directory.Exists(folder) && Directory.GetFiles(folder, pattern).Length > 0
            ? (long)Scalar(db, $"SELECT count(*) FROM {reader}('{folder}/{pattern}')")!
            : 0;
}
