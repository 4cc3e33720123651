using System.Text.Json;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Pipelines;
using Argus.Silo.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Http;

/// <summary>
/// A pipeline's backfills: <c>POST /v1/pipelines/{id}/backfills</c> (202, the backfill's status; an id already started
/// answers that backfill), <c>GET …/backfills</c>, <c>GET …/backfills/{b}</c> and <c>DELETE …/backfills/{b}</c> (cancels).
/// A backfill belongs to its pipeline: unknown (404) to keys that may not see the pipeline.
/// </summary>
internal static class PipelineBackfillEndpoints
{
    public static void MapPipelineBackfillEndpoints(this RouteGroupBuilder pipelines)
    {
        pipelines.MapPost("/{id}/backfills", StartAsync);
        pipelines.MapGet("/{id}/backfills", ListAsync);
        pipelines.MapGet("/{id}/backfills/{backfill}", (string id, string backfill, HttpContext context, IGrainFactory grains) =>
            CallAsync(id, backfill, context, grains, b => b.GetAsync()));
        pipelines.MapDelete("/{id}/backfills/{backfill}", (string id, string backfill, HttpContext context, IGrainFactory grains) =>
            CallAsync(id, backfill, context, grains, b => b.CancelAsync()));
    }

    /// <summary>
    /// Reads a backfill request for pipeline <paramref name="pipeline"/> (<paramref name="spec"/>, created at
    /// <paramref name="created"/>): a JSON object of <c>version</c>, and optionally <c>model</c> (default: the heavy model),
    /// <c>from</c> and <c>to</c> (ISO-8601 on submit time; default: from the pipeline's creation to <paramref name="now"/>,
    /// which also caps <c>to</c>) and <c>id</c> (default: a fresh one). Every problem is listed: the JSON's and the
    /// request's own against <paramref name="findModel"/>, the serving catalog.
    /// </summary>
    internal static (BackfillSpec? Spec, IReadOnlyList<string> Problems) ReadRequest(
        string pipeline, PipelineSpec spec, DateTime? created, DateTime now, byte[] body, JsonSerializerOptions json,
        Func<string, string?, Models.ModelInfo?> findModel)
    {
        var read = JsonFieldReader.ReadObject<BackfillRequest>(body, json, "id");
        List<string> problems = [.. read.Problems];
        var id = JsonFieldReader.ReadString(read, "id", problems);
        if (read.Value is not { } request)
        {
            return (null, problems);
        }

        var model = request.Model ?? spec.HeavyModel;
        var from = request.From?.UtcDateTime ?? created;
        var to = request.To is { } end && end.UtcDateTime < now ? end.UtcDateTime : now;
        problems.AddRange(BackfillSpec.Problems(spec, id, model, request.Version, from, to, findModel));
        return problems.Count > 0
            ? (null, problems)
            : (new BackfillSpec(pipeline, id ?? Guid.NewGuid().ToString("N"), model, request.Version!, from!.Value, to, spec.HeavyRule, spec.Tenant), problems);
    }

    private static async Task<IResult> StartAsync(
        string id, HttpRequest request, IGrainFactory grains, InferenceDoor door, TimeProvider time, IOptions<JsonOptions> json, ArgusSiloOptions silo)
    {
        if (await PipelineEndpoints.FindAsync(id, request.HttpContext, grains) is not { } spec)
        {
            return PipelineEndpoints.UnknownPipeline(id);
        }

        var (body, refusal) = await PipelineEndpoints.ReadRuleBodyAsync(request, "the backfill", door, silo);
        if (refusal is not null)
        {
            return refusal;
        }

        var created = await grains.GetGrain<IPipelineGrain>(id).GetCreatedAtAsync();
        var (backfill, problems) = ReadRequest(
            id, spec, created, time.GetUtcNow().UtcDateTime, body!, json.Value.SerializerOptions, (name, version) => door.FindModel(name, version));
        if (problems.Count > 0)
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, $"The backfill of pipeline '{id}' is invalid:\n" + string.Join('\n', problems));
        }

        var status = await grains.GetGrain<IPipelineBackfillGrain>(BackfillSpec.KeyOf(id, backfill!.Id)).StartAsync(backfill);
        return Results.Accepted($"/v1/pipelines/{id}/backfills/{status.Id}", status);
    }

    private static async Task<IResult> ListAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (await PipelineEndpoints.FindAsync(id, context, grains) is null)
        {
            return PipelineEndpoints.UnknownPipeline(id);
        }

        var ids = await grains.GetGrain<IPipelineBackfillRegistryGrain>(id).ListAsync();
        var statuses = await Task.WhenAll(ids.Select(b => grains.GetGrain<IPipelineBackfillGrain>(BackfillSpec.KeyOf(id, b)).GetAsync()));
        return Results.Json(statuses.OfType<BackfillStatus>());
    }

    private static async Task<IResult> CallAsync(
        string id, string backfill, HttpContext context, IGrainFactory grains, Func<IPipelineBackfillGrain, Task<BackfillStatus?>> call)
    {
        if (await PipelineEndpoints.FindAsync(id, context, grains) is null)
        {
            return PipelineEndpoints.UnknownPipeline(id);
        }

        return PipelineSpec.IsValidId(backfill) && await call(grains.GetGrain<IPipelineBackfillGrain>(BackfillSpec.KeyOf(id, backfill))) is { } status
            ? Results.Json(status)
            : HttpErrors.V1(StatusCodes.Status404NotFound, "unknown_backfill", $"Pipeline '{id}' has no backfill '{backfill}'.");
    }

    /// <summary>A backfill request's fields but its id.</summary>
    /// <param name="Version">The model version the history is re-scored with.</param>
    /// <param name="Model">The model; null: the pipeline's heavy model.</param>
    /// <param name="From">The window's start on submit time; null: the pipeline's creation.</param>
    /// <param name="To">The window's end on submit time; null: now.</param>
    internal sealed record BackfillRequest(string? Version, string? Model, DateTimeOffset? From, DateTimeOffset? To);
}
