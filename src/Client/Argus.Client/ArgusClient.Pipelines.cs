using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using Argus.Pipelines;
using static Argus.Client.ArgusHttp;

namespace Argus.Client;

/// <summary>Two-tier pipelines, over the silos' HTTP API (<see cref="ArgusHttp"/>).</summary>
internal sealed partial class ArgusClient
{
    /// <summary>The header that names a submitted item.</summary>
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    public async Task<PipelineSpec> PutPipelineAsync(string id, PipelineSpec spec, CancellationToken cancellationToken) =>
        (await http.SendAsync<PipelineView>(new(HttpMethod.Put, Pipeline(id)) { Content = Body(spec) }, new(id), cancellationToken)).Spec;

    public async Task<PipelineSpec> PutPipelineAsync(string id, string specJson, CancellationToken cancellationToken) =>
        (await http.SendAsync<PipelineView>(
            new(HttpMethod.Put, Pipeline(id)) { Content = new StringContent(specJson, Encoding.UTF8, "application/json") }, new(id), cancellationToken)).Spec;

    public async Task<PipelineSpec> GetPipelineAsync(string id, CancellationToken cancellationToken) =>
        (await http.SendAsync<PipelineView>(new(HttpMethod.Get, Pipeline(id)), new(id), cancellationToken)).Spec;

    public async Task<IReadOnlyList<PipelineView>> ListPipelinesAsync(CancellationToken cancellationToken) =>
        [.. (await http.SendAsync<PipelineView[]>(new(HttpMethod.Get, "v1/pipelines"), new(""), cancellationToken)).OrderBy(p => p.Id, StringComparer.Ordinal)];

    public async Task<bool> DeletePipelineAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            using var _ = await http.SendCheckedAsync(new(HttpMethod.Delete, Pipeline(id)), new(id), cancellationToken);
            return true;
        }
        catch (Errors.UnknownPipelineException)
        {
            return false;
        }
    }

    public Task<PipelineItem> SubmitAsync(string pipeline, byte[] image, string? item, CancellationToken cancellationToken) =>
        SubmitAsync(pipeline, new ByteArrayContent(image), item, cancellationToken);

    public Task<PipelineItem> SubmitAsync(string pipeline, Stream image, string? item, CancellationToken cancellationToken) =>
        SubmitAsync(pipeline, new StreamContent(image), item, cancellationToken);

    public Task<PipelineItem> GetItemAsync(string pipeline, string item, CancellationToken cancellationToken) =>
        http.SendAsync<PipelineItem>(new(HttpMethod.Get, $"{Pipeline(pipeline)}/items/{Escape(item)}"), new(pipeline, Item: item), cancellationToken);

    public async IAsyncEnumerable<PipelineItemEntry> ListItemsAsync(
        string pipeline, PipelineItemState? state, DateTime? from, DateTime? to, int? limit, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The window is fixed by the first page: a cursor continues it, and "now" must not move under it.
        var query = Query(
            ("state", state is { } s ? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(s.ToString()) : null),
            ("from", from is { } f ? Time(f) : null),
            ("to", Time(to ?? time.GetUtcNow().UtcDateTime)),
            ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        string? after = null;
        do
        {
            var page = await http.SendAsync<ItemsPage>(
                new(HttpMethod.Get, $"{Pipeline(pipeline)}/items{query}{(after is null ? "" : "&after=" + Escape(after))}"), new(pipeline), cancellationToken);
            foreach (var entry in page.Items)
            {
                yield return entry;
            }

            after = page.Next;
        }
        while (after is not null);
    }

    public Task<BackfillStatus> StartBackfillAsync(
        string pipeline, string version, string? model, DateTime? from, DateTime? to, string? id, CancellationToken cancellationToken) =>
        http.SendAsync<BackfillStatus>(
            new(HttpMethod.Post, $"{Pipeline(pipeline)}/backfills") { Content = Body(new BackfillRequest(version, model, from, to, id)) },
            new(pipeline, Backfill: id), cancellationToken);

    public Task<BackfillStatus> GetBackfillAsync(string pipeline, string backfill, CancellationToken cancellationToken) =>
        http.SendAsync<BackfillStatus>(new(HttpMethod.Get, Backfill(pipeline, backfill)), new(pipeline, Backfill: backfill), cancellationToken);

    public async Task<IReadOnlyList<BackfillStatus>> ListBackfillsAsync(string pipeline, CancellationToken cancellationToken) =>
        await http.SendAsync<BackfillStatus[]>(new(HttpMethod.Get, $"{Pipeline(pipeline)}/backfills"), new(pipeline), cancellationToken);

    public Task<BackfillStatus> CancelBackfillAsync(string pipeline, string backfill, CancellationToken cancellationToken) =>
        http.SendAsync<BackfillStatus>(new(HttpMethod.Delete, Backfill(pipeline, backfill)), new(pipeline, Backfill: backfill), cancellationToken);

    public async IAsyncEnumerable<BackfillStatus> WatchBackfillAsync(
        string pipeline, string backfill, TimeSpan? period, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var every = period ?? DefaultWatchPeriod;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(every, TimeSpan.Zero, nameof(period));
        while (true)
        {
            var status = await GetBackfillAsync(pipeline, backfill, cancellationToken);
            yield return status;
            if (status.IsFinished)
            {
                yield break;
            }

            await Task.Delay(every, time, cancellationToken);
        }
    }

    private async Task<PipelineItem> SubmitAsync(string pipeline, HttpContent image, string? item, CancellationToken cancellationToken)
    {
        // The silo reads the image's format from its bytes; octet-stream says only that the body is one image.
        image.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Post, $"{Pipeline(pipeline)}/items") { Content = image };
        if (item is not null)
        {
            request.Headers.Add(IdempotencyKeyHeader, item);
        }

        return await http.SendAsync<PipelineItem>(request, new(pipeline, Item: item), cancellationToken);
    }

    private static string Pipeline(string id) => $"v1/pipelines/{Escape(id)}";

    private static string Backfill(string pipeline, string backfill) => $"{Pipeline(pipeline)}/backfills/{Escape(backfill)}";

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>A query string of the parameters that have a value.</summary>
    private static string Query(params (string Name, string? Value)[] parameters) =>
        "?" + string.Join('&', parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Escape(p.Value!)}"));

    /// <summary>A page of <c>GET /v1/pipelines/{id}/items</c>; <see cref="Next"/> continues it, null after the last page.</summary>
    private sealed record ItemsPage(PipelineItemEntry[] Items, string? Next);

    /// <summary>The body of <c>POST /v1/pipelines/{id}/backfills</c>.</summary>
    private sealed record BackfillRequest(string Version, string? Model, DateTime? From, DateTime? To, string? Id);
}
