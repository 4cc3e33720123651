using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Models;
using Argus.Silo.Auth;
using Argus.Silo.Hosting;
using Argus.Silo.Tenants;

namespace Argus.Silo.Http.OpenInference;

/// <summary>
/// The Open Inference Protocol v2 (KServe's and Triton's REST protocol), so existing clients work unchanged:
/// health, server and model metadata, and inference on FP32 tensors or on BYTES tensors of encoded images, as JSON or
/// with the binary tensor data extension (<c>Inference-Header-Content-Length</c>). Requests are read and checked by
/// <see cref="InferRequestReader"/>, answered by <see cref="InferResponseWriter"/>. Inference runs for the caller's tenant,
/// within its rate (<see cref="TenantLimiter"/>).
/// </summary>
internal static class OpenInferenceEndpoints
{
    public static void MapOpenInferenceEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v2", () => Results.Json(ServerMetadata.Argus));
        app.MapGet("/v2/health/live", () => Results.Ok()).AllowAnonymous();
        app.MapGet("/v2/health/ready", (InferenceDoor d) => d.IsReady ? Results.Ok() : Error(StatusCodes.Status503ServiceUnavailable, OpenInferenceCall.Loading)).AllowAnonymous();
        app.MapGet("/v2/models/{model}", (string model, InferenceDoor d) => Metadata(d, model, null));
        app.MapGet("/v2/models/{model}/versions/{version}", (string model, string version, InferenceDoor d) => Metadata(d, model, version));
        app.MapGet("/v2/models/{model}/ready", (string model, InferenceDoor d) => Ready(d, model, null));
        app.MapGet("/v2/models/{model}/versions/{version}/ready", (string model, string version, InferenceDoor d) => Ready(d, model, version));
        app.MapPost("/v2/models/{model}/infer",
            (string model, HttpContext c, InferenceDoor d, TenantLimiter l, ArgusSiloOptions s) => InferAsync(c, d, l, s, model, null));
        app.MapPost("/v2/models/{model}/versions/{version}/infer",
            (string model, string version, HttpContext c, InferenceDoor d, TenantLimiter l, ArgusSiloOptions s) => InferAsync(c, d, l, s, model, version));
    }

    private static IResult Metadata(InferenceDoor devices, string name, string? version) =>
        OpenInferenceCall.Find(devices, name, version, out var model) is { } error
            ? Failed(null, error)
            : Results.Json(ModelMetadata.Of(devices, model!, version));

    private static IResult Ready(InferenceDoor devices, string name, string? version) =>
        OpenInferenceCall.Find(devices, name, version, out _) is { } error ? Failed(null, error) : Results.Ok();

    private static async Task<IResult> InferAsync(
        HttpContext context, InferenceDoor devices, TenantLimiter limiter, ArgusSiloOptions silo, string name, string? version)
    {
        var request = context.Request;
        if (!RequestOptions.TryParse(request, Lane.Interactive, out var options, out var invalid))
        {
            return Error(StatusCodes.Status400BadRequest, invalid!);
        }

        var tenant = context.Tenant();
        if (OpenInferenceCall.Admit(devices, limiter, tenant, name, version, out var model) is { } refused)
        {
            return Failed(context.Response, refused);
        }

        var (body, readError) = await HttpErrors.ReadRentedBodyAsync(request, silo.MaxRequestBytes, Error);
        if (readError is not null)
        {
            return readError;
        }

        // Every item is copied out of the body when it is read, so the rented array goes back once the call has answered.
        using var rented = body!;
        var headerLength = request.Headers[InferRequestReader.HeaderLength].FirstOrDefault();
        var (answer, error) = await OpenInferenceCall.RunAsync(devices, tenant, model!, version, options, () => RouteKeys.Of(rented.Memory.Span),
            m => InferRequestReader.Read(rented.Memory, headerLength, m), context.RequestAborted);
        return error is not null ? Failed(context.Response, error) : new InferResponseWriter(answer!.Model, answer.Request, answer.Response);
    }

    private static IResult Failed(HttpResponse? response, InferenceError error)
    {
        var status = HttpErrors.StatusOf(error.Kind);
        if (response is not null)
        {
            HttpErrors.SetRetryAfter(response, status, error.RetryAfterMs);
        }

        return Error(status, error.Message);
    }

    /// <summary>The protocol's error object.</summary>
    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
