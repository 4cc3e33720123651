using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>
/// A pipeline's spec, persisted; the HTTP API validates a spec against the serving catalog before it comes here. Its
/// folder watch (<see cref="IPipelineWatchGrain"/>) is told of every spec put, and stopped when the pipeline is removed.
/// </summary>
internal sealed class PipelineGrain([PersistentState("pipeline")] IPersistentState<PipelineGrain.State> state) : Grain, IPipelineGrain
{
    public Task<PipelineSpec?> GetAsync() => Task.FromResult(state.State.Spec);

    public async Task PutAsync(PipelineSpec spec)
    {
        // Listed first: a pipeline recorded but not listed would be invisible to GET /v1/pipelines.
        await GrainFactory.GetGrain<IPipelineRegistryGrain>(0).AddAsync(this.GetPrimaryKeyString());
        state.State.Spec = spec;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IPipelineWatchGrain>(this.GetPrimaryKeyString()).WatchAsync(spec);
    }

    public async Task<bool> RemoveAsync()
    {
        if (state.State.Spec is null)
        {
            return false;
        }

        await state.ClearStateAsync();
        await GrainFactory.GetGrain<IPipelineWatchGrain>(this.GetPrimaryKeyString()).WatchAsync(null);
        await GrainFactory.GetGrain<IPipelineRegistryGrain>(0).RemoveAsync(this.GetPrimaryKeyString());
        return true;
    }

    /// <summary>What a pipeline persists.</summary>
    [GenerateSerializer, Alias("Argus.Grains.Pipelines.PipelineGrain.State")]
    internal sealed class State
    {
        /// <summary>The spec; null when no pipeline has this id.</summary>
        [Id(0)] public PipelineSpec? Spec { get; set; }
    }
}
