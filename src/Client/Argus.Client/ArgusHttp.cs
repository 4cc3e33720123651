using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Argus.Errors;
using Argus.Security;
using Microsoft.Extensions.Options;

namespace Argus.Client;

/// <summary>
/// The silos' v1 HTTP API as the SDK calls it (<see cref="ArgusClientOptions.Api"/>, with <see cref="ArgusClientOptions.ApiKey"/>
/// and the client's TLS files): its JSON, and its error bodies as the SDK's typed exceptions. Pipelines are reached here
/// rather than through their grains because their rules live at the silos' door: a spec is checked against the serving
/// catalog's labels, a tenant sees only its own pipelines, and listings and backfills are the door's.
/// </summary>
internal sealed class ArgusHttp : IDisposable
{
    private readonly HttpClient _http;

    public ArgusHttp(IOptions<ArgusClientOptions> options)
    {
        var o = options.Value;
        _http = new HttpClient(o.Tls.Enabled ? TlsCertificates.CreateHttpHandler(o.Tls) : new SocketsHttpHandler()) { BaseAddress = o.Api };
        if (!string.IsNullOrEmpty(o.ApiKey))
        {
            _http.DefaultRequestHeaders.Add("X-Api-Key", o.ApiKey);
        }
    }

    /// <summary>Sends the request and reads its answer as <typeparamref name="T"/>.</summary>
    /// <param name="request">The request; disposed.</param>
    /// <param name="subject">What the request is about, for the exception of a 404.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgusException">The silo refused the request (a typed one where the error's code has a type) or could not be reached.</exception>
    public async Task<T> SendAsync<T>(HttpRequestMessage request, Subject subject, CancellationToken cancellationToken)
    {
        using var response = await SendCheckedAsync(request, subject, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(ArgusJson.Options, cancellationToken)
            ?? throw new ArgusException($"{request.Method} {request.RequestUri} answered null.");
    }

    /// <summary>Sends the request; the answer when its status is a success, else the exception its error body says.</summary>
    public async Task<HttpResponseMessage> SendCheckedAsync(HttpRequestMessage request, Subject subject, CancellationToken cancellationToken)
    {
        using (request)
        {
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                throw new ArgusException($"Cannot reach the Argus API at {_http.BaseAddress}: {e.Message}", e);
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                throw await ToExceptionAsync(response, subject, cancellationToken);
            }
        }
    }

    /// <summary>A JSON body in the API's shape.</summary>
    public static JsonContent Body<T>(T value) => JsonContent.Create(value, options: ArgusJson.Options);

    /// <summary>A time as the API's query parameters take it: ISO-8601 in UTC.</summary>
    public static string Time(DateTime time) =>
        (time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc)).ToString("O", CultureInfo.InvariantCulture);

    public void Dispose() => _http.Dispose();

    /// <summary>The exception for a v1 error answer: <c>{"error":{"code","message"}}</c>.</summary>
    private static async Task<ArgusException> ToExceptionAsync(HttpResponseMessage response, Subject subject, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        V1ErrorBody? body = null;
        try
        {
            body = await response.Content.ReadFromJsonAsync<V1ErrorBody>(ArgusJson.Options, cancellationToken);
        }
        catch (JsonException)
        {
            // Not the API's error body (a proxy's page): the status alone speaks.
        }

        var code = body?.Error?.Code ?? $"http_{status}";
        var message = body?.Error?.Message ?? $"HTTP {status} {response.ReasonPhrase}".TrimEnd() + ".";
        var retryAfter = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
        return code switch
        {
            "bad_input" => new BadInputException(message),
            "overloaded" => new OverloadedException(message, retryAfter),
            "not_ready" => new NotReadyException(message),
            "unknown_pipeline" => new UnknownPipelineException(subject.Pipeline, message),
            "unknown_job" when subject.Job is { } job => new UnknownJobException(job),
            "unknown_item" when subject.Item is { } item => new UnknownPipelineItemException(subject.Pipeline, item, message),
            "unknown_backfill" when subject.Backfill is { } backfill => new UnknownBackfillException(subject.Pipeline, backfill, message),
            _ when response.StatusCode == HttpStatusCode.TooManyRequests => new OverloadedException(message, retryAfter),
            _ => new ArgusException($"{message} (HTTP {status} {code})"),
        };
    }

    /// <summary>What a request is about: the pipeline, and the item or backfill it names; or a job.</summary>
    internal readonly record struct Subject(string Pipeline, string? Item = null, string? Backfill = null, string? Job = null)
    {
        /// <summary>A request about job <paramref name="id"/>.</summary>
        public static Subject OfJob(string id) => new("", Job: id);
    }

    private sealed record V1Error(string? Code, string? Message);

    private sealed record V1ErrorBody(V1Error? Error);
}
