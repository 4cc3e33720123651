using System.Diagnostics.Metrics;
using Argus.Grains.Pipelines;
using Argus.Inference.Telemetry;
using Argus.Pipelines;
using Argus.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Orleans.TestingHost;

namespace Argus.Grains.Tests.Pipelines;

/// <summary>
/// A pipeline's retention on a silo with a fake clock: the items submitted longer ago than the retention leave the store
/// with their minute's index and finals log, newer ones stay, a removed pipeline's items leave on time too, and a pipeline
/// that keeps everything stores no retention.
/// </summary>
public sealed class PipelineRetentionTests(RetentionClusterFixture fixture) : IClassFixture<RetentionClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly PipelineSpec Spec = new() { FastModel = "fast", HeavyModel = "heavy", DeadlineS = 1 };

    /// <summary>
    /// 8.6 s: a minute is then due once its finals log has closed, 2.5 minutes after its start at most. Short, because the
    /// fake clock runs every timer of the silo once per period it is moved over.
    /// </summary>
    private const double Days = 0.0001;

    /// <summary>Moves the clock by a step, so the sweep's timer (every second) ticks every few polls.</summary>
    private static Task<bool> Tick(Func<bool> done)
    {
        RetentionClusterFixture.Time.Advance(TimeSpan.FromMilliseconds(200));
        return Task.FromResult(done());
    }

    private static DateTime Now => RetentionClusterFixture.Time.GetUtcNow().UtcDateTime;

    private IGrainFactory Grains => fixture.Cluster.GrainFactory;

    private GrainId ItemOf(string pipeline, string id) => Grains.GetGrain<IPipelineItemGrain>(PipelineItem.KeyOf(pipeline, id)).GetGrainId();

    private GrainId IndexOf(string pipeline, DateTime minute) => Grains.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf(pipeline, minute)).GetGrainId();

    private GrainId LogOf(string pipeline, DateTime minute) => Grains.GetGrain<IPipelineFinalsGrain>(PipelineMinutes.KeyOf(pipeline, minute)).GetGrainId();

    /// <summary>An item submitted now, stored and announced as its grain would have: in its minute's index and, unless pending, the finals log.</summary>
    private async Task SubmitAsync(string pipeline, string id, PipelineItemState itemState)
    {
        var item = new PipelineItem(pipeline, id, itemState, Now, null, null, Heavy: itemState == PipelineItemState.Pending, Error: null);
        var pending = itemState == PipelineItemState.Pending;
        RetentionClusterFixture.Storage.Seed(ItemOf(pipeline, id),
            new PipelineItemGrain.State { Item = item, Announced = true, Spec = pending ? Spec : null, Image = pending ? [1, 2, 3] : null });
        await Grains.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf(pipeline, Now)).RecordAsync(PipelineItemEntry.Of(item));
        if (!pending)
        {
            Assert.True(await Grains.GetGrain<IPipelineFinalsGrain>(PipelineMinutes.KeyOf(pipeline, Now)).AppendAsync(item));
        }
    }

    [Fact]
    public async Task Items_older_than_the_retention_leave_the_store_with_their_minutes_index_and_log_and_newer_ones_stay()
    {
        var storage = RetentionClusterFixture.Storage;
        var old = Now;
        await SubmitAsync("kept", "a", PipelineItemState.Final);
        await SubmitAsync("kept", "b", PipelineItemState.Failed);
        await SubmitAsync("kept", "p", PipelineItemState.Pending);
        RetentionClusterFixture.Time.Advance(TimeSpan.FromMinutes(3));
        var recent = Now;
        await SubmitAsync("kept", "n", PipelineItemState.Final);
        var meters = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<IMeterFactory>();
        using var expired = new MetricCollector<long>(meters, ArgusTelemetry.MeterName, "argus.pipeline.expired");

        await Grains.GetGrain<IPipelineRetentionGrain>("kept").KeepAsync(Spec with { RetentionDays = Days }, old);

        long Expired() => expired.GetMeasurementSnapshot().Where(m => Equals(m.Tags["pipeline"], "kept")).Sum(m => m.Value);
        // Counted once the old minute is swept whole; the recent one is due only 2.5 fake minutes (750 polls) later.
        await Eventually.HoldsAsync(() => Tick(() => Expired() > 0), Timeout, "the old minute to be swept");

        Assert.Equal(3, Expired());
        Assert.All(["a", "b", "p"], id => Assert.False(storage.Holds(ItemOf("kept", id)), id));
        Assert.False(storage.Holds(IndexOf("kept", old)));
        Assert.False(storage.Holds(LogOf("kept", old)));
        Assert.True(storage.Holds(ItemOf("kept", "n")));
        Assert.True(storage.Holds(IndexOf("kept", recent)));
        Assert.True(storage.Holds(LogOf("kept", recent)));
        Assert.Null(await Grains.GetGrain<IPipelineItemGrain>(PipelineItem.KeyOf("kept", "a")).GetAsync());
        Assert.Empty(await Grains.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf("kept", old)).ListAsync(null, null, 10));
        Assert.Equal("n", Assert.Single(await Grains.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf("kept", recent)).ListAsync(null, null, 10)).Id);
    }

    [Fact]
    public async Task A_pipeline_that_keeps_everything_stores_no_retention_and_a_spec_without_one_forgets_it()
    {
        var retention = Grains.GetGrain<IPipelineRetentionGrain>("forever");
        var key = retention.GetGrainId();

        await retention.KeepAsync(Spec, Now);
        Assert.False(RetentionClusterFixture.Storage.Holds(key));

        await retention.KeepAsync(Spec with { RetentionDays = 30 }, Now);
        Assert.True(RetentionClusterFixture.Storage.Holds(key));

        await retention.KeepAsync(Spec, Now);
        Assert.False(RetentionClusterFixture.Storage.Holds(key));
    }

    [Fact]
    public async Task A_removed_pipelines_items_still_leave_when_their_retention_ends_and_then_its_retention_is_forgotten()
    {
        var storage = RetentionClusterFixture.Storage;
        var retention = Grains.GetGrain<IPipelineRetentionGrain>("removed");
        var old = Now;
        await SubmitAsync("removed", "a", PipelineItemState.Final);
        await retention.KeepAsync(Spec with { RetentionDays = Days }, old);

        await retention.KeepAsync(null, default);
        Assert.True(storage.Holds(retention.GetGrainId()));
        Assert.True(storage.Holds(ItemOf("removed", "a")));

        RetentionClusterFixture.Time.Advance(TimeSpan.FromMinutes(2));
        await Eventually.HoldsAsync(() => Tick(() => !storage.Holds(retention.GetGrainId())), Timeout, "the removed pipeline's retention to end");

        Assert.False(storage.Holds(ItemOf("removed", "a")));
        Assert.False(storage.Holds(IndexOf("removed", old)));
        Assert.False(storage.Holds(LogOf("removed", old)));
    }

    [Theory]
    [InlineData(1.0, null, null, "2026-12-06T12:00")] // the retention's cut
    [InlineData(0.0001, null, null, "2026-12-07T11:59")] // 8.6 s: the finals log of 12:00 may still take appends until 12:01:30
    [InlineData(1.0, "2026-12-05T10:00", null, "2026-12-05T10:00")] // the table has not written 10:00
    [InlineData(1.0, "2026-12-07T11:00", "2026-12-04T09:30", "2026-12-04T09:30")] // the webhook has not delivered 09:30
    [InlineData(1.0, "2026-12-07T11:00", "2026-12-07T11:30", "2026-12-06T12:00")]
    public void A_minute_is_due_once_past_the_retention_closed_written_and_delivered(double days, string? table, string? webhook, string expected)
    {
        DateTime? Read(string? minute) => minute is null ? null : DateTime.SpecifyKind(DateTime.Parse(minute, System.Globalization.CultureInfo.InvariantCulture), DateTimeKind.Utc);
        var now = new DateTime(2026, 12, 7, 12, 0, 30, DateTimeKind.Utc);

        Assert.Equal(Read(expected), PipelineRetentionGrain.DueBefore(now, days, Read(table), Read(webhook)));
    }
}
