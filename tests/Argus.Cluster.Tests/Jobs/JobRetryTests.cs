using Argus.Jobs;
using Argus.Testing;

namespace Argus.Cluster.Tests.Jobs;

/// <summary>
/// Transient failures are retried a bounded number of times: on a simulated device whose queue holds 4 items, a batch
/// of 24 is mostly refused (queue full) and gets in over several attempts; with one attempt allowed, the refused items
/// end in errors.jsonl as overloaded.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class JobRetryTests(JobRetryTests.SmallQueueSilo silo) : IClassFixture<JobRetryTests.SmallQueueSilo>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("argus-retries-").FullName;

    private IClusterClient Orleans => silo.Orleans;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>One silo whose one simulated device queues at most 4 items per lane.</summary>
    public sealed class SmallQueueSilo : OneSilo
    {
        protected override string Name => "retry-0";

        protected override Dictionary<string, string> Settings => new()
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Inference__Sim__Profile"] = "textbook",
            ["Argus__Inference__Models__0__Batching__QueueCapacity"] = "4",
            ["Argus__Jobs__TickMs"] = "100",
        };
    }

    [Fact]
    public async Task Refused_items_are_retried_until_they_run_and_fail_as_overloaded_once_attempts_run_out()
    {
        var input = Path.Combine(_root, "images");
        ImageWarehouse.Create(input, 24);
        var spec = new JobSpec { Input = input, Model = "resnet18", Output = Path.Combine(_root, "out"), BatchSize = 24, ShardSize = 24 };

        var patient = await RunAsync("patient", spec with { MaxAttempts = 12 });
        Assert.Equal((24L, 0L), (patient.ItemsSucceeded, patient.ItemsFailed));

        var hasty = await RunAsync("hasty", spec with { MaxAttempts = 1 });
        Assert.True(hasty.ItemsFailed > 0, $"nothing was refused: {hasty}");
        Assert.Equal(24L, hasty.ItemsSucceeded + hasty.ItemsFailed);
        Assert.Equal(hasty.ItemsFailed, hasty.Failures["overloaded"]);
        var errors = File.ReadAllLines(Path.Combine(hasty.OutputFolder, "errors.jsonl"));
        Assert.Equal(hasty.ItemsFailed, errors.Length);
        Assert.All(errors, e => Assert.Contains("\"reason\":\"overloaded\"", e));
        Assert.All(errors, e => Assert.Contains("\"attempts\":1", e));
    }

    private async Task<JobStatus> RunAsync(string id, JobSpec spec)
    {
        var job = Orleans.GetGrain<IBatchJobGrain>(id);
        await job.SubmitAsync(spec);
        JobStatus? last = null;
        await Eventually.HoldsAsync(async () => (last = await job.GetStatusAsync()).IsFinished, TimeSpan.FromMinutes(1), $"job {id} to finish (last: {last})");
        Assert.Equal(JobState.Completed, last!.State);
        return last;
    }
}
