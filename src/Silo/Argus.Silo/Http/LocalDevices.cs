using Argus.Devices;
using Argus.Errors;
using Argus.Inference.Devices;
using Argus.Silo.Hosting;
using Orleans.Concurrency;

namespace Argus.Silo.Http;

/// <summary>The HTTP API's way into this silo's devices: requests go to the local device with the shortest queue.</summary>
internal sealed class LocalDevices(DeviceRuntime runtime, ArgusSiloOptions silo, IGrainFactory grains)
{
    /// <summary>True once every model is warm.</summary>
    public bool IsReady => runtime.IsReady;

    /// <summary>The models this silo serves (the same on each of its devices).</summary>
    public IReadOnlyCollection<LoadedModel> Models => runtime.Devices.FirstOrDefault()?.Models ?? [];

    /// <summary>The model of that name, or null.</summary>
    public LoadedModel? FindModel(string name) => runtime.Devices.FirstOrDefault()?.FindModel(name);

    /// <summary>The grains of this silo's devices.</summary>
    public IEnumerable<IDeviceGrain> All => runtime.Targets.Select(t => Grain(t.Device));

    /// <summary>Runs a request on the least-loaded local device.</summary>
    /// <exception cref="NotReadyException">Models are still loading.</exception>
    /// <exception cref="UnknownModelException">No such model.</exception>
    public Task<InferenceResponse> InferAsync(InferenceRequest request, CancellationToken cancellationToken)
    {
        if (!runtime.IsReady)
        {
            throw new NotReadyException("The silo is still loading its models.");
        }

        var device = runtime.Devices.MinBy(d => d.Batcher.GetStats().QueueDepth.Sum())!;
        return Grain(device.Name).InferAsync(request.AsImmutable(), cancellationToken);
    }

    private IDeviceGrain Grain(string device) =>
        grains.GetGrain<IDeviceGrain>(new DeviceKey(silo.Name, device).ToString());
}
