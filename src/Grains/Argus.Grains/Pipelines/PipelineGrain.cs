using Argus.Pipelines;

namespace Argus.Grains.Pipelines;

/// <summary>
/// A pipeline's spec, persisted; the HTTP API validates a spec against the serving catalog before it comes here. The
/// pipeline starts and stops its webhook (<see cref="IPipelineWebhookGrain"/>) as its spec gains or loses one; its folder
/// watch (<see cref="IPipelineWatchGrain"/>), finals table (<see cref="IPipelineTableGrain"/>) and retention
/// (<see cref="IPipelineRetentionGrain"/>) are told of every spec put, and stopped when the pipeline is removed.
/// </summary>
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

        var hadWebhook = state.State.Spec?.Webhook is not null;
        state.State.Spec = spec;
        await state.WriteStateAsync();
        if (spec.Webhook is not null)
        {
            await Webhook.StartAsync();
        }
        else if (hadWebhook)
        {
            await Webhook.StopAsync();
        }
        await GrainFactory.GetGrain<IPipelineWatchGrain>(this.GetPrimaryKeyString()).WatchAsync(spec);
        await GrainFactory.GetGrain<IPipelineTableGrain>(this.GetPrimaryKeyString()).WriteAsync(spec);
        await Retention.KeepAsync(spec, state.State.CreatedAt ?? time.GetUtcNow().UtcDateTime);
    }

    public async Task<bool> RemoveAsync()
    {
        if (state.State.Spec is null)
        {
            return false;
        }

        var hadWebhook = state.State.Spec.Webhook is not null;
        await state.ClearStateAsync();
        await GrainFactory.GetGrain<IPipelineWatchGrain>(this.GetPrimaryKeyString()).WatchAsync(null);
        await GrainFactory.GetGrain<IPipelineTableGrain>(this.GetPrimaryKeyString()).WriteAsync(null);
        await Retention.KeepAsync(null, default);
        await GrainFactory.GetGrain<IPipelineRegistryGrain>(0).RemoveAsync(this.GetPrimaryKeyString());
        if (hadWebhook)
        {
            await Webhook.StopAsync();
        }

        return true;
    }

    private IPipelineWebhookGrain Webhook => GrainFactory.GetGrain<IPipelineWebhookGrain>(this.GetPrimaryKeyString());

    private IPipelineRetentionGrain Retention => GrainFactory.GetGrain<IPipelineRetentionGrain>(this.GetPrimaryKeyString());

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
