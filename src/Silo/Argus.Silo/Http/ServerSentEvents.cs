namespace Argus.Silo.Http;

/// <summary>
/// How the API writes an event stream (<c>text/event-stream</c>): a first comment line once the stream is in place,
/// events of <c>id</c>, <c>event</c> and one <c>data</c> line of JSON, and a comment every <see cref="KeepAlive"/> of
/// silence so proxies do not close a quiet stream.
/// </summary>
internal static class ServerSentEvents
{
    /// <summary>How long a stream stays silent before a keep-alive comment.</summary>
    internal static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Sends the stream's headers and a first comment, and flushes, so the client knows the stream is in place.</summary>
    public static async Task BeginAsync(HttpResponse response, string comment, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.WriteAsync($": {comment}\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>Writes one event; <paramref name="json"/> is one line (JSON as the API serializes it has no line breaks).</summary>
    public static Task WriteAsync(HttpResponse response, string id, string name, string json, CancellationToken cancellationToken) =>
        response.WriteAsync($"id: {id}\nevent: {name}\ndata: {json}\n\n", cancellationToken);

    /// <summary>Writes the keep-alive comment.</summary>
    public static Task KeepAliveAsync(HttpResponse response, CancellationToken cancellationToken) =>
        response.WriteAsync(": keep-alive\n\n", cancellationToken);
}
