using Argus.Inference.Simulation;
using Argus.LoadTesting.Planning;

namespace Argus.LoadTesting.Tests.Planning;

public sealed class CapacityPlannerTests
{
    [Fact]
    public void Textbook_at_120_ms_recommends_batch_8_with_a_25_ms_window_75_ms_p95_and_320_images_a_second()
    {
        var plan = CapacityPlanner.Plan(LatencyProfile.Textbook, p95TargetMs: 120, targetRate: 200);

        Assert.True(plan.Feasible);
        var b8 = plan.Recommended!;
        Assert.Equal(8, b8.BatchSize);
        Assert.Equal(25, b8.BatchMs, 6);
        Assert.Equal(25, b8.MaxDelayMs, 6);
        Assert.Equal(75, b8.EstimatedP95Ms, 6);
        Assert.Equal(320, b8.ItemsPerSecond, 6);

        // Batch 16 runs as two waves: the same 320 images a second at twice the latency, which misses the target.
        Assert.Equal(Enumerable.Range(1, 16), plan.Candidates.Select(c => c.BatchSize));
        var b16 = plan.Candidates[^1];
        Assert.Equal(320, b16.ItemsPerSecond, 6);
        Assert.Equal(150, b16.EstimatedP95Ms, 6);
        Assert.False(b16.Fits);

        Assert.Equal(1, plan.Devices!.Devices);
        Assert.Equal(0.625, plan.Devices.Utilisation, 9);
        Assert.Equal(24, plan.QueueBound);
        var advice = string.Join('\n', plan.Advice);
        Assert.Contains("MaxBatchSize 8 and MaxDelayMs 25", advice);
        Assert.Contains("queue at 24 items", advice);
        Assert.Contains("429 with Retry-After", advice);
        Assert.Contains("autoscaling on queue depth", advice);
        Assert.Contains("200 img/s needs 1 device at 62.5% of 320 img/s", advice);
    }

    [Fact]
    public void A_batch_of_one_has_no_window()
    {
        var one = CapacityPlanner.Candidate(LatencyProfile.Textbook, 1, p95TargetMs: 120);

        Assert.Equal(0, one.MaxDelayMs);
        Assert.Equal(40, one.EstimatedP95Ms, 6);
        Assert.Equal(50, one.ItemsPerSecond, 6);
    }

    [Fact]
    public void Of_batch_sizes_with_equal_throughput_the_smaller_wins()
    {
        // At 160 ms batch 16 fits too (150 ms) but serves no more than batch 8.
        Assert.Equal(8, CapacityPlanner.Plan(LatencyProfile.Textbook, 160).Recommended!.BatchSize);

        // 404 images a second at batch 8 is within 2% of 400 at batch 4: not worth the extra latency.
        var flat = new LatencyProfile("flat", new Dictionary<int, double> { [1] = 10, [4] = 10, [8] = 19.8 });
        var plan = CapacityPlanner.Plan(flat, 1000);
        Assert.Equal(4, plan.Recommended!.BatchSize);
        Assert.True(plan.Candidates.Single(c => c.BatchSize == 8).ItemsPerSecond > plan.Recommended.ItemsPerSecond);
    }

    [Fact]
    public void A_target_nothing_meets_says_so_and_offers_the_fastest_option()
    {
        var plan = CapacityPlanner.Plan(LatencyProfile.Textbook, p95TargetMs: 30, targetRate: 200);

        Assert.False(plan.Feasible);
        Assert.Null(plan.Recommended);
        Assert.All(plan.Candidates, c => Assert.False(c.Fits));
        Assert.Equal(1, plan.Fastest.BatchSize);
        Assert.Equal(40, plan.Fastest.EstimatedP95Ms, 6);
        Assert.Same(plan.Fastest, plan.Choice);
        Assert.StartsWith("Nothing fits: no batch size keeps the estimated p95 within 30 ms; the lowest is batch 1 at 40 ms.", plan.Advice[0]);

        // Planned at batch 1 (50 images a second per device, 40 at most): 200 images a second need 5 devices.
        Assert.Equal(5, plan.Devices!.Devices);
        Assert.Equal(0.8, plan.Devices.Utilisation, 9);
    }

    [Theory]
    [InlineData(200, 1, 0.625)]
    [InlineData(256, 1, 0.8)]   // exactly 80% of one device
    [InlineData(257, 2, 257 / 640.0)]
    [InlineData(1000, 4, 1000 / 1280.0)]
    public void Devices_for_a_rate_run_at_no_more_than_80_percent(double rate, int devices, double utilisation)
    {
        var plan = CapacityPlanner.Plan(LatencyProfile.Textbook, 120, rate);

        Assert.Equal(devices, plan.Devices!.Devices);
        Assert.Equal(utilisation, plan.Devices.Utilisation, 9);
        Assert.True(plan.Devices.Utilisation <= CapacityPlanner.PlannedUtilisation + 1e-12);
    }

    [Fact]
    public void Without_a_rate_there_is_no_device_count()
    {
        var plan = CapacityPlanner.Plan(LatencyProfile.Textbook, 120);

        Assert.Null(plan.Devices);
        Assert.DoesNotContain(plan.Advice, a => a.Contains("needs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(120, 24)]
    [InlineData(125, 32)]   // exactly five batch times: the running batch and four more
    [InlineData(124.9, 24)]
    [InlineData(200, 56)]
    public void The_queue_bound_is_what_finishes_within_the_target_behind_a_running_batch(double target, int bound)
    {
        var plan = CapacityPlanner.Plan(LatencyProfile.Textbook, target);

        Assert.Equal(bound, plan.QueueBound);

        // The last queued item waits for the running batch and the full batches up to its own; one more would be late.
        var batchMs = plan.Recommended!.BatchMs;
        Assert.True(batchMs * (1 + bound / 8.0) <= target + 1e-9);
        Assert.True(batchMs * (2 + bound / 8.0) > target);
    }

    [Fact]
    public void A_batch_limit_bounds_the_candidates()
    {
        var plan = CapacityPlanner.Plan(LatencyProfile.Textbook, 120, maxBatchSize: 4);

        Assert.Equal([1, 2, 3, 4], plan.Candidates.Select(c => c.BatchSize));
        Assert.Equal(4, plan.Recommended!.BatchSize);
    }

    [Theory]
    [InlineData(0, null, null)]
    [InlineData(double.NaN, null, null)]
    [InlineData(120, 0.0, null)]
    [InlineData(120, double.PositiveInfinity, null)]
    [InlineData(120, null, 0)]
    public void Bad_targets_are_refused(double p95, double? rate, int? maxBatch) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CapacityPlanner.Plan(LatencyProfile.Textbook, p95, rate, maxBatch));
}
