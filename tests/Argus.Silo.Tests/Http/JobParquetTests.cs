using System.Net;
using System.Text;
using System.Text.Json;
using Argus.Testing;
using DuckDB.NET.Data;
using static Argus.Silo.Tests.Http.DuckDb;

namespace Argus.Silo.Tests.Http;

/// <summary>
/// Jobs written as Parquet against a real silo with the real models, read as a data team reads them: DuckDB over the
/// jobs' folders.
/// </summary>
public sealed class JobParquetTests(SiloFixture fixture) : IClassFixture<SiloFixture>, IDisposable
{
    // In the order of their names, as DuckDB sorts them.
    private static readonly string[] Jobs = ["embeddings", "moderation", "text"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-jobs-parquet-");

    private HttpClient Http => fixture.Http!;

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Finished_jobs_folders_read_in_duckdb_as_one_table_with_every_result_and_join_their_input_list()
    {
        // The input list is a manifest the jobs read and DuckDB joins; one of its files is no image, and fails.
        var images = ImageWarehouse.Create(Path.Combine(_dir.FullName, "photos"), 12);
        var broken = Path.Combine(_dir.FullName, "photos", "broken.jpg");
        await File.WriteAllTextAsync(broken, "not an image");
        var manifest = Path.Combine(_dir.FullName, "inputs.txt");
        await File.WriteAllLinesAsync(manifest, [.. images, broken]);
        var output = Path.Combine(_dir.FullName, "out");
        var submitted = DateTime.UtcNow;
        foreach (var (id, model) in Jobs.Zip(["resnet18", "moderation-fast", "text-detection"]))
        {
            var spec = JsonSerializer.Serialize(new { id, input = manifest, model, output, shard_size = 5, format = "parquet" });
            using var response = await Http.PostAsync("v1/jobs", new StringContent(spec, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        foreach (var id in Jobs)
        {
            var done = await FinishedAsync(id);
            Assert.Equal(("completed", 12L, 1L), (done.GetProperty("state").GetString(), done.GetProperty("items_succeeded").GetInt64(), done.GetProperty("items_failed").GetInt64()));
            Assert.Equal("parquet", done.GetProperty("spec").GetProperty("format").GetString());
            Assert.Equal(["errors.jsonl", "part-00000.parquet", "part-00001.parquet", "part-00002.parquet"],
                Directory.GetFiles(Path.Combine(output, id)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            // Failures stay in JSON lines beside the table.
            Assert.Equal(broken, JsonDocument.Parse(File.ReadAllLines(Path.Combine(output, id, "errors.jsonl")).Single()).RootElement.GetProperty("item").GetString());
        }

        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        Execute(db, $"CREATE VIEW results AS SELECT * FROM read_parquet('{output}/*/*.parquet', filename = true)");
        Execute(db, $"CREATE VIEW inputs AS SELECT * FROM read_csv('{manifest}', header = false, columns = {{'path': 'VARCHAR'}})");

        Assert.Equal(
        [
            ("item", "VARCHAR"), ("model", "VARCHAR"), ("version", "VARCHAR"), ("shard", "INTEGER"), ("started", "TIMESTAMP WITH TIME ZONE"),
            ("latency_ms", "DOUBLE"), ("queue_ms", "DOUBLE"), ("compute_ms", "DOUBLE"), ("batch_size", "INTEGER"), ("embedding", "FLOAT[]"),
            ("classes", "STRUCT(\"index\" INTEGER, \"label\" VARCHAR, score FLOAT)[]"),
            ("detections", "STRUCT(score FLOAT, x FLOAT, y FLOAT, width FLOAT, height FLOAT, polygon STRUCT(x FLOAT, y FLOAT)[])[]"),
            ("filename", "VARCHAR"),
        ], Rows(db, "DESCRIBE results", r => (r.GetString(0), r.GetString(1))));

        // Every job has a row for every input but the broken one, and for nothing else.
        Assert.Equal(
            Jobs.Select(j => (j, 12L, 12L)),
            Rows(db, """
                SELECT regexp_extract(filename, '/([^/]+)/part-\d+\.parquet$', 1) AS job, count(*), count(DISTINCT item)
                FROM results JOIN inputs ON item = path GROUP BY job ORDER BY job
                """, r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2))));
        Assert.Equal(36L, Scalar(db, "SELECT count(*) FROM results"));
        Assert.Equal([broken], Rows(db, "SELECT path FROM inputs ANTI JOIN results ON item = path", r => r.GetString(0)));

        // Each task's answer in its own column, the others null.
        Assert.Equal(("resnet18", 12L, 512L, 512L), Rows(db, """
            SELECT any_value(model), count(*), min(len(embedding)), max(len(embedding)) FROM results
            WHERE classes IS NULL AND detections IS NULL GROUP BY ALL
            """, r => (r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3))).Single());
        Assert.Equal(12L, Scalar(db, "SELECT count(*) FROM results WHERE model = 'moderation-fast' AND len(classes) = 5 AND embedding IS NULL"));
        Assert.Equal(["Drawing", "Hentai", "Neutral", "Porn", "Sexy"],
            Rows(db, "SELECT DISTINCT unnest(classes).label AS label FROM results ORDER BY label", r => r.GetString(0)));
        Assert.Equal(12L, Scalar(db, "SELECT count(*) FROM results WHERE model = 'text-detection' AND detections IS NOT NULL AND embedding IS NULL"));
        Assert.Equal(0L, Scalar(db, """
            SELECT count(*) FROM (SELECT unnest(detections) AS d FROM results)
            WHERE len(d.polygon) <> 4 OR d.score NOT BETWEEN 0 AND 1 OR d.width <= 0 OR d.height <= 0
            """));

        // The times and batches say when and how each item ran.
        var (first, last) = Rows(db, "SELECT epoch_ms(min(started)), epoch_ms(max(started)) FROM results", r => (r.GetInt64(0), r.GetInt64(1))).Single();
        Assert.InRange(first, new DateTimeOffset(submitted).ToUnixTimeMilliseconds() - 1000, last);
        Assert.InRange(last, first, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.Equal(0L, Scalar(db, "SELECT count(*) FROM results WHERE batch_size < 1 OR latency_ms <= 0 OR compute_ms <= 0 OR queue_ms < 0 OR shard NOT BETWEEN 0 AND 2"));
    }

    private async Task<JsonElement> FinishedAsync(string id)
    {
        var status = default(JsonElement);
        await Eventually.HoldsAsync(async () =>
        {
            status = JsonDocument.Parse(await Http.GetStringAsync($"v1/jobs/{id}")).RootElement.Clone();
            return status.GetProperty("is_finished").GetBoolean();
        }, TimeSpan.FromSeconds(180), $"job {id} to finish");
        return status;
    }
}
