using System.Text.Json;
using Argus.Jobs;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Cluster.Tests.Jobs;

/// <summary>
/// Batch jobs on a real cluster (redis-server and three silo processes, ResNet18 on the CPU) over real images with
/// corrupt files among them: every input ends up exactly once in the outputs, after a silo's kill -9 and after a
/// restart of the whole cluster too, whose silos drain promptly (their workers hand their shards back).
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class JobClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);

    private readonly string _root = Directory.CreateTempSubdirectory("argus-jobs-").FullName;
    private IReadOnlyList<string> _good = [];
    private IReadOnlyList<string> _bad = [];

    private string Input => Path.Combine(_root, "images");

    private string Output => Path.Combine(_root, "out");

    public Task InitializeAsync()
    {
        _good = ImageWarehouse.Create(Input, 240);
        _bad = ImageWarehouse.CreateCorrupt(Path.Combine(Input, "bad"), 6);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    private JobSpec Spec(int shardSize) => new() { Input = Input, Model = "resnet18", Output = Output, BatchSize = 16, ShardSize = shardSize };

    [Fact]
    public async Task A_job_writes_every_image_once_and_the_corrupt_files_only_to_errors()
    {
        await using var cluster = await JobCluster.StartAsync();
        var submitted = await cluster.Job("photos").SubmitAsync(Spec(shardSize: 25));
        Assert.Equal(submitted.SubmittedAt, (await cluster.Job("photos").SubmitAsync(Spec(shardSize: 25))).SubmittedAt); // a retried submit
        await Assert.ThrowsAsync<Errors.JobConflictException>(() => cluster.Job("photos").SubmitAsync(Spec(shardSize: 30)));

        var done = await cluster.WaitForAsync("photos", s => s.State == JobState.Completed, JobTimeout, "the job to complete");
        output.WriteLine(done.ToString());

        Assert.Equal((246L, 240L, 6L, 10, 10), (done.ItemsTotal, done.ItemsSucceeded, done.ItemsFailed, done.ShardsTotal, done.ShardsDone));
        Assert.Equal(6L, done.Failures["bad_input"]);
        JobOutputs.Read(done.OutputFolder).AssertExactlyOnce(_good, _bad);
        var line = JsonDocument.Parse(File.ReadLines(Path.Combine(done.OutputFolder, "part-00000.jsonl")).First()).RootElement;
        Assert.Equal(("resnet18", "1", 512), (line.GetProperty("model").GetString(), line.GetProperty("version").GetString(),
            line.GetProperty("result").GetProperty("embedding").GetArrayLength()));
    }

    [Fact]
    public async Task A_job_completes_exactly_once_after_a_silo_is_killed_in_the_middle()
    {
        await using var cluster = await JobCluster.StartAsync();
        await cluster.Job("killed").SubmitAsync(Spec(shardSize: 15));
        var before = await cluster.WaitForAsync("killed", s => s.ShardsDone >= 3, JobTimeout, "a few shards to be written");
        Assert.True(before.ShardsDone < before.ShardsTotal, "the job ended before the kill");

        var victim = cluster.Silos[1];
        victim.Kill();
        output.WriteLine($"killed {victim.Name} at {before.ShardsDone}/{before.ShardsTotal} shards");

        var done = await cluster.WaitForAsync("killed", s => s.State == JobState.Completed, JobTimeout, "the job to complete without the killed silo");
        output.WriteLine(done.ToString());
        Assert.Equal((240L, 6L), (done.ItemsSucceeded, done.ItemsFailed));
        JobOutputs.Read(done.OutputFolder).AssertExactlyOnce(_good, _bad);
    }

    [Fact]
    public async Task A_job_resumes_from_its_checkpoint_after_the_whole_cluster_and_redis_restart()
    {
        await using var cluster = await JobCluster.StartAsync();
        await cluster.Job("restarted").SubmitAsync(Spec(shardSize: 15));
        var before = await cluster.WaitForAsync("restarted", s => s.ShardsDone >= 4, JobTimeout, "a few shards to be written");
        Assert.True(before.ShardsDone < before.ShardsTotal, "the job ended before the restart");

        var written = Directory.GetFiles(before.OutputFolder, "part-*.jsonl").ToDictionary(f => f, File.GetLastWriteTimeUtc);
        var stopped = await cluster.RestartAllAsync();
        // Each silo drained: its workers handed their shards back at once, so nothing kept its devices busy to the timeout.
        Assert.All(stopped, s =>
        {
            Assert.Equal(0, s.ExitCode);
            Assert.Contains("Drained in", s.Log);
            Assert.DoesNotContain("Drain cut short", s.Log);
        });
        // The checkpoint: the shards recorded before the restart are recorded still, and their files are not written again.
        var resumed = await cluster.Job("restarted").GetStatusAsync();
        Assert.True(resumed.ShardsDone >= before.ShardsDone, $"checkpoint lost: {resumed.ShardsDone} < {before.ShardsDone} shards done");
        output.WriteLine($"before the restart: {before}\nafter it: {resumed}");

        var done = await cluster.WaitForAsync("restarted", s => s.State == JobState.Completed, JobTimeout, "the job to complete after the restart");
        output.WriteLine(done.ToString());
        Assert.Equal((240L, 6L), (done.ItemsSucceeded, done.ItemsFailed));
        Assert.All(written, w => Assert.Equal(w.Value, File.GetLastWriteTimeUtc(w.Key)));
        JobOutputs.Read(done.OutputFolder).AssertExactlyOnce(_good, _bad);
    }
}
