using System.Text.Json.Serialization;
using Argus.Errors;
using Argus.Pipelines;

namespace Argus.Silo.Http;

/// <summary>
/// <c>GET /v1/pipelines/{id}/items</c>: a page of a pipeline's items in the order (submitted, id), read from the index
/// grains of the window's minutes (<see cref="PipelineMinutes"/>), the query and cursor as <see cref="PipelineItemsQuery"/>
/// reads them.
/// </summary>
internal static class PipelineItemListing
{
    /// <summary>
    /// Minute grains asked at once: an hour's window in one round trip, while a page found in the first minutes of a
    /// week's window does not wake the week's ten thousand grains.
    /// </summary>
    private const int MinutesPerRound = 60;

    public static async Task<IResult> ListAsync(string id, HttpContext context, IGrainFactory grains, TimeProvider time)
    {
        if (await PipelineEndpoints.FindAsync(id, context, grains) is null)
        {
            return PipelineEndpoints.UnknownPipeline(id);
        }

        var (query, problems) = PipelineItemsQuery.Parse(context.Request.QueryString.Value, time.GetUtcNow().UtcDateTime);
        return query is null
            ? HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, $"The listing of pipeline '{id}' is invalid:\n" + string.Join('\n', problems))
            : Results.Json(await ReadAsync(id, query, grains));
    }

    /// <summary>The page <paramref name="query"/> asks of <paramref name="pipeline"/>'s items, with the cursor after it when the window holds more.</summary>
    private static async Task<PipelineItemsPage> ReadAsync(string pipeline, PipelineItemsQuery query, IGrainFactory grains)
    {
        List<PipelineItemEntry> items = [];
        foreach (var round in query.Minutes().Chunk(MinutesPerRound))
        {
            var need = query.Limit - items.Count;
            var minutes = await Task.WhenAll(round.Select(minute => ReadMinuteAsync(pipeline, minute, query, need, grains)));
            foreach (var entry in minutes.SelectMany(m => m))
            {
                items.Add(entry);
                if (items.Count == query.Limit)
                {
                    return new PipelineItemsPage(items, PipelineItemsCursor.After(entry).ToString());
                }
            }
        }

        return new PipelineItemsPage(items, null);
    }

    /// <summary>Up to <paramref name="need"/> entries of one minute that lie in the window and after the cursor.</summary>
    private static async Task<List<PipelineItemEntry>> ReadMinuteAsync(string pipeline, DateTime minute, PipelineItemsQuery query, int need, IGrainFactory grains)
    {
        var index = grains.GetGrain<IPipelineItemsGrain>(PipelineMinutes.KeyOf(pipeline, minute));
        var after = query.After is { } cursor && cursor.Minute == minute ? cursor.Id : null;
        List<PipelineItemEntry> found = [];
        while (true)
        {
            // Only the window's first and last minutes hold entries outside it: those are read past, page by page.
            var page = await index.ListAsync(query.State, after, need);
            found.AddRange(page.Where(e => query.Holds(e.SubmittedAt)));
            if (page.Count < need || found.Count >= need || page[^1].SubmittedAt >= query.To)
            {
                return found;
            }

            after = page[^1].Id;
        }
    }

    /// <summary>A page of items, and the cursor to pass as <c>after</c> for the next one (null once the window is read to its end).</summary>
    internal sealed record PipelineItemsPage(
        IReadOnlyList<PipelineItemEntry> Items,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Next);
}
