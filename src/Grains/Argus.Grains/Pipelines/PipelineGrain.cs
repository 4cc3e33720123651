using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>A pipeline's spec, persisted; the HTTP API validates a spec against the serving catalog before it comes here.</summary>
internal sealed class PipelineGrain([PersistentState("pipeline")] IPersistentState<PipelineGrain.State> state, TimeProvider time) : Grain, IPipelineGrain
{
    public Task<PipelineSpec?> GetAsync() => Task.FromResult(state.State.Spec);

    public Task<DateTime?> GetCreatedAtAsync() => Task.FromResult(state.State.Spec is null ? null : state.State.CreatedAt);

    public async Task PutAsync(PipelineSpec spec)
    {
        // Listed first: a pipeline recorded but not listed would be invisible to GET /v1/pipelines.
        await GrainFactory.GetGrain<IPipelineRegistryGrain>(0).AddAsync(this.GetPrimaryKeyString());
        if (state.State.Spec is null)
        {
            state.State.CreatedAt = time.GetUtcNow().UtcDateTime;
        }

        state.State.Spec = spec;
        await state.WriteStateAsync();
    }

    public async Task<bool> RemoveAsync()
    {
        if (state.State.Spec is null)
        {
            return false;
        }

        await state.ClearStateAsync();
        await GrainFactory.GetGrain<IPipelineRegistryGrain>(0).RemoveAsync(this.GetPrimaryKeyString());
        return true;
    }

    /// <summary>What a pipeline persists.</summary>
    [GenerateSerializer, Alias("Argus.Grains.Pipelines.PipelineGrain.State")]
    internal sealed class State
    {
        /// <summary>The spec; null when no pipeline has this id.</summary>
        [Id(0)] public PipelineSpec? Spec { get; set; }

        /// <summary>When the spec was first put (UTC); null for a pipeline put before the time was kept.</summary>
        [Id(1)] public DateTime? CreatedAt { get; set; }
    }
}
