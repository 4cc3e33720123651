using System.Text.Json;
using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Grains.Pipelines;
using Argus.Grains.Storage;
using Argus.Inference.Storage;
using Argus.Pipelines;
using Argus.Silo.Auth;
using Argus.Silo.Hosting;
using Argus.Silo.Tenants;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Argus.Silo.Http;

/// <summary>
/// Two-tier pipelines: <c>PUT|GET|DELETE /v1/pipelines/{id}</c>, <c>GET /v1/pipelines</c>, <c>POST /v1/pipelines/{id}/items</c>
/// (one image, raw or multipart; an idempotency key in <c>Idempotency-Key</c> or <c>?item=</c>) and
/// <c>GET /v1/pipelines/{id}/items/{item}</c>; the listing <c>GET /v1/pipelines/{id}/items</c> is <see cref="PipelineItemListing"/>;
/// the finals as they come, <c>GET /v1/pipelines/{id}/finals</c> (server-sent events, <see cref="FinalsEventStream"/>), the
/// webhook's delivery status, <c>GET /v1/pipelines/{id}/webhook</c>, and the backfills in <see cref="PipelineBackfillEndpoints"/>.
/// A pipeline belongs to the tenant of the key that created it, and is unknown (404) to keys of other tenants, its items with it.
/// </summary>
internal static class PipelineEndpoints
{
    /// <summary>The header that names a submitted item (its idempotency key).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Answers with the labels of rules as given: the API's dictionary key policy would rename them.</summary>
    private static JsonSerializerOptions? s_views;

    public static void MapPipelineEndpoints(this IEndpointRouteBuilder app)
    {
        var pipelines = app.MapGroup("/v1/pipelines").AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception e) when (SiloLoss.Is(e))
            {
                return HttpErrors.SiloLost("The pipeline", e, context.HttpContext.Response);
            }
        });
        pipelines.MapGet("", ListAsync);
        pipelines.MapGet("/{id}", GetAsync);
        pipelines.MapPut("/{id}", PutAsync);
        pipelines.MapDelete("/{id}", RemoveAsync);
        pipelines.MapPost("/{id}/items", SubmitAsync).DisableAntiforgery();
        pipelines.MapGet("/{id}/items", PipelineItemListing.ListAsync);
        pipelines.MapGet("/{id}/items/{item}", GetItemAsync);
        pipelines.MapGet("/{id}/finals", WatchFinalsAsync);
        pipelines.MapGet("/{id}/webhook", GetWebhookAsync);
        pipelines.MapPipelineBackfillEndpoints();
    }

    /// <summary>
    /// Reads a pipeline's spec: a JSON object of its fields in snake_case. Every problem is listed: the JSON's (an unknown
    /// or repeated field, a wrong type), the spec's own against <paramref name="findModel"/>, the serving catalog, and a
    /// watch's and archive's against <paramref name="storage"/>'s roots and <paramref name="stores"/>' credentials, by the
    /// rules jobs' inputs and outputs follow.
    /// </summary>
    internal static (PipelineSpec? Spec, IReadOnlyList<string> Problems) ReadSpec(
        string id, byte[] body, JsonSerializerOptions json, Func<string, string?, Models.ModelInfo?> findModel, StorageOptions storage, ObjectStoreOptions stores)
    {
        var read = JsonFieldReader.ReadObject<PipelineSpec>(body, json);
        List<string> problems = [];
        if (!PipelineSpec.IsValidId(id))
        {
            problems.Add($"The pipeline id '{id}' must be 1 to 100 letters, digits, '.', '_' or '-', not starting with '.'.");
        }

        problems.AddRange(read.Problems);
        if (read.Value is { } spec)
        {
            problems.AddRange(spec.Validate(findModel));
            problems.AddRange(PipelineArchive.Problems(spec, storage, stores));
        }

        return (read.Value, problems);
    }

    private static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains, IOptions<JsonOptions> json)
    {
        var ids = await grains.GetGrain<IPipelineRegistryGrain>(0).ListAsync();
        var specs = await Task.WhenAll(ids.Select(async id => (Id: id, Spec: await grains.GetGrain<IPipelineGrain>(id).GetAsync())));
        var views = specs.Where(s => s.Spec is not null && Tenancy.MaySee(context.Tenant(), s.Spec.Tenant)).Select(s => new PipelineView(s.Id, s.Spec!));
        return Results.Json(views, Views(json));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, IGrainFactory grains, IOptions<JsonOptions> json) =>
        await FindAsync(id, context, grains) is { } spec ? Results.Json(new PipelineView(id, spec), Views(json)) : UnknownPipeline(id);

    private static async Task<IResult> PutAsync(
        string id, HttpRequest request, IGrainFactory grains, InferenceDoor door, IOptions<JsonOptions> json, IOptions<StorageOptions> storage,
        IOptions<ObjectStoreOptions> stores, ArgusSiloOptions silo)
    {
        var (body, unread) = await ReadRuleBodyAsync(request, "the pipeline's spec", door, silo);
        if (unread is not null)
        {
            return unread;
        }

        var (spec, problems) = ReadSpec(id, body!, json.Value.SerializerOptions, (name, version) => door.FindModel(name, version), storage.Value, stores.Value);
        if (problems.Count > 0)
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, $"Pipeline '{id}' is invalid:\n" + string.Join('\n', problems));
        }

        var pipeline = grains.GetGrain<IPipelineGrain>(id);
        var existing = await pipeline.GetAsync();
        if (existing is not null && !request.HttpContext.Sees(existing.Tenant))
        {
            return UnknownPipeline(id);
        }

        var (owner, refusal) = request.HttpContext.OwnerOf(spec!.Tenant, existing?.Tenant);
        if (refusal is not null)
        {
            return refusal;
        }

        var view = new PipelineView(id, spec with { Tenant = owner });
        await pipeline.PutAsync(view.Spec);
        return existing is null
            ? Results.Json(view, Views(json), statusCode: StatusCodes.Status201Created)
            : Results.Json(view, Views(json));
    }

    private static async Task<IResult> RemoveAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (await FindAsync(id, context, grains) is null)
        {
            return UnknownPipeline(id);
        }

        await grains.GetGrain<IPipelineGrain>(id).RemoveAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> SubmitAsync(string id, HttpRequest request, IGrainFactory grains, TenantLimiter limiter, ArgusSiloOptions silo)
    {
        if (await FindAsync(id, request.HttpContext, grains) is not { } spec)
        {
            return UnknownPipeline(id);
        }

        var header = request.Headers[IdempotencyKeyHeader].FirstOrDefault();
        var query = request.Query["item"].FirstOrDefault();
        if (header is not null && query is not null && header != query)
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput,
                $"The {IdempotencyKeyHeader} header ('{header}') and ?item= ('{query}') name different items; give one.");
        }

        var item = header ?? query ?? Guid.NewGuid().ToString("N");
        if (!PipelineSpec.IsValidId(item))
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput,
                $"The item id '{item}' must be 1 to 100 letters, digits, '.', '_' or '-', not starting with '.'.");
        }

        // The fast tier is interactive inference made for the pipeline's owner: it spends the owner's rate, as infer does.
        if (limiter.Admit(spec.Tenant) is { } throttled)
        {
            return HttpErrors.V1(HttpErrors.StatusOf(throttled.Kind), throttled.Kind, throttled.Message, request.HttpContext.Response, throttled.RetryAfterMs);
        }

        var (images, readError) = await InferenceEndpoints.ReadImagesAsync(request, silo.MaxRequestBytes);
        if (readError is not null)
        {
            return readError;
        }

        if (images.Count != 1)
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, $"An item is one image; the body holds {images.Count}.");
        }

        var grain = grains.GetGrain<IPipelineItemGrain>(PipelineItem.KeyOf(id, item));
        ItemSubmission submission;
        try
        {
            // A key seen before is answered from the store at once, not behind a heavy call the item may have out.
            submission = await grain.GetAsync() is { } known
                ? new ItemSubmission(known, Created: false, Refused: null)
                : await grain.SubmitAsync(spec, images[0].Data.AsImmutable(), source: null);
        }
        catch (Exception e) when (HttpErrors.FromException(e) is { } failure)
        {
            return HttpErrors.V1(HttpErrors.StatusOf(failure.Kind), failure.Kind, failure.Message, request.HttpContext.Response, failure.RetryAfterMs);
        }

        if (submission.Refused is { } refused)
        {
            return HttpErrors.V1(HttpErrors.StatusOf(refused.Kind), refused.Kind, refused.Message, request.HttpContext.Response, refused.RetryAfterMs);
        }

        var stored = submission.Item!;
        if (stored is { State: PipelineItemState.Failed, Error: { } reason })
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, reason.Kind,
                $"Item '{item}' of pipeline '{id}' failed and is stored as failed: {reason.Message}");
        }

        return submission.Created ? Results.Created($"/v1/pipelines/{id}/items/{item}", stored) : Results.Json(stored);
    }

    private static async Task<IResult> GetItemAsync(string id, string item, HttpContext context, IGrainFactory grains)
    {
        if (await FindAsync(id, context, grains) is null)
        {
            return UnknownPipeline(id);
        }

        return PipelineSpec.IsValidId(item) && await grains.GetGrain<IPipelineItemGrain>(PipelineItem.KeyOf(id, item)).GetAsync() is { } stored
            ? Results.Json(stored)
            : HttpErrors.V1(StatusCodes.Status404NotFound, "unknown_item", $"Pipeline '{id}' has no item '{item}'.");
    }

    /// <summary>
    /// The finals from <c>?since=</c> (ISO-8601; default now) or, on a reconnect, after <c>Last-Event-ID</c>; 400 with the
    /// reason when either is unreadable or out of range (<see cref="FinalsCursor.Start"/>).
    /// </summary>
    private static async Task<IResult> WatchFinalsAsync(string id, HttpRequest request, IGrainFactory grains, TimeProvider time, IOptions<JsonOptions> json)
    {
        if (await FindAsync(id, request.HttpContext, grains) is null)
        {
            return UnknownPipeline(id);
        }

        var (start, problem) = FinalsCursor.Start(
            request.Query["since"].FirstOrDefault(), request.Headers["Last-Event-ID"].FirstOrDefault(), time.GetUtcNow().UtcDateTime);
        return problem is null
            ? new FinalsEventStream(grains, id, start, json.Value.SerializerOptions, time)
            : HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, problem);
    }

    private static async Task<IResult> GetWebhookAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (await FindAsync(id, context, grains) is not { } spec)
        {
            return UnknownPipeline(id);
        }

        return spec.Webhook is null
            ? HttpErrors.V1(StatusCodes.Status404NotFound, "no_webhook", $"Pipeline '{id}' has no webhook.")
            : Results.Json(await grains.GetGrain<IPipelineWebhookGrain>(id).GetStatusAsync());
    }

    /// <summary>
    /// The JSON body of a request whose rules are checked against the serving catalog (a spec, a backfill): 415 unless it
    /// is JSON, the body's own limits, and 503 while this silo's models load, as the labels are known only then.
    /// </summary>
    internal static async Task<(byte[]? Body, IResult? Refusal)> ReadRuleBodyAsync(HttpRequest request, string what, InferenceDoor door, ArgusSiloOptions silo)
    {
        if (!request.HasJsonContentType())
        {
            return (null, HttpErrors.V1(StatusCodes.Status415UnsupportedMediaType, ErrorKind.BadInput,
                $"Send {what} as application/json; got '{request.ContentType ?? "no content type"}'."));
        }

        var (body, error) = await HttpErrors.ReadBodyAsync(request, silo.MaxRequestBytes, (s, m) => HttpErrors.V1(s, ErrorKind.BadInput, m));
        if (error is not null)
        {
            return (null, error);
        }

        return door.IsReady
            ? (body, null)
            : (null, HttpErrors.V1(StatusCodes.Status503ServiceUnavailable, ErrorKind.NotReady,
                "The silo is still loading its models; try again shortly.", request.HttpContext.Response, 1000));
    }

    /// <summary>The pipeline's spec when it exists and the caller may see it; an id no pipeline can have is unknown without asking a grain.</summary>
    internal static async Task<PipelineSpec?> FindAsync(string id, HttpContext context, IGrainFactory grains) =>
        PipelineSpec.IsValidId(id) && await grains.GetGrain<IPipelineGrain>(id).GetAsync() is { } spec && context.Sees(spec.Tenant) ? spec : null;

    internal static IResult UnknownPipeline(string id) =>
        HttpErrors.V1(StatusCodes.Status404NotFound, "unknown_pipeline", $"Unknown pipeline '{id}'.");

    private static JsonSerializerOptions Views(IOptions<JsonOptions> json) =>
        s_views ??= new JsonSerializerOptions(json.Value.SerializerOptions) { DictionaryKeyPolicy = null };

    /// <summary>A pipeline as the HTTP API shows it.</summary>
    internal sealed record PipelineView(string Id, PipelineSpec Spec);
}
