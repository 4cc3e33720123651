using Argus.LoadTesting.Reports;
using Argus.Testing;

namespace Argus.Cli.Tests;

/// <summary><c>argus bench</c> against the real silo, with short windows: what it prints, the CSV rows and the plots.</summary>
[Collection(CliSiloCollection.Name)]
public sealed class BenchCommandTests(CliSiloFixture fixture) : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-bench-");

    private static readonly string[] Short = ["--measurement-interval", "500", "--max-trials", "3", "--images", TestData.ImagesDir];

    private SiloDevice Device => fixture.Device;

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Closed_loop_over_http_reports_every_level_as_a_csv_row_and_draws_the_plots()
    {
        var (code, output) = await fixture.RunAsync([
            "bench", "--target", "http", "--url", fixture.Silo!.BaseAddress.ToString(), "--api-key", CliSiloFixture.ApiKey,
            "--concurrency-range", "1:2", "--batch-size", "2", "--csv", Csv, "--plot-dir", _dir.FullName, .. Short]);

        Assert.True(code == 0, output);
        Assert.Contains("Concurrency: 1, throughput:", output);
        Assert.Contains("Client: http", output);
        Assert.Contains($"{Device.Key} ({Device.Kind}, {Device.ExecutionProvider})", output);
        var rows = Rows();
        Assert.Equal(["1", "2"], rows.Select(r => r["load"]));
        Assert.All(rows, r =>
        {
            Assert.Equal("concurrency", r["mode"]);
            Assert.Equal("2", r["images_per_request"]);
            Assert.True(double.Parse(r["infer_per_s"], System.Globalization.CultureInfo.InvariantCulture) > 0);
            Assert.Equal("0", r["error_share"]);
            Assert.Equal(Device.Kind, r["device_kinds"]);
            Assert.StartsWith($"{Device.Key}=", r["devices"]);
            Assert.Equal("false", r["simulated"]);
        });
        AssertPlots();
    }

    [Fact]
    public async Task Open_loop_through_the_sdk_reports_every_level_as_a_csv_row_and_draws_the_plots()
    {
        var (code, output) = await fixture.RunAsync([
            "bench", "--target", "sdk", "--request-rate-range", "4:8:x2", "--seed", "1", "--csv", Csv, "--plot-dir", _dir.FullName, .. Short]);

        Assert.True(code == 0, output);
        Assert.Contains("Request rate: 8, throughput:", output);
        Assert.Contains("Client: sdk resnet18 (routed)", output);
        var rows = Rows();
        Assert.Equal(["4", "8"], rows.Select(r => r["load"]));
        Assert.All(rows, r =>
        {
            Assert.Equal("request_rate", r["mode"]);
            Assert.Equal(Device.Kind, r["device_kinds"]);
            Assert.Equal("0", r["dropped_share"]);
            Assert.True(double.Parse(r["avg_batch_size"], System.Globalization.CultureInfo.InvariantCulture) >= 1);
        });
        AssertPlots();
    }

    [Fact]
    public async Task The_raw_session_runs_a_closed_loop_of_c_as_batches_of_c()
    {
        var (code, output) = await fixture.RunAsync(["bench", "--target", "raw", "--concurrency-range", "2", "--csv", Csv, .. Short]);

        Assert.True(code == 0, output);
        // In process, the session takes the device the silo on this machine took.
        Assert.Contains($"Client: raw resnet18 in process ({Device.ExecutionProvider})", output);
        var row = Assert.Single(Rows());
        Assert.Equal("2", row["avg_batch_size"]);
        Assert.Equal(Device.Kind, row["device_kinds"]);
        Assert.Equal($"in-process/{Device.Name}", row["devices"].Split('=')[0]);
    }

    [Fact]
    public async Task Bad_arguments_are_all_listed_and_exit_with_2()
    {
        var (code, output) = await fixture.RunAsync(["bench", "--target", "grpc", "--concurrency-range", "0:4", "--slo-ms", "fast", "--lane", "vip"]);

        Assert.Equal(2, code);
        Assert.Contains("--concurrency-range: '0:4': the start must be positive.", output);
        Assert.Contains("--slo-ms must be a number (is 'fast').", output);
        Assert.Contains("--target must be http, sdk or raw (is 'grpc').", output);
        Assert.Contains("--lane must be realtime, interactive or batch (is 'vip').", output);

        (code, output) = await fixture.RunAsync(["bench", "--target", "http"]);
        Assert.Equal(2, code);
        Assert.Contains("Give either --concurrency-range or --request-rate-range.", output);

        (code, output) = await fixture.RunAsync(["bench", "--target", "sdk", "--model", "nope", "--concurrency-range", "1", .. Short]);
        Assert.Equal(2, code);
        Assert.Contains("NoDeviceException: No device in the cluster serves model 'nope'.", output);
    }

    [Fact]
    public async Task Over_http_a_silo_with_api_keys_refuses_a_bench_without_the_key_or_with_a_wrong_one()
    {
        string[] bench = ["bench", "--target", "http", "--url", fixture.Silo!.BaseAddress.ToString(), "--concurrency-range", "1", .. Short];

        var (code, output) = await fixture.RunAsync(bench);
        Assert.Equal(2, code);
        Assert.Contains("401", output);

        (code, output) = await fixture.RunAsync([.. bench, "--api-key", "not-the-key-0123456789"]);
        Assert.Equal(2, code);
        Assert.Contains("The API key is not valid.", output);
    }

    private string Csv => Path.Combine(_dir.FullName, "bench.csv");

    private List<Dictionary<string, string>> Rows()
    {
        var lines = File.ReadAllLines(Csv);
        Assert.Equal(string.Join(',', CsvReport.Columns), lines[0]);
        // No target's description holds a comma, so a plain split reads the rows.
        return [.. lines.Skip(1).Select(l => CsvReport.Columns.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second))];
    }

    private void AssertPlots()
    {
        foreach (var name in new[] { PlotReport.LatencyFile, PlotReport.ThroughputFile })
        {
            var png = File.ReadAllBytes(Path.Combine(_dir.FullName, name));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        }
    }
}
