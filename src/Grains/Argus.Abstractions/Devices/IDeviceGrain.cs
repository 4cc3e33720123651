using Orleans.Concurrency;

namespace Argus.Devices;

/// <summary>
/// The addressable face of one accelerator (or the CPU) of one silo, keyed by <see cref="DeviceKey"/>.
/// Requests sent to it are micro-batched with others on the device's warm model sessions.
/// </summary>
[Alias("Argus.Devices.IDeviceGrain")]
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs every input of <paramref name="request"/> on this device. Each item succeeds or fails on its own:
    /// a bad image or a rejected item is reported in its <see cref="ItemResult.Error"/>, never as a failure of the others.
    /// </summary>
    /// <exception cref="Argus.Errors.UnknownModelException">The device has no such model.</exception>
    /// <exception cref="Argus.Errors.NotReadyException">The device is still loading or warming its models.</exception>
    [Alias("Infer")]
    Task<InferenceResponse> InferAsync(Immutable<InferenceRequest> request, CancellationToken cancellationToken = default);

    /// <summary>What the device is, what it has loaded and how busy it is.</summary>
    [Alias("GetStatus")]
    Task<DeviceStatus> GetStatusAsync();
}
