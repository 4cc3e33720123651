using Argus.Inference.Simulation;

namespace Argus.LoadTesting.Tests.Planning;

public sealed class LatencyProfileTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-profile-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Theory]
    [InlineData(1, 20)]
    [InlineData(4, 20 + 5 * 3 / 7.0)]
    [InlineData(8, 25)]
    public void Between_measured_points_latency_is_linear(int batch, double ms) =>
        Assert.Equal(ms, LatencyProfile.Textbook.BatchLatency(batch).TotalMilliseconds, 3);

    [Theory]
    [InlineData(9, 25 + 20)]
    [InlineData(12, 25 + 20 + 5 * 3 / 7.0)]
    [InlineData(16, 50)]
    [InlineData(17, 50 + 20)]
    public void Past_the_width_a_batch_runs_as_full_waves_and_the_rest(int batch, double ms)
    {
        Assert.Equal(8, LatencyProfile.Textbook.Width);
        Assert.Equal(ms, LatencyProfile.Textbook.BatchLatency(batch).TotalMilliseconds, 3);
    }

    [Fact]
    public void Throughput_is_items_over_batch_time() =>
        Assert.Equal(320, LatencyProfile.Textbook.Throughput(8), 6);

    [Fact]
    public void Samples_stay_within_three_standard_deviations_and_without_jitter_are_the_mean()
    {
        var random = new Random(42);
        var samples = Enumerable.Range(0, 2000).Select(_ => LatencyProfile.Textbook.Sample(8, random).TotalMilliseconds).ToArray();

        Assert.All(samples, ms => Assert.InRange(ms, 25 * 0.94, 25 * 1.06));
        Assert.InRange(samples.Average(), 24.9, 25.1);
        Assert.True(samples.Distinct().Count() > 100);
        var steady = new LatencyProfile("steady", new Dictionary<int, double> { [1] = 7 });
        Assert.Equal(TimeSpan.FromMilliseconds(7), steady.Sample(1, random));
    }

    [Fact]
    public void A_profile_survives_a_save_and_load()
    {
        var path = Path.Combine(_dir.FullName, "gpu.json");
        var profile = new LatencyProfile("gpu", new Dictionary<int, double> { [1] = 4.25, [4] = 6.5, [16] = 19.125 }, 0.05, "measured");

        profile.Save(path);
        var loaded = LatencyProfile.Load(path);

        Assert.Equal("gpu", loaded.Name);
        Assert.Equal("measured", loaded.Source);
        Assert.Equal(0.05, loaded.Jitter);
        Assert.Equal(profile.Points, loaded.Points);
        Assert.Equal(16, loaded.Width);
        Assert.Equal(loaded.Points, LatencyProfile.Resolve(path).Points);
    }

    [Fact]
    public void The_textbook_profile_is_built_in()
    {
        Assert.Same(LatencyProfile.Textbook, LatencyProfile.Resolve("textbook"));
        Assert.Same(LatencyProfile.Textbook, LatencyProfile.Resolve("Textbook"));
        Assert.Throws<FileNotFoundException>(() => LatencyProfile.Resolve(Path.Combine(_dir.FullName, "absent.json")));
    }

    [Fact]
    public void A_profile_recorded_on_a_real_device_ships_by_name()
    {
        var cpu = LatencyProfile.Resolve("cpu-resnet18");

        Assert.Equal([1, 2, 4, 8], cpu.Points.Select(p => p.Batch));
        Assert.Contains("CPUExecutionProvider", cpu.Source);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{ "name": "x", "latencyMs": { "2": 5 } }""")]
    [InlineData("""{ "name": "x", "latencyMs": { "one": 5 } }""")]
    [InlineData("""{ "name": "x", "latencyMs": { "1": -5 } }""")]
    [InlineData("""{ "name": "x", "jitter": 1.5, "latencyMs": { "1": 5 } }""")]
    [InlineData("""{ "name": "x" }""")]
    [InlineData("null")]
    public void An_invalid_file_is_refused_with_its_path(string json)
    {
        var path = Path.Combine(_dir.FullName, "bad.json");
        File.WriteAllText(path, json);

        var e = Assert.Throws<InvalidDataException>(() => LatencyProfile.Load(path));

        Assert.StartsWith($"{path} is not a latency profile", e.Message);
    }

    [Fact]
    public void Invalid_points_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new LatencyProfile("x", new Dictionary<int, double> { [2] = 5 }));
        Assert.Throws<ArgumentException>(() => new LatencyProfile("x", new Dictionary<int, double> { [1] = 5, [0] = 1 }));
        Assert.Throws<ArgumentException>(() => new LatencyProfile("x", new Dictionary<int, double> { [1] = double.NaN }));
        Assert.Throws<ArgumentException>(() => new LatencyProfile("x", [new(1, 5.0), new(1, 6.0)]));
        Assert.Throws<ArgumentException>(() => new LatencyProfile("x", new Dictionary<int, double> { [1] = 5 }, jitter: -0.1));
    }
}
