namespace Argus.Inference.Batching;

/// <summary>Runs one batch of one model. Called on the batcher's own thread only, one batch at a time.</summary>
public interface IBatchRunner
{
    /// <summary>Runs the items as one batch and returns one output per input, in order.</summary>
    float[][] Run(IReadOnlyList<float[]> inputs);
}
