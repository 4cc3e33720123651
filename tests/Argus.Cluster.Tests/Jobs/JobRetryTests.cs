using Argus.Jobs;
using Argus.Testing;

namespace Argus.Cluster.Tests.Jobs;

/// <summary>
/// Transient failures are retried a bounded number of times: on a simulated device whose queue holds 4 items, a batch
/// of 24 is mostly refused (queue full) and gets in over several attempts; with one attempt allowed, the refused items
/// end in errors.jsonl as overloaded.
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class JobRetryTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("argus-retries-").FullName;
    private SiloProcess? _silo;
    private ClientHost? _client;

    private IClusterClient Orleans => _client!.Orleans;

    public async Task InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync("retry-0", new Dictionary<string, string>
        {
            ["Argus__Inference__Sim__Devices"] = "1",
            ["Argus__Inference__Sim__Profile"] = "textbook",
            ["Argus__Inference__Models__0__Batching__QueueCapacity"] = "4",
            ["Argus__Jobs__TickMs"] = "100",
        });
        _client = await ClientHost.StartAsync(o => o.Gateways = [$"127.0.0.1:{_silo.GatewayPort}"]);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
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
