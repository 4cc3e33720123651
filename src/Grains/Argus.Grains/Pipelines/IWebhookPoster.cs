using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>
/// Posts a delivery of finals to a webhook: <c>{"pipeline": id, "items": […]}</c> with the items as the HTTP API shows
/// them, and the header <see cref="DeliveryHeader"/>. The host provides it (its HTTP client and JSON).
/// </summary>
public interface IWebhookPoster
{
    /// <summary>The header that names a delivery by the event id of its first item, so a receiver can drop a repeat.</summary>
    public const string DeliveryHeader = "X-Argus-Delivery";

    /// <summary>Posts one delivery.</summary>
    /// <returns>Null when the receiver answered 2xx; else why not (a status and its body's start, or the transport's error).</returns>
    Task<string?> PostAsync(Uri webhook, string delivery, string pipeline, IReadOnlyList<PipelineItem> items, CancellationToken cancellationToken);
}
