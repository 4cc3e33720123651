using System.Text.Json;
using Argus.Devices;
using Argus.Errors;
using Argus.Jobs;
using Argus.Testing;
using Xunit.Abstractions;

namespace Argus.Cluster.Tests.Jobs;

/// <summary>
/// A job's triggers and controls on one real silo (in-memory storage and reminders): a watched folder, a schedule,
/// video input, pause, resume and cancel, and the errors a caller gets (a model no silo serves among them).
/// </summary>
[Collection(RedisClusterFixture.Collection)]
public sealed class JobTriggerTests(JobTriggerTests.JobSilo silo, ITestOutputHelper output) : IClassFixture<JobTriggerTests.JobSilo>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly string _root = Directory.CreateTempSubdirectory("argus-triggers-").FullName;

    private IClusterClient Orleans => silo.Orleans;

    private string Output => Path.Combine(_root, "out");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>One silo process with quick job timings, and a client of it.</summary>
    public sealed class JobSilo : OneSilo
    {
        protected override string Name => "jobs-0";

        protected override Dictionary<string, string> Settings => new()
        {
            ["Argus__Jobs__TickMs"] = "100",
            ["Argus__Jobs__WatchSeconds"] = "0.3",
            ["Argus__Jobs__WatchSettleSeconds"] = "0.5",
            ["Argus__Jobs__DeviceWaitSeconds"] = "2",
        };
    }

    private IBatchJobGrain Job(string id) => Orleans.GetGrain<IBatchJobGrain>(id);

    private async Task<JobStatus> WaitForAsync(string job, Func<JobStatus, bool> condition, string what)
    {
        JobStatus? last = null;
        await Eventually.HoldsAsync(async () => condition(last = await Job(job).GetStatusAsync()), Timeout, $"{what} (last status: {last})");
        return last!;
    }

    [Fact]
    public async Task A_watching_job_runs_the_files_that_appear_in_its_folder_until_cancelled()
    {
        var watched = Path.Combine(_root, "incoming");
        var first = ImageWarehouse.Create(watched, 8);
        var spec = new JobSpec { Input = watched, Model = "resnet18", Output = Output, ShardSize = 4, Watch = true };
        await Job("watch").SubmitAsync(spec);
        await WaitForAsync("watch", s => s.ItemsSucceeded == 8, "the first files to run");

        // New files arrive the way a careful writer delivers them: written under a hidden name, then renamed.
        var later = ImageWarehouse.Create(Path.Combine(_root, "staging"), 14).Skip(8)
            .Select(f =>
            {
                var target = Path.Combine(watched, "later", Path.GetFileName(f));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(f, Path.Combine(watched, "later", "." + Path.GetFileName(f)));
                File.Move(Path.Combine(watched, "later", "." + Path.GetFileName(f)), target);
                return target;
            })
            .ToList();
        var grown = await WaitForAsync("watch", s => s.ItemsSucceeded == 14 && s.ShardsDone == s.ShardsTotal, "the new files to run");
        Assert.Equal(JobState.Running, grown.State);
        Assert.Null(grown.Eta);

        var cancelled = await Job("watch").CancelAsync();
        Assert.Equal(JobState.Cancelled, cancelled.State);
        var items = Directory.GetFiles(grown.OutputFolder, "part-*.jsonl").SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("item").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(first.Concat(later).Order(StringComparer.Ordinal), items);
    }

    [Fact]
    public async Task A_schedule_starts_runs_of_its_spec_until_cancelled()
    {
        var images = ImageWarehouse.Create(Path.Combine(_root, "nightly"), 5);
        var spec = new JobSpec { Input = Path.Combine(_root, "nightly"), Model = "resnet18", Output = Output, Schedule = "*/2 * * * * *" };

        var scheduled = await Job("nightly").SubmitAsync(spec);
        Assert.Equal(JobState.Scheduled, scheduled.State);
        Assert.NotNull(scheduled.NextRunAt);

        var started = await WaitForAsync("nightly", s => s.Runs.Count >= 1, "a run to start");
        var run = await WaitForAsync(started.Runs[0], s => s.State == JobState.Completed, "the first run to complete");
        Assert.Equal(5, run.ItemsSucceeded);
        Assert.Null(run.Spec.Schedule);
        Assert.StartsWith("nightly-", run.Id, StringComparison.Ordinal);

        var cancelled = await Job("nightly").CancelAsync();
        Assert.Equal((JobState.Cancelled, (DateTime?)null), (cancelled.State, cancelled.NextRunAt));
        output.WriteLine($"runs: {string.Join(", ", cancelled.Runs)}");
        Assert.Equal(images.Count, File.ReadLines(Path.Combine(run.OutputFolder, "part-00000.jsonl")).Count());
    }

    [Fact]
    public async Task A_video_is_sampled_at_the_requested_rate_one_result_per_frame()
    {
        var spec = new JobSpec { Input = Path.Combine(TestData.ImagesDir, "vtest*.avi"), Model = "resnet18", Output = Output, VideoFps = 0.5, ShardSize = 16 };

        await Job("video").SubmitAsync(spec);
        var done = await WaitForAsync("video", s => s.State == JobState.Completed, "the video job to complete");

        Assert.Equal((40L, 40L, 0L), (done.ItemsTotal, done.ItemsSucceeded, done.ItemsFailed)); // 79.4 s at one frame per 2 s
        var items = Directory.GetFiles(done.OutputFolder, "part-*.jsonl").Order(StringComparer.Ordinal).SelectMany(File.ReadLines)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("item").GetString()!).ToList();
        Assert.Equal($"{Path.Combine(TestData.ImagesDir, "vtest.avi")}#t=2.000", items[1]);
    }

    [Fact]
    public async Task A_paused_job_hands_out_nothing_until_resumed_and_a_finished_job_refuses_changes()
    {
        ImageWarehouse.Create(Path.Combine(_root, "batch"), 48);
        var spec = new JobSpec { Input = Path.Combine(_root, "batch"), Model = "resnet18", Output = Output, ShardSize = 4, BatchSize = 4 };
        await Job("paused").SubmitAsync(spec);
        var paused = await Job("paused").PauseAsync();
        Assert.Equal(JobState.Paused, paused.State);
        Assert.Equal(0, paused.ShardsLeased);
        Assert.Null(await Job("paused").LeaseShardAsync("jobs-0"));

        var resumed = await Job("paused").ResumeAsync();
        Assert.NotEqual(JobState.Paused, resumed.State);
        var done = await WaitForAsync("paused", s => s.State == JobState.Completed, "the resumed job to complete");
        Assert.Equal(48, done.ItemsSucceeded);

        await Assert.ThrowsAsync<JobConflictException>(() => Job("paused").PauseAsync());
        await Assert.ThrowsAsync<JobConflictException>(() => Job("paused").ResumeAsync());
        Assert.Equal(JobState.Completed, (await Job("paused").CancelAsync()).State);
        Assert.Contains("paused", await Orleans.GetGrain<IJobRegistryGrain>(0).ListAsync());
    }

    [Fact]
    public async Task Bad_submissions_are_refused_with_every_reason_and_an_empty_input_fails_the_job()
    {
        await Assert.ThrowsAsync<UnknownJobException>(() => Job("never-submitted").GetStatusAsync());
        var invalid = await Assert.ThrowsAsync<BadInputException>(() => Job("bad").SubmitAsync(
            new JobSpec { Input = Path.Combine(_root, "missing"), Model = "resnet18", Output = Output, Schedule = "nightly" }));
        Assert.Contains("is missing from the input roots", invalid.Message);
        Assert.Contains("'nightly' is not a cron expression", invalid.Message);

        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        await Job("empty").SubmitAsync(new JobSpec { Input = Path.Combine(_root, "empty"), Model = "resnet18", Output = Output });
        var failed = await WaitForAsync("empty", s => s.IsFinished, "the empty job to finish");
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Contains("holds no images or videos", failed.Error);
    }

    [Fact]
    public async Task A_model_no_silo_serves_is_refused_and_a_job_whose_devices_left_fails_saying_so()
    {
        var input = Path.Combine(_root, "orphaned");
        ImageWarehouse.Create(input, 4);
        var directory = Orleans.GetGrain<IDeviceDirectoryGrain>(0);
        IReadOnlyList<DeviceLoad> devices = [];
        await Eventually.HoldsAsync(async () => (devices = await directory.GetDevicesAsync()).Count > 0, Timeout, "the silo's devices to report");
        var spec = new JobSpec { Input = input, Model = "ghost", Output = Output };

        var refused = await Assert.ThrowsAsync<UnknownModelException>(() => Job("ghost").SubmitAsync(spec));
        Assert.Equal("ghost", refused.Model);
        await Assert.ThrowsAsync<UnknownJobException>(() => Job("ghost").GetStatusAsync());

        // A device of the silo serving the model reports once, as one that then left would: it drops out of the table
        // when it stops reporting, and with it the only device the job could run on.
        var ghost = new DeviceLoad($"{devices[0].Silo}/ghost0", devices[0].Silo, [new ServedModel("ghost", "1", 1, IsDefault: true)], QueueDepth: 0, ExpectedWaitMs: 0);
        await directory.ReportAsync(ghost);
        await Eventually.HoldsAsync(async () => (await directory.GetDevicesAsync()).Any(d => d.Key == ghost.Key), Timeout, "the ghost device in the table");
        await Job("orphan").SubmitAsync(spec);

        var failed = await WaitForAsync("orphan", s => s.IsFinished, "the orphaned job to fail");
        output.WriteLine(failed.Error);
        Assert.Equal((JobState.Failed, 0L), (failed.State, failed.ItemsSucceeded));
        Assert.StartsWith("No silo serves model 'ghost'", failed.Error, StringComparison.Ordinal);
    }
}
