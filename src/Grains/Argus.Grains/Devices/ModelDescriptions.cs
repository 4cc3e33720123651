using Argus.Inference.Devices;
using Argus.Models;

namespace Argus.Grains.Devices;

/// <summary>Describes loaded models in the wire contract's terms.</summary>
public static class ModelDescriptions
{
    /// <summary>The wire description of a loaded model.</summary>
    public static ModelInfo Describe(LoadedModel model) => new(
        model.Name, model.Version, model.Options.Task.ToString().ToLowerInvariant(),
        new TensorInfo(model.Input.Name, model.Input.Shape), new TensorInfo(model.Output.Name, model.Output.Shape),
        model.Labels, model.Options.Batching.MaxBatchSize);
}
