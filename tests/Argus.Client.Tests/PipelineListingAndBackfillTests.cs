using Argus.Errors;
using Argus.Pipelines;
using Argus.Testing;

namespace Argus.Client.Tests;

/// <summary>Listings and backfills through the SDK against a real silo process with the default moderation models.</summary>
public sealed class PipelineListingAndBackfillTests(ClientFixture fixture) : IClassFixture<ClientFixture>, IDisposable
{
    private readonly DirectoryInfo _archive = Directory.CreateTempSubdirectory("argus-sdk-archive-");

    public void Dispose() => _archive.Delete(recursive: true);

    private IArgusClient Client => fixture.Host!.Client;

    [Fact]
    public async Task A_listing_follows_its_pages_in_submit_order_and_filters_by_state_and_window()
    {
        await Client.PutPipelineAsync("sdk-list", PipelineTests.Moderation);
        var before = DateTime.UtcNow;
        List<string> ids = [];
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Client.SubmitAsync("sdk-list", TestData.Image("baboon.jpg"), $"list-{i}")).Id);
        }

        await Assert.ThrowsAsync<BadInputException>(() => Client.SubmitAsync("sdk-list", "not an image"u8.ToArray(), "list-bad"));

        // Items are indexed just after they are stored: wait for the last one.
        List<PipelineItemEntry> all = [];
        await Eventually.HoldsAsync(async () =>
        {
            all = await Client.ListItemsAsync("sdk-list", limit: 2).ToListAsync();
            return all.Count == 6;
        }, TimeSpan.FromSeconds(30), "six items listed, two a page");
        Assert.Equal([.. ids, "list-bad"], all.Select(e => e.Id));
        Assert.Equal(all.OrderBy(e => e.SubmittedAt).ThenBy(e => e.Id, StringComparer.Ordinal).Select(e => e.Id), all.Select(e => e.Id));
        Assert.All(all[..5], e => Assert.Equal((PipelineItemState.Final, Decision.Allow, Decision.Allow), (e.State, e.Provisional!.Value, e.Final!.Value)));

        var failed = Assert.Single(await Client.ListItemsAsync("sdk-list", PipelineItemState.Failed).ToListAsync());
        Assert.Equal("list-bad", failed.Id);
        Assert.Empty(await Client.ListItemsAsync("sdk-list", from: before.AddHours(-2), to: before.AddSeconds(-1)).ToListAsync());

        await Assert.ThrowsAsync<BadInputException>(async () => await Client.ListItemsAsync("sdk-list", limit: 0).ToListAsync());
        await Assert.ThrowsAsync<BadInputException>(async () => await Client.ListItemsAsync("sdk-list", from: before.AddDays(-8), to: before).ToListAsync());
        await Assert.ThrowsAsync<UnknownPipelineException>(async () => await Client.ListItemsAsync("sdk-none").ToListAsync());
    }

    [Fact]
    public async Task A_backfill_is_watched_to_the_end_and_keeps_the_old_final_beside_the_new()
    {
        await Client.PutPipelineAsync("sdk-backfill", PipelineTests.Moderation with { Archive = _archive.FullName });
        await Client.SubmitAsync("sdk-backfill", TestData.Image("apple.jpg"), "apple-1");
        PipelineItem? item = null;
        await Eventually.HoldsAsync(async () =>
        {
            item = await Client.GetItemAsync("sdk-backfill", "apple-1");
            return item.State == PipelineItemState.Final;
        }, TimeSpan.FromSeconds(60), "the apple's final result");

        var started = await Client.StartBackfillAsync("sdk-backfill", "4.3.0", id: "bf-1");
        Assert.Equal(("bf-1", "sdk-backfill", "moderation-heavy", "4.3.0"), (started.Id, started.Pipeline, started.Model, started.Version));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var seen = await Client.WatchBackfillAsync("sdk-backfill", "bf-1", TimeSpan.FromMilliseconds(200), timeout.Token).ToListAsync(timeout.Token);
        var done = seen[^1];
        Assert.All(seen[..^1], s => Assert.False(s.IsFinished));
        Assert.Equal((BackfillState.Completed, 1, 1, 0, 0), (done.State, done.Items, done.Rescored, done.Skipped, done.Failed));

        var rescored = await Client.GetItemAsync("sdk-backfill", "apple-1");
        Assert.Equal("bf-1", rescored.Final!.Backfill);
        Assert.Equivalent(item!.Final, Assert.Single(rescored.Superseded), strict: true);

        // Starting it again is the same backfill; cancelling a finished one does nothing.
        Assert.Equal(BackfillState.Completed, (await Client.StartBackfillAsync("sdk-backfill", "4.3.0", id: "bf-1")).State);
        Assert.Equal(BackfillState.Completed, (await Client.CancelBackfillAsync("sdk-backfill", "bf-1")).State);
        Assert.Contains(await Client.ListBackfillsAsync("sdk-backfill"), b => b.Id == "bf-1");

        var unknown = await Assert.ThrowsAsync<UnknownBackfillException>(() => Client.GetBackfillAsync("sdk-backfill", "nope"));
        Assert.Equal(("sdk-backfill", "nope"), (unknown.Pipeline, unknown.Backfill));
        await Assert.ThrowsAsync<BadInputException>(() => Client.StartBackfillAsync("sdk-backfill", "9.9.9"));
        await Assert.ThrowsAsync<UnknownPipelineException>(() => Client.ListBackfillsAsync("sdk-none"));
    }
}
