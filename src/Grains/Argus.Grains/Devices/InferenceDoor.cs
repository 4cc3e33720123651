using Argus.Devices;
using Argus.Errors;
using Argus.Inference.Devices;
using Argus.Models;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Argus.Grains.Devices;

/// <summary>
/// The one way into the devices for every caller on a silo: the HTTP API (v1 and v2), camera grains and job shard
/// runners. It owns readiness, the model catalog (in contract types), the choice of device (<see cref="DeviceRouting"/>:
/// a device of this silo while its wait is short, else the less loaded of two sampled across the cluster) and the rule
/// for a call lost with its silo (<see cref="DeviceRouter"/>, shared with the SDK). A new routing concern (a model's
/// version, a tenant) is one more input to <see cref="InferAsync"/>'s choice, not another copy of route-and-call.
/// </summary>
public sealed class InferenceDoor
{
    private readonly DeviceRuntime _runtime;
    private readonly DeviceTable _table;
    private readonly IGrainFactory _grains;
    private readonly string _silo;
    private readonly DeviceRouter _router;

    /// <summary>Created once per silo by <c>AddArgus</c>.</summary>
    public InferenceDoor(
        DeviceRuntime runtime, DeviceTable table, IGrainFactory grains, IClusterMembershipService membership, ILocalSiloDetails silo,
        IOptions<RoutingOptions> options)
    {
        var watch = new SiloWatch(membership);
        (_runtime, _table, _grains, _silo) = (runtime, table, grains, silo.Name);
        var o = options.Value;
        _router = new DeviceRouter(
            grains, table, new RouteOrigin(_silo, TimeSpan.FromMilliseconds(o.LocalWaitLimitMs)), TimeSpan.FromMilliseconds(o.AttemptTimeoutMs),
            (device, token) => watch.WhenGoneAsync(device.Silo, token));
    }

    /// <summary>True once every model is warm on every device of this silo.</summary>
    public bool IsReady => _runtime.IsReady;

    /// <summary>The models served (the same on every device of the silo); empty while loading.</summary>
    public IReadOnlyList<ModelInfo> Models =>
        _runtime.Devices.FirstOrDefault()?.Models.Select(ModelDescriptions.Describe).ToArray() ?? [];

    /// <summary>The model of that name (and version, when given), or null; null while loading.</summary>
    public ModelInfo? FindModel(string name, string? version = null) =>
        _runtime.Devices.FirstOrDefault()?.FindModel(name) is { } model && (version is null || version == model.Version)
            ? ModelDescriptions.Describe(model)
            : null;

    /// <summary>The devices of this silo that serve <paramref name="model"/>.</summary>
    public IReadOnlyList<DeviceKey> LocalDevices(string model) =>
        [.. _runtime.Devices.Where(d => d.FindModel(model) is not null).Select(d => new DeviceKey(_silo, d.Name))];

    /// <summary>
    /// Runs <paramref name="request"/> on the device routing picks; a call lost with another silo goes to another device,
    /// until the request's deadline.
    /// </summary>
    /// <exception cref="NotReadyException">The silo is still loading its models and no other silo's device serves the model.</exception>
    /// <exception cref="UnknownModelException">No such model.</exception>
    /// <exception cref="NoDeviceException">No device serves it, or none is left after losses.</exception>
    /// <exception cref="InferenceTimeoutException">The deadline passed while devices were being lost.</exception>
    public Task<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        if (!_runtime.IsReady)
        {
            // Devices of other silos may serve it meanwhile (a camera that moved here while this silo loads).
            return _router.InferAsync(request, _ => throw NotReady(), cancellationToken);
        }

        ThrowUnlessServed(request.Model);
        return _router.InferAsync(request, LocalFallback, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="request"/> on one device, without routing or retries: a job's shard runs where its lease
    /// was taken. A call lost with the device's silo throws as <see cref="SiloLoss"/> says.
    /// </summary>
    /// <exception cref="NotReadyException">The silo is still loading its models.</exception>
    /// <exception cref="UnknownModelException">No such model.</exception>
    public Task<InferenceResponse> InferOnAsync(DeviceKey device, InferenceRequest request, CancellationToken cancellationToken)
    {
        ThrowUnlessServed(request.Model);
        return _grains.GetGrain<IDeviceGrain>(device.ToString()).InferAsync(request.AsImmutable(), cancellationToken);
    }

    /// <summary>
    /// Every device of the cluster with its status (this silo's alone until the routing table has heard from them);
    /// a device whose silo is lost meanwhile is left out.
    /// </summary>
    public async Task<IReadOnlyList<DeviceStatus>> GetDevicesAsync(CancellationToken cancellationToken)
    {
        var keys = (await _table.GetAsync(cancellationToken)).Select(d => d.Key).ToList();
        keys.AddRange(_runtime.Targets.Select(t => new DeviceKey(_silo, t.Device).ToString()).Except(keys));
        var statuses = await Task.WhenAll(keys.Order(StringComparer.Ordinal).Select(async key =>
        {
            try
            {
                return await _grains.GetGrain<IDeviceGrain>(key).GetStatusAsync().WaitAsync(cancellationToken);
            }
            catch (Exception e) when (SiloLoss.Is(e))
            {
                return null;
            }
        }));
        return [.. statuses.OfType<DeviceStatus>()];
    }

    private void ThrowUnlessServed(string model)
    {
        if (!_runtime.IsReady)
        {
            throw NotReady();
        }

        if (_runtime.Devices[0].FindModel(model) is null)
        {
            throw new UnknownModelException(model);
        }
    }

    private NotReadyException NotReady() => new($"Silo '{_silo}' is still loading its models.");

    /// <summary>Until the table lists the cluster's devices (just after start), a device of this silo.</summary>
    private string? LocalFallback(string model) => LocalDevices(model) is [var first, ..] ? first.ToString() : null;
}
