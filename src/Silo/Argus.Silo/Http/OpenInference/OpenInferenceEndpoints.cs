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
        app.MapGet("/v2", () => Results.Json(new
        {
            name = "argus",
            version = typeof(OpenInferenceEndpoints).Assembly.GetName().Version?.ToString(),
            extensions = new[] { "binary_tensor_data" },
        }));
        app.MapGet("/v2/health/live", () => Results.Ok()).AllowAnonymous();
        app.MapGet("/v2/health/ready", (InferenceDoor d) => d.IsReady ? Results.Ok() : Error(StatusCodes.Status503ServiceUnavailable, "Models are loading.")).AllowAnonymous();
        app.MapGet("/v2/models/{model}", (string model, InferenceDoor d) => Metadata(d, model, null));
        app.MapGet("/v2/models/{model}/versions/{version}", (string model, string version, InferenceDoor d) => Metadata(d, model, version));
        app.MapGet("/v2/models/{model}/ready", (string model, InferenceDoor d) => Ready(d, model, null));
        app.MapGet("/v2/models/{model}/versions/{version}/ready", (string model, string version, InferenceDoor d) => Ready(d, model, version));
        app.MapPost("/v2/models/{model}/infer",
            (string model, HttpContext c, InferenceDoor d, TenantLimiter l, ArgusSiloOptions s) => InferAsync(c, d, l, s, model, null));
        app.MapPost("/v2/models/{model}/versions/{version}/infer",
            (string model, string version, HttpContext c, InferenceDoor d, TenantLimiter l, ArgusSiloOptions s) => InferAsync(c, d, l, s, model, version));
    }

    private static IResult Metadata(InferenceDoor devices, string name, string? version)
    {
        if (Find(devices, name, version, out var model) is { } error)
        {
            return error;
        }

        return Results.Json(new
        {
            name = model!.Name,
            versions = version is null ? devices.VersionsOf(model.Name) : [model.Version],
            platform = "onnxruntime_onnx",
            inputs = new[] { new { name = model.Input.Name, datatype = "FP32", shape = model.Input.Shape } },
            outputs = new[] { new { name = model.Output.Name, datatype = "FP32", shape = model.Output.Shape } },
        });
    }

    private static IResult Ready(InferenceDoor devices, string name, string? version) =>
        Find(devices, name, version, out _) ?? Results.Ok();

    private static IResult? Find(InferenceDoor devices, string name, string? version, out ModelInfo? model)
    {
        model = null;
        if (!devices.IsReady)
        {
            return Error(StatusCodes.Status503ServiceUnavailable, "Models are loading.");
        }

        model = devices.FindModel(name, version);
        if (model is null)
        {
            return Error(StatusCodes.Status404NotFound, version is null
                ? $"Unknown model '{name}'."
                : $"Unknown model '{name}' version '{version}'.");
        }

        return null;
    }

    private static async Task<IResult> InferAsync(
        HttpContext context, InferenceDoor devices, TenantLimiter limiter, ArgusSiloOptions silo, string name, string? version)
    {
        var request = context.Request;
        if (!RequestOptions.TryParse(request, Lane.Interactive, out var options, out var invalid))
        {
            return Error(StatusCodes.Status400BadRequest, invalid!);
        }

        var tenant = context.Tenant();
        if (limiter.Admit(tenant) is { } throttled)
        {
            return Failed(context.Response, throttled);
        }

        if (Find(devices, name, version, out var model) is { } notFound)
        {
            return notFound;
        }

        var (body, readError) = await HttpErrors.ReadBodyAsync(request, silo.MaxRequestBytes, Error);
        if (readError is not null)
        {
            return readError;
        }

        // The version is chosen before the body is read as tensors: their shapes are the version's.
        RouteChoice choice;
        try
        {
            choice = await devices.ChooseAsync(name, version, () => options.RouteKey is { } key ? RouteKeys.Of(key) : RouteKeys.Of(body), context.RequestAborted);
        }
        catch (Exception e) when (HttpErrors.FromException(e) is { } error)
        {
            return Failed(context.Response, error);
        }

        model = devices.FindModel(name, choice.Version) ?? model;
        var check = InferRequestReader.Read(body, request.Headers[InferRequestReader.HeaderLength], model!);
        if (check is not ValidInferRequest valid)
        {
            return Error(StatusCodes.Status400BadRequest, string.Join(' ', ((InvalidInferRequest)check).Problems));
        }

        InferenceResponse response;
        try
        {
            response = await devices.InferAsync(
                new InferenceRequest(model!.Name, valid.Inputs, options.Lane, options.Deadline, OutputKind.Raw, Tenant: tenant), choice, context.RequestAborted);
        }
        catch (Exception e) when (HttpErrors.FromException(e) is { } error)
        {
            return Failed(context.Response, error);
        }

        // The protocol answers a request whole: one failed item fails it, bad input first.
        var failed = response.Items.Select((item, i) => (item.Error, i)).Where(x => x.Error is not null)
            .OrderBy(x => x.Error!.Kind == ErrorKind.BadInput ? 0 : 1).FirstOrDefault();
        if (failed.Error is { } itemError)
        {
            return Failed(context.Response, itemError with { Message = $"Item {failed.i}: {itemError.Message}" });
        }

        return new InferResponseWriter(model!, valid, response);
    }

    private static IResult Failed(HttpResponse response, InferenceError error)
    {
        var status = HttpErrors.StatusOf(error.Kind);
        HttpErrors.SetRetryAfter(response, status, error.RetryAfterMs);
        return Error(status, error.Message);
    }

    /// <summary>The protocol's error object.</summary>
    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
