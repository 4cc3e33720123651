using Argus.Pipelines;

namespace Argus.Grains.Tests.Pipelines;

/// <summary>
/// A minute's finals log on a silo with a fake clock: a read waits for an append or the log's close, never holds up an
/// append, and a log is answered closed only once no append is in flight, so a reader that read a closed log to its end
/// has seen every item.
/// </summary>
public sealed class PipelineFinalsGrainTests(FinalsClusterFixture fixture) : IClassFixture<FinalsClusterFixture>
{
    /// <summary>Long enough that a test fails by its assertion, not by the grain call's timeout, if a read is not woken.</summary>
    private static readonly TimeSpan LongWait = TimeSpan.FromSeconds(8);

    private static DateTime Now => FinalsClusterFixture.Time.GetUtcNow().UtcDateTime;

    private IPipelineFinalsGrain Log(string pipeline, DateTime minute) =>
        fixture.Cluster.GrainFactory.GetGrain<IPipelineFinalsGrain>(PipelineMinutes.KeyOf(pipeline, minute));

    private static PipelineItem Item(string pipeline, string id) =>
        new(pipeline, id, PipelineItemState.Final, DateTime.UtcNow, null, null, Heavy: false, Error: null);

    /// <summary>Moves the clock to just past the close of the log of <paramref name="minute"/>.</summary>
    private static void PassClose(DateTime minute) =>
        FinalsClusterFixture.Time.Advance(minute + TimeSpan.FromMinutes(1) + IPipelineFinalsGrain.Grace + TimeSpan.FromSeconds(1) - Now);

    [Fact]
    public async Task A_waiting_read_is_answered_by_the_next_append()
    {
        var log = Log("wake", Now);
        await log.ReadAsync(0, 10, TimeSpan.Zero); // activated, so the wait below is the read's own

        var read = log.ReadAsync(0, 10, LongWait);
        Assert.False(read.IsCompleted);
        Assert.True(await log.AppendAsync(Item("wake", "a")));

        var page = await read.WaitAsync(TimeSpan.FromSeconds(5)); // the fake clock never moved: only the append woke it
        Assert.Equal("a", Assert.Single(page.Items).Id);
        Assert.False(page.Closed);
    }

    [Fact]
    public async Task A_read_of_an_open_log_with_nothing_new_answers_empty_after_its_wait()
    {
        var log = Log("quiet", Now);
        await log.ReadAsync(0, 10, TimeSpan.Zero);

        var read = log.ReadAsync(0, 10, TimeSpan.FromSeconds(5));
        await Task.Delay(100);
        Assert.False(read.IsCompleted);
        FinalsClusterFixture.Time.Advance(TimeSpan.FromSeconds(5));

        var page = await read.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(page.Items);
        Assert.False(page.Closed);
    }

    [Fact]
    public async Task A_read_waiting_at_the_end_is_answered_closed_when_the_log_closes()
    {
        var minute = PipelineMinutes.MinuteOf(Now);
        var log = Log("closing", minute);
        Assert.True(await log.AppendAsync(Item("closing", "a")));

        var read = log.ReadAsync(1, 10, LongWait);
        await Task.Delay(100);
        Assert.False(read.IsCompleted);
        PassClose(minute);

        var page = await read.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Empty(page.Items);
        Assert.True(page.Closed);
        Assert.False(await log.AppendAsync(Item("closing", "b")));
    }

    [Fact]
    public async Task A_log_past_its_time_is_not_closed_while_an_append_is_in_flight_and_its_reader_gets_that_item()
    {
        var minute = PipelineMinutes.MinuteOf(Now);
        var log = Log("inflight", minute);
        Assert.True(await log.AppendAsync(Item("inflight", "a")));

        FinalsClusterFixture.Storage.Hold();
        try
        {
            var append = log.AppendAsync(Item("inflight", "b"));
            await FinalsClusterFixture.Storage.Writing.WaitAsync(TimeSpan.FromSeconds(5));
            PassClose(minute);

            // Reads interleave with the append: the stored item, and not closed, since "b" may still be stored.
            var now = await log.ReadAsync(0, 10, TimeSpan.Zero).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal(["a"], now.Items.Select(i => i.Id));
            Assert.False(now.Closed);

            var waiting = log.ReadAsync(1, 10, LongWait);
            await Task.Delay(100);
            Assert.False(waiting.IsCompleted);
            FinalsClusterFixture.Storage.Release();

            Assert.True(await append);
            var page = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Equal("b", Assert.Single(page.Items).Id);
            Assert.True(page.Closed);
        }
        finally
        {
            FinalsClusterFixture.Storage.Release();
        }
    }

    [Fact]
    public async Task An_append_whose_write_failed_is_not_read_and_is_taken_when_made_again()
    {
        var log = Log("failed", Now);
        FinalsClusterFixture.Storage.Hold(new InvalidOperationException("storage is down"));
        var append = log.AppendAsync(Item("failed", "a"));
        await FinalsClusterFixture.Storage.Writing.WaitAsync(TimeSpan.FromSeconds(5));
        FinalsClusterFixture.Storage.Release();

        await Assert.ThrowsAnyAsync<Exception>(() => append);
        Assert.Empty((await log.ReadAsync(0, 10, TimeSpan.Zero)).Items);
        Assert.True(await log.AppendAsync(Item("failed", "a")));
        Assert.Equal("a", Assert.Single((await log.ReadAsync(0, 10, TimeSpan.Zero)).Items).Id);
    }

    [Fact]
    public async Task Appends_are_idempotent_by_item_and_superseded_count_and_reads_page_from_an_offset()
    {
        var log = Log("pages", Now);
        foreach (var id in new[] { "a", "b", "a", "c" })
        {
            Assert.True(await log.AppendAsync(Item("pages", id)));
        }

        var rescored = Item("pages", "a") with { Superseded = [new TierResult(Decision.Allow, "m", "1", [], DateTime.UtcNow, DateTime.UtcNow)] };
        Assert.True(await log.AppendAsync(rescored));

        Assert.Equal(["a", "b", "c", "a"], (await log.ReadAsync(0, 10, TimeSpan.Zero)).Items.Select(i => i.Id));
        Assert.Equal(["b", "c"], (await log.ReadAsync(1, 2, TimeSpan.Zero)).Items.Select(i => i.Id));
        Assert.Empty((await log.ReadAsync(4, 10, TimeSpan.Zero)).Items);
    }

    [Fact]
    public async Task A_reader_walks_closed_minutes_in_order_and_waits_on_the_open_one()
    {
        var first = PipelineMinutes.MinuteOf(Now);
        Assert.True(await Log("walk", first).AppendAsync(Item("walk", "a")));
        Assert.True(await Log("walk", first).AppendAsync(Item("walk", "b")));
        PassClose(first + TimeSpan.FromMinutes(1)); // the next minute closes empty
        var third = PipelineMinutes.MinuteOf(Now);
        Assert.True(await Log("walk", third).AppendAsync(Item("walk", "c")));

        var grains = fixture.Cluster.GrainFactory;
        var one = await FinalsReader.ReadAsync(grains, "walk", FinalsCursor.At(first), 1, TimeSpan.Zero, FinalsClusterFixture.Time, default);
        Assert.Equal(("a", $"{first:yyyyMMddHHmm}.0"), (one.Items.Single().Id, one.IdOf(0).ToString()));
        var two = await FinalsReader.ReadAsync(grains, "walk", one.Next, 10, TimeSpan.Zero, FinalsClusterFixture.Time, default);
        Assert.Equal("b", two.Items.Single().Id);
        var three = await FinalsReader.ReadAsync(grains, "walk", two.Next, 10, TimeSpan.Zero, FinalsClusterFixture.Time, default);
        Assert.Equal(("c", $"{third:yyyyMMddHHmm}.0"), (three.Items.Single().Id, three.IdOf(0).ToString()));

        var waiting = FinalsReader.ReadAsync(grains, "walk", three.Next, 10, LongWait, FinalsClusterFixture.Time, default);
        await Task.Delay(100);
        Assert.False(waiting.IsCompleted);
        Assert.True(await Log("walk", third).AppendAsync(Item("walk", "d")));
        Assert.Equal("d", (await waiting.WaitAsync(TimeSpan.FromSeconds(5))).Items.Single().Id);
    }
}
