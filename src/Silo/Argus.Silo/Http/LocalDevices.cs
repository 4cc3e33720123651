using System.Collections.Frozen;
using Argus.Devices;
using Argus.Errors;
using Argus.Inference.Devices;
using Argus.Silo.Hosting;
using Orleans.Concurrency;

namespace Argus.Silo.Http;

/// <summary>
/// The HTTP API's way into the cluster's devices: a request goes to a device of this silo while its expected wait is
/// short, otherwise to the less loaded of two devices sampled across the cluster (<see cref="DeviceRouting"/>).
/// </summary>
internal sealed class LocalDevices(DeviceRuntime runtime, ArgusSiloOptions silo, IGrainFactory grains, DeviceTable table)
{
    /// <summary>True once every model is warm.</summary>
    public bool IsReady => runtime.IsReady;

    /// <summary>The models this silo serves (the same on each of its devices).</summary>
    public IReadOnlyCollection<LoadedModel> Models => runtime.Devices.FirstOrDefault()?.Models ?? [];

    /// <summary>The model of that name, or null.</summary>
    public LoadedModel? FindModel(string name) => runtime.Devices.FirstOrDefault()?.FindModel(name);

    /// <summary>The grains of this silo's devices.</summary>
    public IEnumerable<IDeviceGrain> All => runtime.Targets.Select(t => Grain(t.Device));

    /// <summary>Runs a request on the device routing picks (a local one until the table knows the cluster).</summary>
    /// <exception cref="NotReadyException">Models are still loading.</exception>
    /// <exception cref="UnknownModelException">No such model.</exception>
    public async Task<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        if (!runtime.IsReady)
        {
            throw new NotReadyException("The silo is still loading its models.");
        }

        var choice = DeviceRouting.Choose(
            await table.GetAsync(cancellationToken), request.Model, silo.Name, TimeSpan.FromMilliseconds(silo.LocalWaitLimitMs),
            FrozenSet<string>.Empty, Random.Shared);
        var device = choice is null ? Grain(runtime.Devices[0].Name) : grains.GetGrain<IDeviceGrain>(choice.Key);
        return await device.InferAsync(request.AsImmutable(), cancellationToken);
    }

    private IDeviceGrain Grain(string device) =>
        grains.GetGrain<IDeviceGrain>(new DeviceKey(silo.Name, device).ToString());
}
