using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Argus.Cameras;
using Orleans.Streams;

namespace Argus.Silo.Http;

/// <summary>
/// A camera's alerts as server-sent events (<c>id: {sequence}</c>, <c>event: alert</c>, <c>data: {json}</c>), from the
/// moment the subscription is in place (announced by a first comment line) until the client goes away, written as
/// <see cref="ServerSentEvents"/> says. A client that reconnects with
/// <c>Last-Event-ID: n</c> first gets the camera's recent alerts numbered above n (of the last 100 it keeps).
/// </summary>
internal sealed class AlertEventStream(ICameraGrain camera, IAsyncStream<Alert> stream, JsonSerializerOptions json) : IResult
{
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
            await ServerSentEvents.BeginAsync(response, "subscribed", aborted);

            // Replayed after subscribing, so nothing falls between the two; an alert both replayed and delivered live
            // is written once.
            var replayed = 0L;
            if (long.TryParse(context.Request.Headers["Last-Event-ID"].FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var last))
            {
                foreach (var alert in (await camera.GetRecentAlertsAsync()).Where(a => a.Sequence > last))
                {
                    await WriteAsync(response, alert, aborted);
                    replayed = alert.Sequence;
                }
            }

            await response.Body.FlushAsync(aborted);
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(aborted);
                quiet.CancelAfter(ServerSentEvents.KeepAlive);
                try
                {
                    await alerts.Reader.WaitToReadAsync(quiet.Token);
                    while (alerts.Reader.TryRead(out var alert))
                    {
                        if (alert.Sequence > replayed)
                        {
                            await WriteAsync(response, alert, aborted);
                        }
                    }
                }
                catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
                {
                    await ServerSentEvents.KeepAliveAsync(response, aborted);
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

    private Task WriteAsync(HttpResponse response, Alert alert, CancellationToken cancellationToken) =>
        ServerSentEvents.WriteAsync(response, alert.Sequence.ToString(CultureInfo.InvariantCulture), "alert", JsonSerializer.Serialize(alert, json), cancellationToken);
}
