using Argus.Devices;
using Argus.Errors;
using Argus.Inference.Devices;
using Argus.Models;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Argus.Grains.Devices;

/// <summary>
/// The one way into the devices for every caller on a silo: the HTTP API (v1 and v2), camera grains, pipeline items'
/// two tiers and job shard runners. It owns readiness, the model catalog (in contract types), the choice of version (<see cref="ModelRouter"/>:
/// the caller's, else the model's rollout by route key, with shadow and comparison copies), the choice of device
/// (<see cref="DeviceRouting"/>: a device of this silo while its wait is short, else the less loaded of two sampled across
/// the cluster) and the rule for a call lost with its silo (<see cref="DeviceRouter"/>); the SDK shares the last three.
/// A new routing concern (a tenant) is one more input to <see cref="InferAsync(InferenceRequest, string?, CancellationToken)"/>'s
/// choice, not another copy of route-and-call.
/// </summary>
public sealed class InferenceDoor
{
    private readonly DeviceRuntime _runtime;
    private readonly DeviceTable _table;
    private readonly IGrainFactory _grains;
    private readonly string _silo;
    private readonly RolloutTable _rollouts;
    private readonly ModelRouter _router;

    /// <summary>Created once per silo by <c>AddArgus</c>.</summary>
    public InferenceDoor(
        DeviceRuntime runtime, DeviceTable table, RolloutTable rollouts, RolloutRecorder recorder, IGrainFactory grains,
        IClusterMembershipService membership, ILocalSiloDetails silo, IOptions<RoutingOptions> options, TimeProvider time)
    {
        var watch = new SiloWatch(membership);
        (_runtime, _table, _rollouts, _grains, _silo) = (runtime, table, rollouts, grains, silo.Name);
        var o = options.Value;
        var devices = new DeviceRouter(
            grains, table, new RouteOrigin(_silo, TimeSpan.FromMilliseconds(o.LocalWaitLimitMs)), TimeSpan.FromMilliseconds(o.AttemptTimeoutMs),
            (device, token) => watch.WhenGoneAsync(device.Silo, token));
        _router = new ModelRouter(devices, table, rollouts, recorder, time);
    }

    /// <summary>True once every model is warm on every device of this silo.</summary>
    public bool IsReady => _runtime.IsReady;

    /// <summary>The model versions served (the same on every device of the silo); empty while loading.</summary>
    public IReadOnlyList<ModelInfo> Models =>
        _runtime.Devices.FirstOrDefault()?.Models.Select(ModelDescriptions.Describe).ToArray() ?? [];

    /// <summary>The model of that name at that version (its default version when null), or null; null while loading.</summary>
    public ModelInfo? FindModel(string name, string? version = null) =>
        _runtime.Devices.FirstOrDefault()?.FindModel(name, version) is { } model ? ModelDescriptions.Describe(model) : null;

    /// <summary>The versions of <paramref name="name"/> this silo serves, in the order they were loaded.</summary>
    public IReadOnlyList<string> VersionsOf(string name) =>
        _runtime.Devices.FirstOrDefault() is { } device ? [.. device.Versions(name).Select(m => m.Version)] : [];

    /// <summary>The devices of this silo that serve <paramref name="model"/> (at <paramref name="version"/>, when one is named).</summary>
    public IReadOnlyList<DeviceKey> LocalDevices(string model, string? version = null) =>
        [.. _runtime.Devices.Where(d => d.FindModel(model, version) is not null).Select(d => new DeviceKey(_silo, d.Name))];

    /// <summary>
    /// Runs <paramref name="request"/> on the device routing picks; a call lost with another silo goes to another device,
    /// until the request's deadline.
    /// </summary>
    /// <exception cref="NotReadyException">The silo is still loading its models and no other silo's device serves the model.</exception>
    /// <exception cref="UnknownModelException">No such model.</exception>
    /// <exception cref="NoDeviceException">No device serves it, or none is left after losses.</exception>
    /// <exception cref="InferenceTimeoutException">The deadline passed while devices were being lost.</exception>
    /// <exception cref="UnknownVersionException">The request names a version no device serves.</exception>
    /// <param name="request">The call; its version, when set, is the caller's choice.</param>
    /// <param name="routeKey">What keeps the call on one version under a canary (a camera's id, a caller's key); the hash of its input when null.</param>
    /// <param name="cancellationToken">The caller's.</param>
    public async Task<InferenceResponse> InferAsync(InferenceRequest request, string? routeKey, CancellationToken cancellationToken)
    {
        var choice = await ChooseAsync(request.Model, request.Version,
            () => routeKey is null ? RouteKeys.Of(request) : RouteKeys.Of(routeKey), cancellationToken);
        return await InferAsync(request, choice, cancellationToken);
    }

    /// <summary>
    /// The version a call goes to (<see cref="ModelRouter.ChooseAsync"/>), for a caller that must know it before it reads
    /// the call's input (the v2 protocol checks tensors against the version's shapes).
    /// </summary>
    /// <exception cref="NotReadyException">The silo is still loading its models.</exception>
    /// <exception cref="UnknownModelException">No such model.</exception>
    /// <exception cref="UnknownVersionException">No device serves <paramref name="version"/>.</exception>
    public ValueTask<RouteChoice> ChooseAsync(string model, string? version, Func<ulong> routeKey, CancellationToken cancellationToken)
    {
        if (_runtime.IsReady)
        {
            ThrowUnlessServed(model, version);
        }

        return _router.ChooseAsync(model, version, routeKey, cancellationToken);
    }

    /// <summary>Runs <paramref name="request"/> on the version <paramref name="choice"/> names, routed as <see cref="InferAsync(InferenceRequest, string?, CancellationToken)"/> says.</summary>
    public Task<InferenceResponse> InferAsync(InferenceRequest request, RouteChoice choice, CancellationToken cancellationToken)
    {
        // While this silo loads, devices of other silos may serve the model (a camera that moved here meanwhile).
        Func<string, string?> fallback = _runtime.IsReady ? LocalFallback : _ => throw NotReady();
        return _router.InferAsync(request, choice, fallback, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="request"/> on one device, without routing or retries: a job's shard runs where its lease
    /// was taken, on the version it names or else the rollout's stable one (batch work takes no canary and makes no
    /// copies). A call lost with the device's silo throws as <see cref="SiloLoss"/> says.
    /// </summary>
    /// <exception cref="NotReadyException">The silo is still loading its models.</exception>
    /// <exception cref="UnknownModelException">No such model.</exception>
    public async Task<InferenceResponse> InferOnAsync(DeviceKey device, InferenceRequest request, CancellationToken cancellationToken)
    {
        ThrowUnlessServed(request.Model, request.Version);
        var version = request.Version ?? (await _rollouts.GetAsync(request.Model, cancellationToken)).Stable;
        return await _grains.GetGrain<IDeviceGrain>(device.ToString()).InferAsync((request with { Version = version }).AsImmutable(), cancellationToken);
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

    private void ThrowUnlessServed(string model, string? version)
    {
        if (!_runtime.IsReady)
        {
            throw NotReady();
        }

        var device = _runtime.Devices[0];
        if (device.FindModel(model, null) is null)
        {
            throw new UnknownModelException(model);
        }

        if (version is not null && device.FindModel(model, version) is null)
        {
            throw new UnknownVersionException(model, version, VersionsOf(model));
        }
    }

    private NotReadyException NotReady() => new($"Silo '{_silo}' is still loading its models.");

    /// <summary>Until the table lists the cluster's devices (just after start), a device of this silo.</summary>
    private string? LocalFallback(string model) => LocalDevices(model) is [var first, ..] ? first.ToString() : null;
}
