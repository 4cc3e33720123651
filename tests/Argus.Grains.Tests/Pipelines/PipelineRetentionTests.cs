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
/// A pipeline's retention on a silo whose storage the test seeds with items submitted in the past: the items submitted
/// longer ago than the retention leave the store with their minute's index and finals log, newer ones stay, a removed
/// pipeline's items leave on time too and its retention then forgets itself, and a pipeline that keeps everything stores
/// no retention.
/// </summary>
public sealed class PipelineRetentionTests(RetentionClusterFixture fixture) : IClassFixture<RetentionClusterFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private static readonly PipelineSpec Spec = new() { FastModel = "fast", HeavyModel = "heavy", DeadlineS = 1 };

    /// <summary>8.6 s: a minute is then due once its finals log has closed, 2.5 minutes after its start at most.</summary>
    private const double Days = 0.0001;

    private static FinalsClusterFixture.HeldStorage Storage => RetentionClusterFixture.Storage;

    private IGrainFactory Grains => fixture.Cluster.GrainFactory;

    private GrainId ItemOf(string pipeline, string id) => Grains.GetGrain<IPipelineItemGrain>(PipelineItem.KeyOf(pipeline, id)).GetGrainId();

    private GrainId IndexOf(string pipeline, DateTime minute) => Grains.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf(pipeline, minute)).GetGrainId();

    private GrainId LogOf(string pipeline, DateTime minute) => Grains.GetGrain<IPipelineFinalsGrain>(PipelineMinutes.KeyOf(pipeline, minute)).GetGrainId();

    /// <summary>
    /// Items submitted at <paramref name="at"/>, stored and announced as their grains would have: each in the minute's
    /// index and, unless pending, in the minute's finals log (seeded: a log past its close takes no append).
    /// </summary>
    private async Task SubmitAsync(string pipeline, DateTime at, params (string Id, PipelineItemState State)[] items)
    {
        List<PipelineItem> finals = [];
        foreach (var (id, itemState) in items)
        {
            var pending = itemState == PipelineItemState.Pending;
            var item = new PipelineItem(pipeline, id, itemState, at, null, null, Heavy: pending, Error: null);
            Storage.Seed(ItemOf(pipeline, id), new PipelineItemGrain.State { Item = item, Announced = true, Spec = pending ? Spec : null, Image = pending ? [1, 2, 3] : null });
            await Grains.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf(pipeline, at)).RecordAsync(PipelineItemEntry.Of(item));
            if (!pending)
            {
                finals.Add(item);
            }
        }

        Storage.Seed(LogOf(pipeline, at), finals);
    }

    [Fact]
    public async Task Items_older_than_the_retention_leave_the_store_with_their_minutes_index_and_log_and_newer_ones_stay()
    {
        var (old, recent) = (DateTime.UtcNow.AddHours(-1), DateTime.UtcNow);
        await SubmitAsync("kept", old, ("a", PipelineItemState.Final), ("b", PipelineItemState.Failed), ("p", PipelineItemState.Pending));
        await SubmitAsync("kept", recent, ("n", PipelineItemState.Final));
        var meters = ((InProcessSiloHandle)fixture.Cluster.Primary!).SiloHost.Services.GetRequiredService<IMeterFactory>();
        using var expired = new MetricCollector<long>(meters, ArgusTelemetry.MeterName, "argus.pipeline.expired");

        await Grains.GetGrain<IPipelineRetentionGrain>("kept").KeepAsync(Spec with { RetentionDays = Days }, old.AddHours(-1));

        // Counted once the old minute is swept whole; the recent one is due only 90 s or more later.
        long Expired() => expired.GetMeasurementSnapshot().Where(m => Equals(m.Tags["pipeline"], "kept")).Sum(m => m.Value);
        await Eventually.HoldsAsync(() => Task.FromResult(Expired() > 0), Timeout, "the old minute to be swept");

        Assert.Equal(3, Expired());
        Assert.All(["a", "b", "p"], id => Assert.False(Storage.Holds(ItemOf("kept", id)), id));
        Assert.False(Storage.Holds(IndexOf("kept", old)));
        Assert.False(Storage.Holds(LogOf("kept", old)));
        Assert.True(Storage.Holds(ItemOf("kept", "n")));
        Assert.True(Storage.Holds(IndexOf("kept", recent)));
        Assert.True(Storage.Holds(LogOf("kept", recent)));
        Assert.Null(await Grains.GetGrain<IPipelineItemGrain>(PipelineItem.KeyOf("kept", "a")).GetAsync());
        Assert.Empty(await Grains.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf("kept", old)).ListAsync(null, null, 10));
        Assert.Equal("n", Assert.Single(await Grains.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf("kept", recent)).ListAsync(null, null, 10)).Id);
    }

    [Fact]
    public async Task A_pipeline_that_keeps_everything_stores_no_retention_and_a_spec_without_one_forgets_it()
    {
        var retention = Grains.GetGrain<IPipelineRetentionGrain>("forever");
        var key = retention.GetGrainId();

        await retention.KeepAsync(Spec, DateTime.UtcNow);
        Assert.False(Storage.Holds(key));

        await retention.KeepAsync(Spec with { RetentionDays = 30 }, DateTime.UtcNow);
        Assert.True(Storage.Holds(key));

        await retention.KeepAsync(Spec, DateTime.UtcNow);
        Assert.False(Storage.Holds(key));
    }

    [Fact]
    public async Task A_removed_pipelines_items_still_leave_when_their_retention_ends()
    {
        var old = DateTime.UtcNow.AddMinutes(-90);
        await SubmitAsync("removed", old, ("a", PipelineItemState.Final));
        var retention = Grains.GetGrain<IPipelineRetentionGrain>("removed");
        await retention.KeepAsync(Spec with { RetentionDays = Days }, old.AddHours(-1));

        await retention.KeepAsync(null, default);

        await Eventually.HoldsAsync(() => Task.FromResult(!Storage.Holds(ItemOf("removed", "a"))), Timeout, "the removed pipeline's item to leave");
        Assert.False(Storage.Holds(IndexOf("removed", old)));
        Assert.False(Storage.Holds(LogOf("removed", old)));
        // The minute of the removal is due only 90 s or more later: until it is swept, the retention goes on.
        Assert.True(Storage.Holds(retention.GetGrainId()));
    }

    [Fact]
    public async Task A_removed_pipelines_retention_forgets_itself_once_the_minute_of_its_removal_is_swept()
    {
        var (removed, old) = (DateTime.UtcNow.AddHours(-1), DateTime.UtcNow.AddMinutes(-90));
        await SubmitAsync("gone", old, ("z", PipelineItemState.Final));
        var retention = Grains.GetGrain<IPipelineRetentionGrain>("gone");
        Storage.Seed(retention.GetGrainId(),
            new PipelineRetentionGrain.State { Days = Days, Next = PipelineMinutes.MinuteOf(old.AddHours(-1)), RemovedAt = removed });

        await retention.KeepAsync(null, default); // told again: activated, it sweeps on

        await Eventually.HoldsAsync(() => Task.FromResult(!Storage.Holds(retention.GetGrainId())), Timeout, "the retention to forget itself");
        Assert.False(Storage.Holds(ItemOf("gone", "z")));
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
