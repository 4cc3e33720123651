using Argus.Inference.Telemetry;

namespace Argus.Inference.Batching;

/// <summary>One model's queues on a batcher, one per lane, each shared among tenants. Obtained from <see cref="MicroBatcher.Register"/>.</summary>
public sealed class BatchQueue
{
    internal BatchQueue(InferenceLabels labels, BatchingOptions options, IBatchRunner runner, ItemCostEstimate cost, int lanes)
    {
        Labels = labels;
        Options = options;
        Runner = runner;
        Cost = cost;
        Lanes = new LaneQueue[lanes];
        for (var i = 0; i < lanes; i++)
        {
            Lanes[i] = new LaneQueue();
        }
    }

    /// <summary>The model these queues feed.</summary>
    public string Model => Labels.Model;

    /// <summary>The model, its version and the device, as metrics and traces label them.</summary>
    public InferenceLabels Labels { get; }

    /// <summary>The current estimate of compute time per item.</summary>
    public TimeSpan ItemCost => Cost.PerItem;

    internal BatchingOptions Options { get; }

    internal IBatchRunner Runner { get; }

    internal ItemCostEstimate Cost { get; }

    internal LaneQueue[] Lanes { get; }
}
