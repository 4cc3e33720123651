using System.Diagnostics;
using Argus.Inference.Batching;

namespace Argus.Inference.Telemetry;

/// <summary>
/// The spans the engine adds to a request's trace. A batch runs on the batcher's own thread, where no request's activity
/// flows, so each item remembers its caller's span when it queues, and the batch is recorded afterwards as one span in
/// each of its items' traces: same times, same <c>argus.batch.id</c>, so the items that shared a batch can be found.
/// </summary>
internal static class InferenceTracing
{
    public const string BatchSpan = "argus.batch";

    private static readonly ActivitySource Source = new(ArgusTelemetry.ActivitySourceName);

    /// <summary>Whether anyone listens; checked before any work is done for spans.</summary>
    public static bool IsEnabled => Source.HasListeners();

    /// <summary>Records the batch in the trace of every item that came with one.</summary>
    public static void RecordBatch(BatchQueue queue, IReadOnlyList<BatchItem> batch, string batchId, DateTime started, DateTime ended)
    {
        foreach (var item in batch)
        {
            if (item.Caller == default)
            {
                continue;
            }

            using var span = Source.StartActivity(BatchSpan, ActivityKind.Internal, item.Caller, startTime: started);
            if (span is null)
            {
                continue;
            }

            span.SetTag("argus.model", queue.Labels.Model);
            span.SetTag("argus.model.version", queue.Labels.Version);
            span.SetTag("argus.device", queue.Labels.Device);
            span.SetTag("argus.device.kind", queue.Labels.DeviceKind);
            span.SetTag("argus.lane", InferenceLabels.LaneName(item.Lane));
            span.SetTag("argus.batch.id", batchId);
            span.SetTag("argus.batch.size", batch.Count);
            span.SetTag("argus.queue.duration_ms", (started - item.EnqueuedAt).TotalMilliseconds);
            if (item.Completion.IsFaulted)
            {
                span.SetStatus(ActivityStatusCode.Error, item.Completion.Exception?.InnerException?.Message);
            }

            span.SetEndTime(ended);
        }
    }
}
