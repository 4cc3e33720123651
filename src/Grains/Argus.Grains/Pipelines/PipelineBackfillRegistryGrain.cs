using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>The backfills of one pipeline (keyed by its id), persisted, so they can be listed.</summary>
internal sealed class PipelineBackfillRegistryGrain([PersistentState("pipeline-backfills")] IPersistentState<HashSet<string>> backfills)
    : IdRegistryGrain(backfills), IPipelineBackfillRegistryGrain;
