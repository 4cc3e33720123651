using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Argus.Cameras;
using Orleans.Streams;

namespace Argus.Silo.Http;

/// <summary>
/// A camera's alerts as server-sent events (<c>id: {sequence}</c>, <c>event: alert</c>, <c>data: {json}</c>), from the
/// moment the subscription is in place (announced by a first comment line) until the client goes away; a comment line
/// every <see cref="KeepAlive"/> keeps proxies from closing a quiet stream.
/// </summary>
internal sealed class AlertEventStream(IAsyncStream<Alert> stream, JsonSerializerOptions json) : IResult
{
    /// <summary>How long a stream stays silent before a keep-alive comment.</summary>
    internal static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>Alerts buffered for a slow client; beyond it the oldest go.</summary>
    private const int Buffer = 256;

    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        var alerts = Channel.CreateBounded<Alert>(new BoundedChannelOptions(Buffer) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var subscription = await stream.SubscribeAsync((alert, _) =>
        {
            alerts.Writer.TryWrite(alert);
            return Task.CompletedTask;
        });
        try
        {
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            await response.WriteAsync(": subscribed\n\n", aborted);
            await response.Body.FlushAsync(aborted);
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                quiet.CancelAfter(KeepAlive);
                try
                {
                    await alerts.Reader.WaitToReadAsync(quiet.Token);
                    while (alerts.Reader.TryRead(out var alert))
                    {
                        await response.WriteAsync(string.Create(CultureInfo.InvariantCulture,
                            $"id: {alert.Sequence}\nevent: alert\ndata: {JsonSerializer.Serialize(alert, json)}\n\n"), aborted);
                    }
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await response.WriteAsync(": keep-alive\n\n", aborted);
                }

                await response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: the normal end of an event stream.
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }
}
