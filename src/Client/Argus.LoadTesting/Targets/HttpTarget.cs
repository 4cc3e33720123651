using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Argus.Devices;
using Argus.Errors;
using Argus.Security;

namespace Argus.LoadTesting.Targets;

/// <summary>
/// A silo's HTTP API: <c>POST /v1/models/{model}/infer</c> with one JPEG as the body, or several as
/// <c>multipart/form-data</c>. 429 is a refusal for load; a status whose body carries no per-image results throws.
/// </summary>
public sealed class HttpTarget : ILoadTarget
{
    private static readonly MediaTypeHeaderValue Jpeg = new("image/jpeg");
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly HttpClient _http;
    private readonly Uri _baseAddress;
    private readonly Uri _infer;
    private readonly string _model;

    /// <summary>Creates the target with a client of its own: pooled connections that live as long as it does.</summary>
    /// <param name="baseAddress">The silo's HTTP address.</param>
    /// <param name="model">The model to load.</param>
    /// <param name="lane">The lane every request asks for.</param>
    /// <param name="apiKey">The key sent as <c>X-Api-Key</c> with every request, for a silo with <c>Argus:Auth:ApiKeys</c>.</param>
    /// <param name="tls">The client certificate and the cluster's authority, for a silo with <c>Argus:Tls</c>.</param>
    public HttpTarget(Uri baseAddress, string model, Lane lane = Lane.Interactive, string? apiKey = null, ArgusTlsOptions? tls = null)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        _http = new HttpClient(tls is { Enabled: true } ? TlsCertificates.CreateHttpHandler(tls, handler) : handler) { Timeout = TimeSpan.FromSeconds(60) };
        if (apiKey is { Length: > 0 })
        {
            _http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        _baseAddress = baseAddress;
        _model = model;
        _infer = new Uri(baseAddress, $"v1/models/{Uri.EscapeDataString(model)}/infer?lane={lane.ToString().ToLowerInvariant()}");
    }

    /// <inheritdoc />
    public string Description => $"http {_baseAddress} {_model}";

    /// <inheritdoc />
    public bool RunsInProcess => false;

    /// <inheritdoc />
    public async Task<TargetAnswer> SendAsync(IReadOnlyList<byte[]> images, CancellationToken cancellationToken)
    {
        using var content = Content(images);
        using var response = await _http.PostAsync(_infer, content, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        V1Response? answer = null;
        try
        {
            answer = JsonSerializer.Deserialize<V1Response>(body, SnakeCase);
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's page, a truncated body): reported below with the status.
        }

        if (answer?.Results is { Count: > 0 } results && results.Count == images.Count)
        {
            return new TargetAnswer(answer.Device ?? "", [.. results.Select(Item)]);
        }

        var message = answer?.Error?.Message ?? Snippet(body);
        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return TargetAnswer.Rejected(images.Count, message);
        }

        throw new HttpRequestException($"HTTP {(int)response.StatusCode}: {message}", null, response.StatusCode);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeviceInfo>> GetDevicesAsync(CancellationToken cancellationToken)
    {
        var devices = await _http.GetFromJsonAsync<V1Device[]>(new Uri(_baseAddress, "v1/devices"), SnakeCase, cancellationToken) ?? [];
        return [.. devices.Select(d => new DeviceInfo(d.Key, d.Kind, d.ExecutionProvider))];
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return ValueTask.CompletedTask;
    }

    private static HttpContent Content(IReadOnlyList<byte[]> images)
    {
        if (images.Count == 1)
        {
            return new ByteArrayContent(images[0]) { Headers = { ContentType = Jpeg } };
        }

        var form = new MultipartFormDataContent();
        for (var i = 0; i < images.Count; i++)
        {
            form.Add(new ByteArrayContent(images[i]) { Headers = { ContentType = Jpeg } }, $"image{i}", $"image{i}.jpg");
        }

        return form;
    }

    private static ItemResult Item(V1Item item) => new()
    {
        Embedding = item.Embedding,
        Classes = item.Classes,
        QueueMs = item.QueueMs,
        PreprocessMs = item.PreprocessMs,
        ComputeMs = item.ComputeMs,
        BatchSize = item.BatchSize,
        Error = item.Error is { } e ? new InferenceError(Kind(e.Code), e.Message) : null,
    };

    /// <summary>The error kind of a v1 code (<c>bad_input</c> → <see cref="ErrorKind.BadInput"/>).</summary>
    private static ErrorKind Kind(string code) =>
        Enum.TryParse<ErrorKind>(code.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var kind) ? kind : ErrorKind.Internal;

    private static string Snippet(byte[] body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body);
        return text.Length > 200 ? text[..200] : text;
    }

    private sealed record V1Error(string Code, string Message);

    private sealed record V1Item(
        float[]? Embedding, IReadOnlyList<ClassScore>? Classes, double QueueMs, double PreprocessMs, double ComputeMs, int BatchSize, V1Error? Error);

    private sealed record V1Response(string? Device, IReadOnlyList<V1Item>? Results, V1Error? Error);

    private sealed record V1Device(string Key, string Kind, string ExecutionProvider);
}
