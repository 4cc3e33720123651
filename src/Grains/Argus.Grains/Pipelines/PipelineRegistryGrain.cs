using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>The set of pipelines (key 0), persisted, so pipelines can be listed.</summary>
internal sealed class PipelineRegistryGrain([PersistentState("pipelines")] IPersistentState<HashSet<string>> pipelines)
    : IdRegistryGrain(pipelines), IPipelineRegistryGrain;
