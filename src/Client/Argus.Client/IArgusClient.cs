using Argus.Devices;

namespace Argus.Client;

/// <summary>Runs images and tensors through the models of an Argus cluster.</summary>
public interface IArgusClient
{
    /// <summary>
    /// Runs <paramref name="inputs"/> through <paramref name="model"/> on the device routing picks (the less loaded of
    /// two sampled devices). Every item succeeds or fails on its own; a failed item carries its error in
    /// <see cref="ItemResult.Error"/>. When the device's silo is lost mid-call, the call is retried on another device
    /// within the timeout; bad input is never retried.
    /// </summary>
    /// <exception cref="Argus.Errors.NoDeviceException">No device serves the model.</exception>
    /// <exception cref="Argus.Errors.InferenceTimeoutException">The timeout passed, retries included.</exception>
    /// <exception cref="Argus.Errors.NotReadyException">The device is still loading its models.</exception>
    Task<InferenceResponse> InferAsync(
        string model, IReadOnlyList<InferenceInput> inputs, Lane lane = Lane.Interactive,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Runs one encoded image through <paramref name="model"/> on the device routing picks, like <see cref="InferAsync(string, IReadOnlyList{InferenceInput}, Lane, TimeSpan?, CancellationToken)"/>.</summary>
    /// <exception cref="Argus.Errors.BadInputException">The image is unusable.</exception>
    /// <exception cref="Argus.Errors.OverloadedException">The device cannot answer in time; retry after its <c>RetryAfter</c>.</exception>
    Task<ItemResult> InferImageAsync(
        string model, byte[] image, Lane lane = Lane.Interactive, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Runs <paramref name="inputs"/> on one named device, without routing or retries.</summary>
    /// <exception cref="Argus.Errors.UnknownModelException">The device has no such model.</exception>
    /// <exception cref="Argus.Errors.NotReadyException">The device is still loading its models.</exception>
    Task<InferenceResponse> InferAsync(
        DeviceKey device, string model, IReadOnlyList<InferenceInput> inputs, Lane lane = Lane.Interactive,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Runs one encoded image on one named device and returns its result.</summary>
    /// <exception cref="Argus.Errors.BadInputException">The image is unusable.</exception>
    /// <exception cref="Argus.Errors.OverloadedException">The device cannot answer in time; retry after its <c>RetryAfter</c>.</exception>
    Task<ItemResult> InferImageAsync(
        DeviceKey device, string model, byte[] image, Lane lane = Lane.Interactive,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>The cluster's devices with their models and load, as routing sees them.</summary>
    Task<IReadOnlyList<DeviceLoad>> GetDevicesAsync(CancellationToken cancellationToken = default);

    /// <summary>What a device is, what it has loaded and how busy it is.</summary>
    Task<DeviceStatus> GetDeviceStatusAsync(DeviceKey device);
}
