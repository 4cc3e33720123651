using System.Diagnostics.Metrics;
using Argus.Inference.Telemetry;

namespace Argus.Grains.Pipelines;

/// <summary>
/// Pipelines' webhook instruments on the <see cref="ArgusTelemetry.MeterName"/> meter: items delivered (the receiver took
/// them) and posts that failed, labelled with the pipeline.
/// </summary>
internal sealed class WebhookInstruments
{
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _failures;

    public WebhookInstruments(IMeterFactory meters)
    {
        var meter = meters.Create(ArgusTelemetry.MeterName);
        _delivered = meter.CreateCounter<long>(
            "argus.pipeline.webhook.delivered", "{item}", "Items of a pipeline's finals its webhook took (answered 2xx).");
        _failures = meter.CreateCounter<long>(
            "argus.pipeline.webhook.failures", "{post}", "Posts to a pipeline's webhook that failed (no answer in time, or not 2xx); each is posted again.");
    }

    /// <summary>Counts a batch the receiver took.</summary>
    public void Delivered(string pipeline, int items) => _delivered.Add(items, new KeyValuePair<string, object?>("pipeline", pipeline));

    /// <summary>Counts a failed post.</summary>
    public void Failed(string pipeline) => _failures.Add(1, new KeyValuePair<string, object?>("pipeline", pipeline));
}
