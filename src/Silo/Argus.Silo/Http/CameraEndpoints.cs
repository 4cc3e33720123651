using System.Globalization;
using Argus.Cameras;
using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Cameras;
using Argus.Inference.Storage;
using Argus.Silo.Auth;
using Argus.Silo.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Streams;

namespace Argus.Silo.Http;

/// <summary>
/// Cameras: <c>PUT|GET|DELETE /v1/cameras/{id}</c>, <c>GET /v1/cameras</c>, <c>POST /v1/cameras/{id}/frames</c> (one
/// encoded frame), <c>GET /v1/cameras/{id}/alerts</c> (server-sent events) and an alert's incident,
/// <c>GET /v1/cameras/{id}/incidents/{alert}</c> with its frames under <c>…/frames/{file}</c>. Each needs the <c>operate</c> role, pushing a
/// frame <c>infer</c> or <c>operate</c>; a camera belongs to the tenant of the key that added it, and is unknown (404) to keys
/// of other tenants.
/// </summary>
internal static class CameraEndpoints
{
    /// <summary>The header carrying a pushed frame's capture time (ISO 8601); without it, the time it arrived.</summary>
    public const string CapturedAtHeader = "X-Argus-Captured-At";

    public static void MapCameraEndpoints(this IEndpointRouteBuilder app)
    {
        var cameras = app.MapGroup("/v1/cameras").AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception e) when (SiloLoss.Is(e))
            {
                // The camera's (or the registry's) silo was lost.
                return HttpErrors.SiloLost("The camera", e, context.HttpContext.Response);
            }
        });
        cameras.MapGet("", ListAsync).RequireAuthorization(ArgusRoles.Operate);
        cameras.MapGet("/{id}", GetAsync).RequireAuthorization(ArgusRoles.Operate);
        cameras.MapPut("/{id}", ConfigureAsync).RequireAuthorization(ArgusRoles.Operate);
        cameras.MapDelete("/{id}", RemoveAsync).RequireAuthorization(ArgusRoles.Operate);
        cameras.MapPost("/{id}/frames", PushFrameAsync).DisableAntiforgery().RequireAuthorization(AuthExtensions.PushFramesPolicy);
        cameras.MapGet("/{id}/alerts", WatchAlertsAsync).RequireAuthorization(ArgusRoles.Operate);
        cameras.MapGet("/{id}/incidents/{alert}", GetIncidentAsync).RequireAuthorization(ArgusRoles.Operate);
        cameras.MapGet("/{id}/incidents/{alert}/frames/{file}", GetIncidentFrameAsync).RequireAuthorization(ArgusRoles.Operate);
    }

    /// <summary>The cameras the caller may see: its tenant's, or every one for a caller without a tenant.</summary>
    private static async Task<IResult> ListAsync(HttpContext context, IGrainFactory grains)
    {
        var ids = await grains.GetGrain<ICameraRegistryGrain>(0).ListAsync();
        var views = await Task.WhenAll(ids.Select(id => ViewAsync(grains.GetGrain<ICameraGrain>(id), id)));
        return Results.Json(views.Where(v => v is not null && Tenancy.MaySee(context.Tenant(), v.Config.Tenant)));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext context, IGrainFactory grains) =>
        CameraConfig.IsValidId(id) && await ViewAsync(grains.GetGrain<ICameraGrain>(id), id) is { } view && context.Sees(view.Config.Tenant)
            ? Results.Json(view)
            : UnknownCamera(id);

    private static async Task<IResult> ConfigureAsync(
        string id, HttpRequest request, IGrainFactory grains, CameraConfigValidator validator, IOptions<JsonOptions> json, ArgusSiloOptions silo)
    {
        if (!request.HasJsonContentType())
        {
            return HttpErrors.V1(StatusCodes.Status415UnsupportedMediaType, ErrorKind.BadInput,
                $"Send the camera's configuration as application/json; got '{request.ContentType ?? "no content type"}'.");
        }

        var (body, error) = await HttpErrors.ReadBodyAsync(request, silo.MaxRequestBytes, (s, m) => HttpErrors.V1(s, ErrorKind.BadInput, m));
        if (error is not null)
        {
            return error;
        }

        // The JSON's problems (a misspelt field, a wrong type) and the configuration's own, in one answer.
        var read = JsonFieldReader.ReadObject<CameraConfig>(body, json.Value.SerializerOptions);
        IReadOnlyList<string> problems = read.Value is { } given ? [.. read.Problems, .. validator.Validate(id, given)] : read.Problems;
        if (problems.Count > 0)
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, $"Camera '{id}': " + string.Join(" ", problems));
        }

        var camera = grains.GetGrain<ICameraGrain>(id);
        var existing = await camera.GetConfigAsync();
        if (existing is not null && !request.HttpContext.Sees(existing.Tenant))
        {
            return UnknownCamera(id);
        }

        var config = read.Value!;
        var (owner, refusal) = request.HttpContext.OwnerOf(config.Tenant, existing?.Tenant);
        if (refusal is not null)
        {
            return refusal;
        }

        try
        {
            await camera.ConfigureAsync(config with { Tenant = owner });
        }
        catch (BadInputException e)
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, e.Message);
        }

        var view = await ViewAsync(camera, id);
        return existing is null ? Results.Created($"/v1/cameras/{id}", view) : Results.Json(view);
    }

    private static async Task<IResult> RemoveAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (await FindAsync(id, context, grains) is not { } camera)
        {
            return UnknownCamera(id);
        }

        await camera.RemoveAsync();
        return Results.NoContent();
    }

    private static async Task<IResult> PushFrameAsync(
        string id, HttpRequest request, IGrainFactory grains, ArgusSiloOptions silo)
    {
        if (await FindAsync(id, request.HttpContext, grains) is not { } camera)
        {
            return UnknownCamera(id);
        }

        var capturedAt = DateTime.UtcNow;
        if (request.Headers[CapturedAtHeader].FirstOrDefault() is { Length: > 0 } header)
        {
            if (!DateTimeOffset.TryParse(header, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput,
                    $"{CapturedAtHeader} must be an ISO 8601 time, e.g. 2026-05-01T12:00:00.250Z (is '{header}').");
            }

            capturedAt = parsed.UtcDateTime;
        }

        var type = InferenceEndpoints.MediaType(request);
        if (type is null || !InferenceEndpoints.ImageTypes.Contains(type))
        {
            return HttpErrors.V1(StatusCodes.Status415UnsupportedMediaType, ErrorKind.BadInput,
                $"Send one encoded frame ({string.Join(", ", InferenceEndpoints.ImageTypes)}); got '{type ?? "no content type"}'.");
        }

        var (body, error) = await HttpErrors.ReadBodyAsync(request, silo.MaxRequestBytes, (s, m) => HttpErrors.V1(s, ErrorKind.BadInput, m));
        if (error is not null)
        {
            return error;
        }

        try
        {
            var outcome = await camera.PushFrameAsync(new Frame(body!, capturedAt).AsImmutable());
            return outcome == FrameOutcome.UnknownCamera ? UnknownCamera(id) : Results.Json(new FrameAnswer(outcome));
        }
        catch (BadInputException e)
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, e.Message);
        }
    }

    private static async Task<IResult> WatchAlertsAsync(
        string id, HttpContext context, IGrainFactory grains, IClusterClient client, IOptions<JsonOptions> json)
    {
        if (await FindAsync(id, context, grains) is not { } camera)
        {
            return UnknownCamera(id);
        }

        var stream = client.GetStreamProvider(AlertStreams.Provider).GetStream<Alert>(StreamId.Create(AlertStreams.Namespace, id));
        return new AlertEventStream(camera, stream, json.Value.SerializerOptions);
    }

    /// <summary>An alert's incident: 200 pending, or ready with its summary (each frame's file under <c>…/frames/</c>).</summary>
    private static async Task<IResult> GetIncidentAsync(string id, string alert, HttpContext context, IGrainFactory grains)
    {
        if (await FindAsync(id, context, grains) is not { } camera)
        {
            return UnknownCamera(id);
        }

        return long.TryParse(alert, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            && await camera.GetIncidentAsync(sequence) is { } incident
            ? Results.Json(incident)
            : UnknownIncident(id, alert);
    }

    /// <summary>One frame of a ready incident, as the camera received it.</summary>
    private static async Task<IResult> GetIncidentFrameAsync(
        string id, string alert, string file, HttpContext context, IGrainFactory grains, IOptions<StorageOptions> storage)
    {
        if (await FindAsync(id, context, grains) is not { } camera)
        {
            return UnknownCamera(id);
        }

        // Only a file the summary lists: its name is checked against the summary, never used as a path on its own.
        if (!long.TryParse(alert, NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
            || await camera.GetIncidentAsync(sequence) is not { Summary: { } summary }
            || !summary.Frames.Any(f => f.File == file) || IncidentFiles.MediaType(file) is not { } type
            || await Task.Run(() => IncidentFiles.Read(storage.Value, id, sequence, file)) is not { } bytes)
        {
            return HttpErrors.V1(StatusCodes.Status404NotFound, "unknown_incident", $"Camera '{id}' has no incident frame '{file}' of alert '{alert}'.");
        }

        return Results.Bytes(bytes, type);
    }

    /// <summary>404 for an alert without an incident (none configured then, or no such alert).</summary>
    private static IResult UnknownIncident(string id, string alert) =>
        HttpErrors.V1(StatusCodes.Status404NotFound, "unknown_incident",
            $"Camera '{id}' has no incident for alert '{alert}': only alerts raised while its configuration has an incident have one.");

    /// <summary>The camera named in the route when it is configured and the caller may see it; null otherwise.</summary>
    private static async Task<ICameraGrain?> FindAsync(string id, HttpContext context, IGrainFactory grains)
    {
        if (!CameraConfig.IsValidId(id))
        {
            return null;
        }

        var camera = grains.GetGrain<ICameraGrain>(id);
        return await camera.GetConfigAsync() is { } config && context.Sees(config.Tenant) ? camera : null;
    }

    private static async Task<CameraView?> ViewAsync(ICameraGrain camera, string id) =>
        await camera.GetConfigAsync() is { } config ? new CameraView(id, config, await camera.GetStatsAsync()) : null;

    /// <summary>404 for a camera not configured, or an id no camera can have (asking a grain keyed by it would fail).</summary>
    private static IResult UnknownCamera(string id) =>
        HttpErrors.V1(StatusCodes.Status404NotFound, "unknown_camera", CameraConfig.IsValidId(id)
            ? $"Unknown camera '{id}'."
            : $"Unknown camera '{id}': a camera id is 1 to {CameraConfig.MaxIdLength} letters, digits, '-', '_' or '.'.");

    internal sealed record CameraView(string Id, CameraConfig Config, CameraStats Stats);

    internal sealed record FrameAnswer(FrameOutcome Outcome);
}
