using System.Text.Json;
using System.Text.Json.Serialization;
using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Inference.Telemetry;
using Argus.Silo.Auth;
using Argus.Silo.Hosting;
using Argus.Silo.Tenants;

namespace Argus.Silo.Http;

/// <summary>
/// Argus' own HTTP API: <c>POST /v1/models/{model}/infer</c> with one image as the body or several as multipart, for the
/// caller's tenant, within its rate (<see cref="TenantLimiter"/>).
/// </summary>
internal static class InferenceEndpoints
{
    /// <summary>The content types of a body that is one encoded image.</summary>
    internal static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/bmp", "image/webp", "application/octet-stream"];

    public static void MapInferenceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/models", (InferenceDoor door) => door.Models);
        app.MapGet("/v1/devices", (InferenceDoor door, CancellationToken cancellationToken) => door.GetDevicesAsync(cancellationToken));
        app.MapPost("/v1/models/{model}/infer", InferAsync).DisableAntiforgery();
    }

    private static async Task<IResult> InferAsync(
        string model, HttpRequest request, InferenceDoor door, TenantLimiter limiter, ArgusSiloOptions silo, CancellationToken cancellationToken)
    {
        if (!RequestOptions.TryParse(request, Lane.Interactive, out var options, out var invalid))
        {
            return HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, invalid!);
        }

        var tenant = request.HttpContext.Tenant();
        if (limiter.Admit(tenant) is { } throttled)
        {
            return HttpErrors.V1(HttpErrors.StatusOf(throttled.Kind), throttled.Kind, throttled.Message, request.HttpContext.Response, throttled.RetryAfterMs);
        }

        var (images, readError) = await ReadImagesAsync(request, silo.MaxRequestBytes);
        if (readError is not null)
        {
            return readError;
        }

        InferenceResponse response;
        try
        {
            InferenceInput[] inputs;
            using (StageClock.Start(ServingStage.Read))
            {
                inputs = [.. images.Select(i => InferenceInput.FromImage(i.Data))];
            }

            var call = new InferenceRequest(model, inputs, options.Lane, options.Deadline, Version: options.Version, Tenant: tenant);
            response = await door.InferAsync(call, options.RouteKey, cancellationToken);
        }
        catch (Exception e) when (HttpErrors.FromException(e) is { } error)
        {
            return HttpErrors.V1(HttpErrors.StatusOf(error.Kind), error.Kind, error.Message, request.HttpContext.Response, error.RetryAfterMs);
        }

        using var write = StageClock.Start(ServingStage.Write);
        var results = new V1Item[response.Items.Count];
        // The request fails as a whole only when every item failed the same way (one image: its own error); it then
        // carries that error at the top, as every failed v1 request does, and its items keep theirs.
        var first = response.Items.Count > 0 ? response.Items[0].Error : null;
        var failedAlike = first is not null;
        double? retryAfterMs = null;
        for (var i = 0; i < results.Length; i++)
        {
            var item = response.Items[i];
            results[i] = new V1Item(
                i, images[i].Name, item.Embedding, item.Classes, item.Detections,
                item.QueueMs, item.PreprocessMs, item.ComputeMs, item.BatchSize,
                item.Error is null ? null : HttpErrors.V1Error.Of(item.Error));
            failedAlike &= item.Error?.Kind == first?.Kind;
            retryAfterMs = item.Error?.RetryAfterMs is { } after && !(after <= retryAfterMs) ? after : retryAfterMs;
        }

        var status = StatusCodes.Status200OK;
        HttpErrors.V1Error? failure = null;
        if (failedAlike)
        {
            status = HttpErrors.StatusOf(first!.Kind);
            failure = results.Length == 1 ? HttpErrors.V1Error.Of(first) : new(HttpErrors.Code(first.Kind), $"Every image failed: {first.Message}");
            HttpErrors.SetRetryAfter(request.HttpContext.Response, status, retryAfterMs);
        }

        var body = new V1InferResponse(response.Model, response.Version, response.Device, response.DeviceKind, results, failure);
        return Results.Json(body, V1Json.Default.V1InferResponse, statusCode: status);
    }

    /// <summary>The images of a request: its body as one image, or the files of a multipart body; or the 4xx that refuses it.</summary>
    internal static async Task<(IReadOnlyList<(string? Name, byte[] Data)> Images, IResult? Error)> ReadImagesAsync(HttpRequest request, long limit)
    {
        var type = MediaType(request);
        var multipart = type == "multipart/form-data";
        if (!multipart && (type is null || !ImageTypes.Contains(type)))
        {
            return ([], HttpErrors.V1(StatusCodes.Status415UnsupportedMediaType, ErrorKind.BadInput,
                $"Send an image ({string.Join(", ", ImageTypes)}) or multipart/form-data with image files; got '{type ?? "no content type"}'."));
        }

        var (body, error) = await HttpErrors.ReadBodyAsync(request, limit, (s, m) => HttpErrors.V1(s, ErrorKind.BadInput, m));
        if (error is not null)
        {
            return ([], error);
        }

        if (!multipart)
        {
            return ([(null, body!)], null);
        }

        var read = await MultipartImages.ReadAsync(body!, request.ContentType, request.HttpContext.RequestAborted);
        return read.Error is null ? (read.Images, null) : ([], HttpErrors.V1(StatusCodes.Status400BadRequest, ErrorKind.BadInput, read.Error));
    }

    /// <summary>The request's media type without parameters, lower case; null when it has none.</summary>
    internal static string? MediaType(HttpRequest request) => request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();

    internal sealed record V1Item(
        int Index, string? Name, float[]? Embedding, IReadOnlyList<ClassScore>? Classes, IReadOnlyList<Detection>? Detections,
        double QueueMs, double PreprocessMs, double ComputeMs, int BatchSize, HttpErrors.V1Error? Error);

    internal sealed record V1InferResponse(
        string Model, string Version, string Device, string DeviceKind, IReadOnlyList<V1Item> Results, HttpErrors.V1Error? Error);
}

/// <summary>
/// The v1 answer's JSON, generated at build time with the settings every Argus endpoint uses (snake_case, nulls left
/// out; <c>SiloHostExtensions.UseArgusJson</c>): written on every request, it skips reflection-built metadata.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(InferenceEndpoints.V1InferResponse))]
internal sealed partial class V1Json : JsonSerializerContext;
