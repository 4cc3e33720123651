using System.Text.Json;
using Argus.Pipelines;

namespace Argus.Silo.Http;

/// <summary>
/// A pipeline's finals as server-sent events (<c>id: {yyyyMMddHHmm}.{offset}</c>, <c>event: final</c>, <c>data:</c> the
/// item as <c>GET …/items/{item}</c> answers it), read by <see cref="FinalsReader"/> from <paramref name="start"/> on, in
/// log order, until the client goes away; written as <see cref="ServerSentEvents"/> says. An item is sent at least once:
/// one whose grain was lost between its append and its record of it is appended again, later in the log.
/// </summary>
internal sealed class FinalsEventStream(IGrainFactory grains, string pipeline, FinalsCursor start, JsonSerializerOptions json, TimeProvider time) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var response = context.Response;
        var aborted = context.RequestAborted;
        try
        {
            await ServerSentEvents.BeginAsync(response, $"reading from {start}", aborted);
            var at = start;
            var quietSince = time.GetUtcNow();
            while (true)
            {
                var batch = await FinalsReader.ReadAsync(grains, pipeline, at, FinalsReader.MaxItems, FinalsReader.Wait, time, aborted);
                for (var i = 0; i < batch.Items.Count; i++)
                {
                    await ServerSentEvents.WriteAsync(response, batch.IdOf(i).ToString(), "final", JsonSerializer.Serialize(batch.Items[i], json), aborted);
                }

                at = batch.Next;
                if (batch.Items.Count > 0)
                {
                    quietSince = time.GetUtcNow();
                }
                else if (time.GetUtcNow() - quietSince >= ServerSentEvents.KeepAlive)
                {
                    await ServerSentEvents.KeepAliveAsync(response, aborted);
                    quietSince = time.GetUtcNow();
                }

                await response.Body.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client went away: the normal end of an event stream.
        }
    }
}
