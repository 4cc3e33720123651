using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Models.Drift;
using Argus.Grains.Tenants;
using Argus.Inference.Batching;
using Argus.Inference.Devices;
using Argus.Inference.Postprocessing;
using Argus.Inference.Telemetry;
using Argus.Models;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Argus.Grains.Devices;

/// <summary>
/// The addressable face of one device of its silo. Thin: it translates contracts and errors and makes one engine call
/// per item (<see cref="InferenceDevice.InferAsync"/>), for the request's tenant at its configured weight
/// (<see cref="TenantOptions"/>); the silo-wide <see cref="DeviceRuntime"/> owns the sessions and
/// the batcher, so deactivating this grain never unloads a model. Reentrant, so concurrent requests pile up into
/// batches; decoding and inference run off the Orleans scheduler. Every answered item is offered to the drift checks'
/// sampler, which never waits.
/// </summary>
[Reentrant]
[DevicePlacement]
internal sealed class DeviceGrain(DeviceRuntime runtime, DriftSampler drift, IOptions<TenantOptions> tenants, ILocalSiloDetails silo)
    : Grain, IDeviceGrain
{
    private DeviceKey _key;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = DeviceKey.Parse(this.GetPrimaryKeyString());
        if (_key.Silo != silo.Name)
        {
            throw new InvalidOperationException($"Device '{_key}' belongs to silo '{_key.Silo}', not to '{silo.Name}'.");
        }

        return Task.CompletedTask;
    }

    public async Task<InferenceResponse> InferAsync(Immutable<InferenceRequest> request, CancellationToken cancellationToken)
    {
        var r = request.Value;
        var device = ReadyDevice();
        var model = device.FindModel(r.Model, r.Version) ?? throw Unknown(device, r);
        var items = new Task<ItemResult>[r.Inputs.Count];
        using (StageClock.Start(ServingStage.Device))
        {
            var lane = Lanes.ToBatchLane(r.Lane);
            var raw = r.Output == OutputKind.Raw;
            var tenant = new BatchTenant(r.Tenant, tenants.Value.PolicyOf(r.Tenant).Weight);
            for (var i = 0; i < items.Length; i++)
            {
                var input = r.Inputs[i];
                items[i] = Task.Run(
                    async () =>
                    {
                        var outcome = await device.InferAsync(model, input.Image, input.Tensor, lane, tenant, r.Deadline, raw, cancellationToken);
                        using var translate = StageClock.Start(ServingStage.Device);
                        var item = ToItem(outcome);
                        drift.Offer(model.Name, model.Version, item);
                        return item;
                    },
                    CancellationToken.None);
            }
        }

        return new InferenceResponse(model.Name, model.Version, _key.ToString(), device.Target.Kind, await Task.WhenAll(items));
    }

    public Task<DeviceStatus> GetStatusAsync()
    {
        var target = runtime.Targets.FirstOrDefault(t => t.Device == _key.Device)
            ?? throw new InvalidOperationException($"Silo '{silo.Name}' has no device '{_key.Device}'.");
        var device = runtime.FindDevice(_key.Device);
        var stats = device?.Batcher.GetStats();
        var depth = Enum.GetValues<Lane>().ToDictionary(l => l, l => stats?.QueueDepth[(int)Lanes.ToBatchLane(l)] ?? 0);
        var busy = stats is null || stats.Uptime <= TimeSpan.Zero ? 0 : stats.Busy / stats.Uptime;
        return Task.FromResult(new DeviceStatus(
            _key.ToString(), target.Kind, target.Provider, target.Note, device is not null,
            device?.Models.Select(ModelDescriptions.Describe).ToArray() ?? [], depth, stats?.Batches ?? 0, stats?.Items ?? 0, busy));
    }

    private InferenceDevice ReadyDevice()
    {
        if (!runtime.IsReady)
        {
            throw new NotReadyException($"Silo '{silo.Name}' is still loading its models.");
        }

        return runtime.FindDevice(_key.Device)
            ?? throw new InvalidOperationException($"Silo '{silo.Name}' has no device '{_key.Device}'.");
    }

    private static ArgusException Unknown(InferenceDevice device, InferenceRequest r)
    {
        var versions = device.Versions(r.Model);
        return versions.IsEmpty || r.Version is null
            ? new UnknownModelException(r.Model)
            : new UnknownVersionException(r.Model, r.Version, [.. versions.Select(m => m.Version)]);
    }

    private static ItemResult ToItem(ItemOutcome outcome)
    {
        if (outcome.Failure is { } failure)
        {
            return ItemResult.Failed(new InferenceError(KindOf(failure.Kind), failure.Message, failure.RetryAfter?.TotalMilliseconds));
        }

        var ran = outcome.Ran!;
        var output = outcome.Output;
        return new ItemResult
        {
            QueueMs = ran.QueueTime.TotalMilliseconds,
            ComputeMs = ran.ComputeTime.TotalMilliseconds,
            PreprocessMs = ran.PrepareTime.TotalMilliseconds,
            BatchSize = ran.BatchSize,
            Raw = output is null ? ran.Output : null,
            Embedding = output?.Embedding,
            Classes = output?.Classes?.Select(c => new ClassScore(c.Index, c.Label, c.Score)).ToArray(),
            Detections = output?.Detections?.Select(ToDetection).ToArray(),
        };
    }

    private static ErrorKind KindOf(ItemFailureKind kind) => kind switch
    {
        ItemFailureKind.BadInput => ErrorKind.BadInput,
        ItemFailureKind.Rejected => ErrorKind.Overloaded,
        ItemFailureKind.Cancelled => ErrorKind.Cancelled,
        ItemFailureKind.ModelError => ErrorKind.Internal,
        ItemFailureKind.Unloaded => ErrorKind.UnknownModel, // the version the item asked for is gone, not overloaded
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown failure."),
    };

    private static Detection ToDetection(TextRegion r) => new(
        r.Score, r.Box.X, r.Box.Y, r.Box.Width, r.Box.Height, [.. r.Corners.Select(c => new ImagePoint(c.X, c.Y))]);
}
