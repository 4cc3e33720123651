using Argus.Inference.Batching;

namespace Argus.Inference.Tests.Batching;

public sealed class BatchFormationTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static QueueView Queue(int id, BatchLane lane, int count, double waitedMs, int max = 8, double delayMs = 0) =>
        new(id, lane, count, T0 - TimeSpan.FromMilliseconds(waitedMs), max, TimeSpan.FromMilliseconds(delayMs));

    [Fact]
    public void Nothing_waiting_is_idle() =>
        Assert.Equal(BatchDecisionKind.Idle, BatchFormation.Next([Queue(0, BatchLane.Realtime, 0, 0)], T0).Kind);

    [Fact]
    public void Zero_delay_takes_whatever_waits_when_the_device_frees_up()
    {
        var d = BatchFormation.Next([Queue(0, BatchLane.Interactive, 3, 0)], T0);
        Assert.Equal(BatchDecision.Run(0, 3), d);
    }

    [Fact]
    public void A_full_batch_closes_at_once_even_inside_its_window()
    {
        var d = BatchFormation.Next([Queue(0, BatchLane.Interactive, 12, 1, max: 8, delayMs: 25)], T0);
        Assert.Equal(BatchDecision.Run(0, 8), d);
    }

    [Fact]
    public void A_partial_batch_waits_until_its_oldest_item_has_waited_the_window()
    {
        var d = BatchFormation.Next([Queue(0, BatchLane.Interactive, 3, 10, delayMs: 25)], T0);
        Assert.Equal(BatchDecisionKind.Wait, d.Kind);
        Assert.Equal(T0 + TimeSpan.FromMilliseconds(15), d.WaitUntil);
    }

    [Fact]
    public void A_partial_batch_closes_when_the_window_has_passed()
    {
        var d = BatchFormation.Next([Queue(0, BatchLane.Interactive, 3, 25, delayMs: 25)], T0);
        Assert.Equal(BatchDecision.Run(0, 3), d);
    }

    [Fact]
    public void A_higher_lane_runs_first_even_when_the_lower_lane_waited_longer()
    {
        var d = BatchFormation.Next([Queue(0, BatchLane.Batch, 8, 1000), Queue(1, BatchLane.Realtime, 1, 0)], T0);
        Assert.Equal(BatchDecision.Run(1, 1), d);
    }

    [Fact]
    public void A_lower_lane_does_not_run_while_a_higher_lane_waits_in_its_window()
    {
        var d = BatchFormation.Next([Queue(0, BatchLane.Batch, 8, 1000), Queue(1, BatchLane.Realtime, 1, 0, delayMs: 10)], T0);
        Assert.Equal(BatchDecisionKind.Wait, d.Kind);
        Assert.Equal(T0 + TimeSpan.FromMilliseconds(10), d.WaitUntil);
    }

    [Fact]
    public void Within_a_lane_the_queue_whose_oldest_item_waited_longest_runs()
    {
        var d = BatchFormation.Next([Queue(0, BatchLane.Interactive, 1, 5), Queue(1, BatchLane.Interactive, 1, 9)], T0);
        Assert.Equal(BatchDecision.Run(1, 1), d);
    }

    [Fact]
    public void A_ready_queue_runs_while_another_in_its_lane_still_waits_in_its_window()
    {
        var d = BatchFormation.Next(
            [Queue(0, BatchLane.Interactive, 1, 50, delayMs: 100), Queue(1, BatchLane.Interactive, 2, 1)], T0);
        Assert.Equal(BatchDecision.Run(1, 2), d);
    }

    [Theory]
    [InlineData(64, 100, 21, 4)] // ResNet18 on 2 cores: 4 items fit in 100 ms
    [InlineData(64, 100, 500, 1)] // never below one item
    [InlineData(8, 100, 1, 8)] // never above the max batch size
    public void The_batch_lane_is_capped_to_what_runs_within_its_budget(int max, double budgetMs, double itemMs, int expected) =>
        Assert.Equal(expected, BatchFormation.BatchLaneCap(max, TimeSpan.FromMilliseconds(budgetMs), TimeSpan.FromMilliseconds(itemMs)));
}
