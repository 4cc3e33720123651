using Argus.Errors;
using Argus.Jobs;
using Argus.Testing;

namespace Argus.Client.Tests;

/// <summary>Batch jobs through the SDK against a real silo process.</summary>
public sealed class JobTests(ClientFixture fixture) : IClassFixture<ClientFixture>, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("argus-jobs-sdk-");

    private IArgusClient Client => fixture.Host!.Client;

    public void Dispose() => _dir.Delete(recursive: true);

    private JobSpec Spec(string input, bool watch = false) =>
        new() { Input = input, Model = "resnet18", Output = Path.Combine(_dir.FullName, "out"), ShardSize = 16, Watch = watch };

    [Fact]
    public async Task A_job_is_watched_until_it_completes_with_every_good_and_bad_item_counted()
    {
        var input = Path.Combine(_dir.FullName, "photos");
        ImageWarehouse.Create(input, 40);
        ImageWarehouse.CreateCorrupt(input, 2);
        var spec = Spec(input);

        var submitted = await Client.SubmitJobAsync(null, spec);
        Assert.Matches(@"^job-\d{8}-\d{6}-[0-9a-f]{4}$", submitted.Id);

        List<JobStatus> seen = [];
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await foreach (var status in Client.WatchJobAsync(submitted.Id, TimeSpan.FromMilliseconds(100), timeout.Token))
        {
            seen.Add(status);
        }

        var done = seen[^1];
        Assert.All(seen[..^1], s => Assert.False(s.IsFinished));
        Assert.Equal(JobState.Completed, done.State);
        Assert.Equal((42, 40, 2), (done.ItemsTotal, done.ItemsSucceeded, done.ItemsFailed));
        Assert.Equal(2, done.Failures["bad_input"]);
        Assert.Equal(spec, done.Spec);

        Assert.Equal(done.FinishedAt, (await Client.SubmitJobAsync(submitted.Id, spec)).FinishedAt); // the same job again
        await Assert.ThrowsAsync<JobConflictException>(() => Client.SubmitJobAsync(submitted.Id, spec with { BatchSize = 4 }));
        await Assert.ThrowsAsync<JobConflictException>(() => Client.PauseJobAsync(submitted.Id));
        Assert.Contains(await Client.ListJobsAsync(), j => j.Id == submitted.Id && j.State == JobState.Completed);
    }

    [Fact]
    public async Task A_job_pauses_resumes_and_cancels()
    {
        // A job that watches its folder runs until cancelled, so every transition is the test's own.
        var input = Path.Combine(_dir.FullName, "watched");
        ImageWarehouse.CreateCorrupt(input, 2);
        var job = (await Client.SubmitJobAsync("sdk-watched", Spec(input, watch: true))).Id;

        Assert.Equal(JobState.Paused, (await Client.PauseJobAsync(job)).State);
        Assert.Equal(JobState.Paused, (await Client.GetJobAsync(job)).State);
        Assert.Contains((await Client.ResumeJobAsync(job)).State, new[] { JobState.Planning, JobState.Running });

        var cancelled = await Client.CancelJobAsync(job);
        Assert.Equal(JobState.Cancelled, cancelled.State);
        Assert.True(cancelled.IsFinished);
        await Assert.ThrowsAsync<JobConflictException>(() => Client.ResumeJobAsync(job));

        // A finished job's watch is its one last status.
        var watched = await Client.WatchJobAsync(job).ToListAsync();
        Assert.Equal(JobState.Cancelled, Assert.Single(watched).State);
    }

    [Fact]
    public async Task Errors_arrive_as_typed_exceptions()
    {
        var unknown = await Assert.ThrowsAsync<UnknownJobException>(() => Client.GetJobAsync("nope"));
        Assert.Equal("nope", unknown.Job);
        await Assert.ThrowsAsync<UnknownJobException>(() => Client.CancelJobAsync("nope"));
        await Assert.ThrowsAsync<UnknownJobException>(async () => await Client.WatchJobAsync("nope").ToListAsync());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await Client.WatchJobAsync("nope", TimeSpan.Zero).ToListAsync());

        var bad = await Assert.ThrowsAsync<BadInputException>(() => Client.SubmitJobAsync("bad", Spec("photos") with { BatchSize = 0 }));
        Assert.Contains("Job 'bad' is invalid:", bad.Message);
        Assert.Contains("input 'photos' must be an absolute path", bad.Message);
        Assert.Contains("batch_size must be 1 to 256 (is 0)", bad.Message);
        await Assert.ThrowsAsync<UnknownJobException>(() => Client.GetJobAsync("bad"));

        // A problem only the job finds comes from the grain the same way.
        var cron = await Assert.ThrowsAsync<BadInputException>(() => Client.SubmitJobAsync("cron", Spec("/in") with { Schedule = "nightly" }));
        Assert.Contains("schedule 'nightly' is not a cron expression", cron.Message);
        var reversed = await Assert.ThrowsAsync<BadInputException>(() => Client.SubmitJobAsync("cron", Spec("/in") with { Schedule = "1-0 * * * *" }));
        Assert.Contains("the minute range '1-0' is reversed", reversed.Message);
        Assert.Contains("input '/in' lies outside the input roots", reversed.Message);

        await Eventually.HoldsAsync(async () => (await Client.GetDevicesAsync()).Count > 0, TimeSpan.FromSeconds(30), "the silo's devices in the routing table");
        var model = await Assert.ThrowsAsync<UnknownModelException>(() => Client.SubmitJobAsync("ghost", Spec(_dir.FullName) with { Model = "ghost" }));
        Assert.Equal("ghost", model.Model);
        await Assert.ThrowsAsync<UnknownJobException>(() => Client.GetJobAsync("ghost"));
    }
}
