using Argus.Jobs;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Cluster.Tests.Jobs;

/// <summary>
/// Batch jobs whose input and output are an object store, on real servers started on loopback (s3rver, Azurite) and a
/// real cluster (redis-server and three silo processes, ResNet18 on the CPU): a few hundred objects with corrupt ones
/// among them, a silo killed with SIGKILL in the middle, and every object exactly once in the outputs the job wrote back.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class ObjectStoreJobTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Container = "argus-jobs";

    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);

    private readonly string _root = Directory.CreateTempSubdirectory("argus-objstore-jobs-").FullName;
    private IReadOnlyList<string> _good = [];
    private IReadOnlyList<string> _bad = [];

    public Task InitializeAsync()
    {
        _good = ImageWarehouse.Create(Path.Combine(_root, "images"), 240);
        _bad = ImageWarehouse.CreateCorrupt(Path.Combine(_root, "images", "bad"), 6);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("s3")]
    [InlineData("azure")]
    public async Task A_job_over_an_object_store_completes_exactly_once_after_a_silo_is_killed_in_the_middle(string kind)
    {
        await using ObjectStoreServer store = kind == "s3" ? await S3rver.StartAsync() : await Azurite.StartAsync();
        await store.CreateContainerAsync(Container);
        var good = await store.UploadAsync(Container, "images", Path.Combine(_root, "images"), _good);
        var bad = await store.UploadAsync(Container, "images", Path.Combine(_root, "images"), _bad);
        await using var cluster = await JobCluster.StartAsync(store.SiloSettings);

        var spec = new JobSpec
        {
            Input = store.Location(Container, "images"), Model = "resnet18", Output = store.Location(Container, "out"), BatchSize = 16, ShardSize = 15,
        };
        var submitted = await cluster.Job("killed").SubmitAsync(spec);
        Assert.Equal(store.Location(Container, "out/killed"), submitted.OutputFolder);
        var before = await cluster.WaitForAsync("killed", s => s.ShardsDone >= 3, JobTimeout, "a few shards to be written");
        Assert.True(before.ShardsDone < before.ShardsTotal, "the job ended before the kill");

        var victim = cluster.Silos[1];
        victim.Kill();
        output.WriteLine($"killed {victim.Name} at {before.ShardsDone}/{before.ShardsTotal} shards");

        var done = await cluster.WaitForAsync("killed", s => s.State == JobState.Completed, JobTimeout, "the job to complete without the killed silo");
        output.WriteLine(done.ToString());
        Assert.Equal((246L, 240L, 6L, 17, 17), (done.ItemsTotal, done.ItemsSucceeded, done.ItemsFailed, done.ShardsTotal, done.ShardsDone));
        (await JobOutputs.ReadAsync(store, Container, "out/killed")).AssertExactlyOnce(good, bad);
    }
}
