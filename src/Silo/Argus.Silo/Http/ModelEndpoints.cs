using System.Text.Json;
using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Grains.Models;
using Argus.Models;
using Argus.Silo.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Http;

/// <summary>
/// Model versions at run time. The model repository in the shape of Triton's repository extension
/// (<c>GET|POST /v2/repository/index</c>, <c>POST /v2/repository/models/{m}/load</c> with the version's definition,
/// <c>POST /v2/repository/models/{m}/unload</c> with <c>{"version"}</c>; errors as v2's <c>{"error"}</c>), and each
/// model's rollout (<c>GET|PUT /v1/models/{m}/rollout</c>, <c>POST /v1/models/{m}/rollout/promote|rollback</c>; errors
/// as v1's).
/// </summary>
internal static class ModelEndpoints
{
    public static void MapModelEndpoints(this IEndpointRouteBuilder app)
    {
        var repository = app.MapGroup("/v2/repository").AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context);
            }
            catch (Exception e) when (StatusOf(e) is { } status)
            {
                return V2Error(status, e.Message);
            }
        });
        repository.MapGet("/index", IndexAsync);
        repository.MapPost("/index", IndexAsync);
        repository.MapPost("/models/{model}/load", LoadAsync);
        repository.MapPost("/models/{model}/unload", UnloadAsync);

        var rollout = app.MapGroup("/v1/models/{model}/rollout").AddEndpointFilter(async (context, next) =>
        {
            var model = (string)context.HttpContext.GetRouteValue("model")!;
            if (context.HttpContext.RequestServices.GetRequiredService<InferenceDoor>().FindModel(model) is null)
            {
                return HttpErrors.V1(StatusCodes.Status404NotFound, ErrorKind.UnknownModel, $"Unknown model '{model}'.");
            }

            try
            {
                return await next(context);
            }
            catch (Exception e) when (StatusOf(e) is { } status)
            {
                return HttpErrors.V1(status, status switch
                {
                    StatusCodes.Status404NotFound => "unknown_version",
                    StatusCodes.Status409Conflict => "rollout_conflict",
                    StatusCodes.Status503ServiceUnavailable => HttpErrors.Code(ErrorKind.NotReady),
                    _ => HttpErrors.Code(ErrorKind.BadInput),
                }, e.Message);
            }
        });
        rollout.MapGet("", async (string model, IGrainFactory grains) => Results.Json(await RolloutTable.GrainOf(grains, model).CompareAsync()));
        rollout.MapPut("", SetRolloutAsync);
        rollout.MapPost("/promote", (string model, IGrainFactory grains, RolloutTable table) =>
            ChangeAsync(model, table, RolloutTable.GrainOf(grains, model).PromoteAsync()));
        rollout.MapPost("/rollback", async (string model, HttpRequest request, IGrainFactory grains, RolloutTable table, ArgusSiloOptions silo) =>
        {
            var (body, error) = await HttpErrors.ReadBodyAsync(request, silo.MaxRequestBytes, (s, m) => HttpErrors.V1(s, ErrorKind.BadInput, m));
            if (error is not null)
            {
                return error;
            }

            var reason = body!.Length == 0 ? "" : ReadString(body, "reason");
            return await ChangeAsync(model, table, RolloutTable.GrainOf(grains, model).RollbackAsync(reason ?? "by request"));
        });
    }

    /// <summary>The status of a repository or rollout failure; null for one that is not the caller's to see as such.</summary>
    private static int? StatusOf(Exception e) => e switch
    {
        BadInputException => StatusCodes.Status400BadRequest,
        UnknownModelException or UnknownVersionException => StatusCodes.Status404NotFound,
        ModelConflictException => StatusCodes.Status409Conflict,
        _ when SiloLoss.Is(e) => StatusCodes.Status503ServiceUnavailable,
        _ => null,
    };

    /// <summary>
    /// Every version the cluster knows: warm on some device (<c>READY</c>), or loaded here or recorded by the
    /// repository but warm nowhere yet (<c>UNAVAILABLE</c>, with the reason).
    /// </summary>
    private static async Task<IResult> IndexAsync(InferenceDoor door, IGrainFactory grains)
    {
        // The directory itself, not this silo's copy of it: a load or unload just answered shows at once.
        var devices = await grains.GetGrain<IDeviceDirectoryGrain>(0).GetDevicesAsync();
        var state = await grains.GetGrain<IModelRepositoryGrain>(0).GetAsync();
        var warm = devices.SelectMany(d => d.Models.Select(m => (m.Name, m.Version, d.Key))).ToLookup(m => (m.Name.ToLowerInvariant(), m.Version));
        var known = warm.Select(g => g.First()).Select(m => (m.Name, m.Version))
            .Concat(door.Models.Select(m => (m.Name, m.Version)))
            .Concat(state.Loaded.Select(d => (d.Name, d.Version)))
            .DistinctBy(m => (m.Name.ToLowerInvariant(), m.Version))
            .OrderBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ThenBy(m => m.Version, StringComparer.Ordinal);
        return Results.Json(known.Select(m =>
        {
            var on = warm[(m.Name.ToLowerInvariant(), m.Version)].Select(w => w.Key).ToArray();
            return new RepositoryEntry(m.Name, m.Version, on.Length > 0 ? "READY" : "UNAVAILABLE",
                on.Length > 0 ? "" : "not warm on any device", on);
        }));
    }

    private static async Task<IResult> LoadAsync(string model, HttpRequest request, IGrainFactory grains, ArgusSiloOptions silo)
    {
        if (!request.HasJsonContentType())
        {
            return V2Error(StatusCodes.Status415UnsupportedMediaType,
                $"Send the version's definition as application/json; got '{request.ContentType ?? "no content type"}'.");
        }

        var (body, error) = await HttpErrors.ReadBodyAsync(request, silo.MaxRequestBytes, V2Error);
        if (error is not null)
        {
            return error;
        }

        var definition = ModelDefinitions.FromBody(model, body!);
        return Results.Json(await grains.GetGrain<IModelRepositoryGrain>(0).LoadAsync(definition));
    }

    private static async Task<IResult> UnloadAsync(string model, HttpRequest request, IGrainFactory grains, ArgusSiloOptions silo)
    {
        var (body, error) = await HttpErrors.ReadBodyAsync(request, silo.MaxRequestBytes, V2Error);
        if (error is not null)
        {
            return error;
        }

        var version = ReadString(body!, "version") ?? throw new BadInputException("Name the version to unload: {\"version\": \"2\"}.");
        return Results.Json(await grains.GetGrain<IModelRepositoryGrain>(0).UnloadAsync(model, version));
    }

    private static async Task<IResult> SetRolloutAsync(
        string model, HttpRequest request, IGrainFactory grains, RolloutTable table, IOptions<JsonOptions> json, ArgusSiloOptions silo)
    {
        var (body, error) = await HttpErrors.ReadBodyAsync(request, silo.MaxRequestBytes, (s, m) => HttpErrors.V1(s, ErrorKind.BadInput, m));
        if (error is not null)
        {
            return error;
        }

        var read = JsonFieldReader.ReadObject<RolloutSpec>(body!, json.Value.SerializerOptions);
        if (read.Problems.Count > 0 || read.Value is null)
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, $"The rollout is refused: {string.Join(" ", read.Problems)}");
        }

        return await ChangeAsync(model, table, RolloutTable.GrainOf(grains, model).SetAsync(read.Value));
    }

    /// <summary>Answers a rollout change, which this silo's door routes by from now on.</summary>
    private static async Task<IResult> ChangeAsync(string model, RolloutTable table, Task<Rollout> change)
    {
        var rollout = await change;
        table.Invalidate(model);
        return Results.Json(rollout);
    }

    /// <summary>A top-level string of a small JSON object; null when absent.</summary>
    /// <exception cref="BadInputException">The body is not a JSON object, or the field is not a string.</exception>
    private static string? ReadString(byte[] body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 8 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new BadInputException("The body must be a JSON object.");
            }

            return document.RootElement.TryGetProperty(name, out var value)
                ? value.ValueKind == JsonValueKind.String ? value.GetString() : throw new BadInputException($"{name} must be a string.")
                : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new BadInputException($"The body is not valid JSON: {e.Message}");
        }
    }

    private static IResult V2Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);

    /// <summary>One entry of the repository index, Triton's fields plus the devices a ready version is warm on.</summary>
    internal sealed record RepositoryEntry(string Name, string Version, string State, string Reason, IReadOnlyList<string> Devices);
}
