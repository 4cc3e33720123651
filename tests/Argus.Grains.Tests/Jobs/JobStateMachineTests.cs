using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Jobs;
using Argus.Jobs;
using Microsoft.Extensions.Time.Testing;

namespace Argus.Grains.Tests.Jobs;

public sealed class JobStateMachineTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    /// <summary>A glob input, so the spec is valid without a file system check.</summary>
    private static readonly JobSpec Spec = new() { Input = "/data/cam*/*.jpg", Model = "resnet18", Output = "/out" };

    private static readonly IReadOnlyList<DeviceLoad> NoDevices = [];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    private static DeviceLoad Device(string silo, bool draining = false, params string[] models) =>
        new($"{silo}/cpu0", silo, [.. models.Select(m => new ServedModel(m, "1", 1, IsDefault: true))], 0, 0, Draining: draining);

    private JobStateMachine Machine(BatchJobState? state = null) => new("job", state ?? new BatchJobState(), Lease, _time);

    /// <summary>A job submitted and planned into <paramref name="shards"/> shards of ten items.</summary>
    private JobStateMachine Running(int shards, JobSpec? spec = null)
    {
        var job = Machine();
        job.Submit(spec ?? Spec, NoDevices);
        job.Planned(shards, shards * 10L);
        return job;
    }

    private static ShardReport Report(int shard, int succeeded = 10, int failed = 0) =>
        new(shard, "lease", succeeded, failed > 0 ? new Dictionary<string, int> { ["bad_input"] = failed } : [], Skipped: false);

    [Fact]
    public void A_submit_plans_a_retried_submit_changes_nothing_and_another_spec_conflicts()
    {
        var job = Machine();

        Assert.True(job.Submit(Spec, NoDevices));
        Assert.Equal(JobState.Planning, job.State);
        Assert.False(job.Submit(Spec, NoDevices));
        Assert.Throws<JobConflictException>(() => job.Submit(Spec with { ShardSize = 8 }, NoDevices));
        Assert.Equal(_time.GetUtcNow().UtcDateTime, job.Status().SubmittedAt);
    }

    [Fact]
    public void A_schedule_waits_for_its_first_occurrence()
    {
        var job = Machine();

        job.Submit(Spec with { Schedule = "0 2 * * *" }, NoDevices);

        Assert.Equal(JobState.Scheduled, job.State);
        Assert.Equal(new DateTime(2026, 12, 2, 2, 0, 0, DateTimeKind.Utc), job.Status().NextRunAt);
        Assert.Null(job.RunDue());
    }

    [Fact]
    public void A_bad_submit_lists_every_problem_and_leaves_no_job()
    {
        var job = Machine();

        var refused = Assert.Throws<BadInputException>(() => job.Submit(
            Spec with { BatchSize = 0, Schedule = "1-0 * * * *" }, NoDevices, ["output '/out' lies outside the output roots."]));

        Assert.Contains("Job 'job' is invalid:", refused.Message);
        Assert.Contains("batch_size must be 1 to 256 (is 0)", refused.Message);
        Assert.Contains("output '/out' lies outside the output roots.", refused.Message);
        Assert.Contains("the minute range '1-0' is reversed", refused.Message);
        Assert.False(job.Exists);
        Assert.Throws<UnknownJobException>(() => job.Status());
    }

    [Fact]
    public void A_model_no_device_of_the_table_serves_is_refused_but_an_empty_table_is_a_cluster_starting()
    {
        var unknown = Assert.Throws<UnknownModelException>(() => Machine().Submit(Spec, [Device("a", false, "ocr-det")]));
        Assert.Equal("resnet18", unknown.Model);

        Assert.True(Machine().Submit(Spec, NoDevices));
        Assert.True(Machine().Submit(Spec, [Device("a", false, "ocr-det"), Device("b", false, "ResNet18")]));
        Assert.True(Machine().Submit(Spec, [Device("a", draining: true, "resnet18")])); // it serves until its silo has left
    }

    [Fact]
    public void A_version_no_device_of_the_table_serves_is_refused_naming_those_served_and_only_its_devices_run_the_job()
    {
        var rescore = Spec with { Version = "2" };
        DeviceLoad[] devices =
        [
            new("a/cpu0", "a", [new ServedModel("resnet18", "1", 1, IsDefault: true)], 0, 0),
            new("b/cpu0", "b", [new ServedModel("resnet18", "1", 1, IsDefault: true), new ServedModel("ResNet18", "2", 1, IsDefault: false)], 0, 0),
        ];

        var unknown = Assert.Throws<UnknownVersionException>(() => Machine().Submit(Spec with { Version = "3" }, devices));
        Assert.Equal(("resnet18", "3"), (unknown.Model, unknown.Version));
        Assert.Equal("Model 'resnet18' has no version '3' loaded; it has '1', '2'.", unknown.Message);
        Assert.Throws<UnknownModelException>(() => Machine().Submit(rescore with { Model = "ocr-det" }, devices));

        Assert.True(Machine().Submit(rescore, devices));
        Assert.Equal(["b/cpu0"], JobStateMachine.Serving(devices, rescore).Select(d => d.Key));
        Assert.Equal(["a/cpu0", "b/cpu0"], JobStateMachine.Serving(devices, Spec).Select(d => d.Key)); // stable is chosen per call
    }

    [Fact]
    public void Shards_are_leased_only_while_the_job_runs()
    {
        var job = Machine();
        job.Submit(Spec, NoDevices);
        Assert.Null(job.Lease()); // planning

        Assert.True(job.Planned(2, 20));
        var lease = job.Lease()!;

        Assert.Equal(JobState.Running, job.State);
        Assert.Equal(("job", 0, "/out/job", Lease), (lease.Job, lease.Shard, lease.Folder, lease.Duration));
        Assert.Equal(1, job.Lease()!.Shard);
        Assert.Null(job.Lease());
        Assert.Equal(2, job.Status().ShardsLeased);
    }

    [Fact]
    public void A_report_for_a_shard_already_written_counts_once()
    {
        var job = Running(2);

        Assert.True(job.Complete(Report(0, succeeded: 8, failed: 2)));
        Assert.False(job.Complete(Report(0, succeeded: 8, failed: 2))); // a second worker ran it too
        Assert.False(job.Complete(Report(7))); // never planned

        var status = job.Status();
        Assert.Equal((8L, 2L, 1), (status.ItemsSucceeded, status.ItemsFailed, status.ShardsDone));
        Assert.Equal(2L, status.Failures["bad_input"]);
        Assert.False(job.AllShardsWritten);
        Assert.True(job.Complete(Report(1)));
        Assert.True(job.AllShardsWritten);
    }

    [Fact]
    public void A_shard_written_by_a_worker_whose_lease_expired_ends_the_lease_of_the_worker_that_took_it_over()
    {
        var job = Running(1);
        var first = job.Lease()!;
        _time.Advance(Lease + TimeSpan.FromSeconds(1));
        job.Leases.Expire();
        var second = job.Lease()!;

        Assert.True(job.Complete(Report(0) with { LeaseId = first.LeaseId }));

        Assert.False(job.Renew(0, second.LeaseId));
        Assert.Equal(0, job.Status().ShardsLeased);
        _time.Advance(Lease * 2);
        Assert.Empty(job.Leases.Expire());
        Assert.Null(job.Lease());
    }

    [Fact]
    public void Renewals_keep_a_lease_only_while_the_job_runs_and_the_shard_is_unwritten()
    {
        var job = Running(2);
        var lease = job.Lease()!;

        Assert.True(job.Renew(lease.Shard, lease.LeaseId));
        Assert.True(job.Renew(1, "granted-before-the-grain-moved"));
        job.Complete(Report(1));
        Assert.False(job.Renew(1, "granted-before-the-grain-moved"));
        job.Pause();
        Assert.False(job.Renew(lease.Shard, lease.LeaseId));
    }

    [Fact]
    public void A_pause_drops_every_lease_and_hands_out_nothing_until_resumed()
    {
        var job = Running(3);
        var leased = job.Lease()!;
        job.Complete(Report(1));

        Assert.True(job.Pause());
        Assert.False(job.Pause());
        Assert.Equal((JobState.Paused, 0), (job.State, job.Status().ShardsLeased));
        Assert.Null(job.Lease());
        job.Leases.Release(leased.Shard, leased.LeaseId); // the worker's late hand-back changes nothing

        Assert.True(job.Resume());
        Assert.False(job.Resume());
        Assert.Equal(JobState.Running, job.State);
        Assert.Equal([0, 2], new[] { job.Lease()!.Shard, job.Lease()!.Shard }); // the unwritten ones, each once
        Assert.Null(job.Lease());
    }

    [Fact]
    public void A_job_paused_before_its_plan_was_applied_plans_again_on_resume()
    {
        var job = Machine();
        job.Submit(Spec, NoDevices);
        job.Pause();

        Assert.False(job.Planned(4, 40)); // the plan that finished while paused is not applied

        job.Resume();
        Assert.Equal(JobState.Planning, job.State);
        Assert.True(job.Planned(4, 40));
        Assert.Equal(4, job.Leases.Pending);
    }

    [Fact]
    public void A_cancel_is_final_drops_every_lease_and_ends_a_schedule()
    {
        var job = Running(2);
        job.Lease();

        Assert.True(job.Cancel());
        Assert.False(job.Cancel());

        var status = job.Status();
        Assert.Equal((JobState.Cancelled, 0, _time.GetUtcNow().UtcDateTime), (status.State, status.ShardsLeased, status.FinishedAt));
        Assert.Null(job.Lease());
        Assert.False(job.Complete(Report(0)));
        Assert.Throws<JobConflictException>(() => job.Pause());
        Assert.Throws<JobConflictException>(() => job.Resume());

        var schedule = Machine();
        schedule.Submit(Spec with { Schedule = "0 2 * * *" }, NoDevices);
        Assert.Throws<JobConflictException>(() => schedule.Pause());
        Assert.False(schedule.Resume());
        Assert.True(schedule.Cancel());
        Assert.Null(schedule.Status().NextRunAt);
    }

    [Fact]
    public void Every_change_of_a_job_nobody_submitted_is_unknown()
    {
        var job = Machine();

        Assert.Throws<UnknownJobException>(() => job.Pause());
        Assert.Throws<UnknownJobException>(() => job.Resume());
        Assert.Throws<UnknownJobException>(() => job.Cancel());
        Assert.Null(job.Lease());
        Assert.False(job.Renew(0, "lease"));
        Assert.False(job.Complete(Report(0)));
    }

    [Fact]
    public void A_job_read_back_from_its_checkpoint_has_its_unwritten_shards_waiting_and_no_lease()
    {
        var state = new BatchJobState { Spec = Spec, State = JobState.Running, Planned = true, ShardsTotal = 4, DoneShards = [0, 2] };

        var job = Machine(state);

        Assert.Equal((2, 0), (job.Leases.Pending, job.Leases.Leased));
        Assert.Equal([1, 3], new[] { job.Lease()!.Shard, job.Lease()!.Shard });
    }

    [Fact]
    public void An_empty_input_fails_a_first_plan_but_not_a_watching_job()
    {
        var job = Machine();
        job.Submit(Spec, NoDevices);
        Assert.Contains("holds no images or videos", job.EmptyInput(0));
        Assert.Null(job.EmptyInput(1));

        var watching = Machine();
        watching.Submit(Spec with { Input = "/data/incoming/*.jpg", Watch = true }, NoDevices);
        Assert.Null(watching.EmptyInput(0));
        Assert.True(watching.Planned(0, 0));
        Assert.False(watching.Planned(0, 0)); // a later listing with nothing new changes nothing
        Assert.True(watching.Planned(1, 3));
        Assert.Equal(0, watching.Lease()!.Shard);
    }

    [Fact]
    public void A_job_no_device_serves_fails_once_none_has_for_the_wait_and_a_device_restarts_the_clock()
    {
        var wait = TimeSpan.FromSeconds(60);
        var job = Running(1);

        Assert.Null(job.NoDevice(NoDevices, wait));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(job.NoDevice([Device("a", false, "ocr-det")], wait));
        Assert.Null(job.NoDevice([Device("a", false, "resnet18")], wait)); // served: the clock starts again
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Null(job.NoDevice(NoDevices, wait));
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Null(job.NoDevice(NoDevices, wait));
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("No silo serves model 'resnet18': none did for 60 s while the job waited to run. Load the model on a silo and submit the job again.",
            job.NoDevice(NoDevices, wait));
    }

    [Fact]
    public void A_plan_its_storage_cannot_write_is_tried_again_until_the_limit_but_a_bad_input_fails_at_once()
    {
        var limit = TimeSpan.FromSeconds(120);
        var job = Machine();
        job.Submit(Spec, NoDevices);
        var full = new IOException("No space left on device : '/out/job/.plan/shard-00000.jsonl'");

        Assert.Null(job.PlanFailed(full, limit));
        _time.Advance(TimeSpan.FromSeconds(119));
        Assert.Null(job.PlanFailed(full, limit));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("Planning failed for 120 s: No space left on device : '/out/job/.plan/shard-00000.jsonl'", job.PlanFailed(full, limit));

        Assert.Equal("Input '/in' is not a folder.", Machine().PlanFailed(new BadInputException("Input '/in' is not a folder."), limit));
        Assert.Equal("Planning failed: /in/list.txt", Machine().PlanFailed(new FileNotFoundException("/in/list.txt"), limit));
        Assert.Equal("Planning failed: boom", Machine().PlanFailed(new InvalidOperationException("boom"), limit));
    }

    [Fact]
    public void The_rate_counts_items_of_the_last_minute_and_the_eta_is_what_remains_at_that_rate()
    {
        var job = Running(10); // 100 items
        Assert.Equal((0.0, (TimeSpan?)null), (job.Status().ItemsPerSecond, job.Status().Eta)); // under a second: no rate yet

        _time.Advance(TimeSpan.FromSeconds(5));
        job.Complete(Report(0));
        job.Complete(Report(1));
        _time.Advance(TimeSpan.FromSeconds(5));

        var status = job.Status();
        Assert.Equal(2.0, status.ItemsPerSecond, 6); // 20 items in 10 s
        Assert.Equal(TimeSpan.FromSeconds(40), status.Eta); // 80 left

        _time.Advance(TimeSpan.FromSeconds(61));
        Assert.Equal((0.0, (TimeSpan?)null), (job.Status().ItemsPerSecond, job.Status().Eta)); // nothing finished in the last minute
    }

    [Fact]
    public void A_watching_job_has_a_rate_but_no_eta()
    {
        var job = Running(2, Spec with { Input = "/data/incoming/*.jpg", Watch = true });
        _time.Advance(TimeSpan.FromSeconds(2));
        job.Complete(Report(0));

        var status = job.Status();
        Assert.Equal(5.0, status.ItemsPerSecond, 6);
        Assert.Null(status.Eta);
    }

    [Fact]
    public void A_schedule_is_due_at_each_occurrence_and_records_its_runs()
    {
        var job = Machine();
        job.Submit(Spec with { Schedule = "*/10 * * * * *" }, NoDevices);
        var due = job.Status().NextRunAt!.Value;

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(due, job.RunDue());
        job.RunStarted("job-20261201T080010");
        Assert.Null(job.RunDue());
        _time.Advance(TimeSpan.FromSeconds(10));
        job.RunStarted(null); // skipped

        var status = job.Status();
        Assert.Equal(["job-20261201T080010"], status.Runs);
        Assert.Equal(new DateTime(2026, 12, 1, 8, 0, 30, DateTimeKind.Utc), status.NextRunAt);
    }
}
