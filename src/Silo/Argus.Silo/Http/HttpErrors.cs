using System.Globalization;
using System.Text.Json;
using Argus.Errors;
using Microsoft.AspNetCore.WebUtilities;

namespace Argus.Silo.Http;

/// <summary>How failures become HTTP statuses, the same for every endpoint.</summary>
internal static class HttpErrors
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.BadInput => StatusCodes.Status400BadRequest,
        ErrorKind.UnknownModel => StatusCodes.Status404NotFound,
        ErrorKind.Overloaded => StatusCodes.Status429TooManyRequests,
        ErrorKind.NotReady => StatusCodes.Status503ServiceUnavailable,
        ErrorKind.Cancelled => 499, // client closed request
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Sets <c>Retry-After</c> (whole seconds, at least 1) for retryable statuses.</summary>
    public static void SetRetryAfter(HttpResponse response, int status, double? retryAfterMs)
    {
        if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling((retryAfterMs ?? 1000) / 1000));
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The error kind of an exception thrown by a device call.</summary>
    public static InferenceError? FromException(Exception e) => e switch
    {
        UnknownModelException or UnknownVersionException => new InferenceError(ErrorKind.UnknownModel, e.Message),
        NotReadyException => new InferenceError(ErrorKind.NotReady, e.Message, 1000),
        BadInputException => new InferenceError(ErrorKind.BadInput, e.Message),
        OverloadedException o => new InferenceError(ErrorKind.Overloaded, e.Message, o.RetryAfter.TotalMilliseconds),
        InferenceTimeoutException => new InferenceError(ErrorKind.Overloaded, e.Message, 1000),
        NoDeviceException => new InferenceError(ErrorKind.NotReady, e.Message, 1000),
        OperationCanceledException => new InferenceError(ErrorKind.Cancelled, "The request was cancelled."),
        _ => null,
    };

    /// <summary>503 + <c>Retry-After</c> for a call whose grain's silo was lost: <paramref name="what"/> moves to another silo.</summary>
    public static IResult SiloLost(string what, Exception e, HttpResponse response) =>
        V1(StatusCodes.Status503ServiceUnavailable, ErrorKind.NotReady, $"{what} is moving to another silo; retry shortly. ({e.Message})", response, 2000);

    /// <summary>Reads the whole body up to the configured limit; 413 when it is larger.</summary>
    public static async Task<(byte[]? Body, IResult? Error)> ReadBodyAsync(HttpRequest request, long limit, Func<int, string, IResult> error)
    {
        var (body, failed) = await ReadBodyAsync(request, limit, error, rent: false);
        return (body?.Array, failed);
    }

    /// <summary>
    /// Reads the whole body, as <see cref="ReadBodyAsync(HttpRequest, long, Func{int, string, IResult})"/> does, into an
    /// array rented from the shared pool, for a body nothing keeps past its request (a v2 tensor body: every item is
    /// copied out of it). A tensor request then allocates one array of its size fewer, which the GC would zero and, while
    /// the request runs, move. Disposing the body returns the array.
    /// </summary>
    public static Task<(RequestBody? Body, IResult? Error)> ReadRentedBodyAsync(HttpRequest request, long limit, Func<int, string, IResult> error) =>
        ReadBodyAsync(request, limit, error, rent: true);

    private static async Task<(RequestBody? Body, IResult? Error)> ReadBodyAsync(
        HttpRequest request, long limit, Func<int, string, IResult> error, bool rent)
    {
        if (request.ContentLength > limit)
        {
            return (null, error(StatusCodes.Status413PayloadTooLarge, $"The body has {request.ContentLength} bytes; the limit is {limit}."));
        }

        try
        {
            // A body of a declared length is read straight into an array of that length, not copied out of a stream.
            if (request.ContentLength is > 0 and var length)
            {
                var body = new RequestBody((int)length, rent);
                try
                {
                    await request.Body.ReadExactlyAsync(body.Array.AsMemory(0, body.Length), request.HttpContext.RequestAborted);
                }
                catch
                {
                    body.Dispose();
                    throw;
                }

                return (body, null);
            }

            using var buffer = new MemoryStream(64 * 1024);
            await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            return (new RequestBody(buffer.ToArray()), null);
        }
        catch (BadHttpRequestException e)
        {
            return (null, error(e.StatusCode, e.Message));
        }
        catch (EndOfStreamException)
        {
            return (null, error(StatusCodes.Status400BadRequest, $"The body ended before its Content-Length of {request.ContentLength} bytes."));
        }
    }

    /// <summary>A v1 error response, <c>{"error":{"code","message"}}</c>, with <c>Retry-After</c> where it applies.</summary>
    public static IResult V1(int status, ErrorKind kind, string message, HttpResponse? response = null, double? retryAfterMs = null)
    {
        if (response is not null)
        {
            SetRetryAfter(response, status, retryAfterMs);
        }

        return V1(status, Code(kind), message);
    }

    /// <summary>A v1 error response with a code of its own (e.g. <c>unknown_camera</c>).</summary>
    public static IResult V1(int status, string code, string message) =>
        Results.Json(new V1ErrorBody(new V1Error(code, message)), statusCode: status);

    /// <summary>
    /// Gives an answer of the v1 or v2 API that has an error status but no body (a path or method the API does not have)
    /// its API's error body, so that every failed request carries <c>{"error":{"code","message"}}</c> (v1) or
    /// <c>{"error": message}</c> (v2).
    /// </summary>
    public static IApplicationBuilder UseApiErrorBodies(this IApplicationBuilder app) => app.UseStatusCodePages(context =>
    {
        var http = context.HttpContext;
        var v1 = http.Request.Path.StartsWithSegments("/v1");
        if (!v1 && !http.Request.Path.StartsWithSegments("/v2"))
        {
            return Task.CompletedTask;
        }

        var status = http.Response.StatusCode;
        var (code, message) = status switch
        {
            StatusCodes.Status404NotFound => ("not_found", $"No {(v1 ? "v1" : "v2")} endpoint at {http.Request.Path}."),
            StatusCodes.Status405MethodNotAllowed => ("method_not_allowed", $"{http.Request.Method} is not an operation of {http.Request.Path}."),
            _ => ($"http_{status}", $"HTTP {status} {ReasonPhrases.GetReasonPhrase(status)}".TrimEnd() + "."),
        };
        return OfApi(http.Request.Path, status, code, message).ExecuteAsync(http);
    });

    /// <summary>
    /// An error response in the body of the API <paramref name="path"/> belongs to: <c>{"error": message}</c> under
    /// <c>/v2</c> (the Open Inference Protocol's), the v1 body everywhere else.
    /// </summary>
    public static IResult OfApi(PathString path, int status, string code, string message) =>
        path.StartsWithSegments("/v2") ? Results.Json(new { error = message }, statusCode: status) : V1(status, code, message);

    /// <summary>An error kind as v1 names it, e.g. <c>bad_input</c>.</summary>
    public static string Code(ErrorKind kind) => JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());

    internal sealed record V1Error(string Code, string Message)
    {
        public static V1Error Of(InferenceError error) => new(HttpErrors.Code(error.Kind), error.Message);
    }

    internal sealed record V1ErrorBody(V1Error Error);
}
