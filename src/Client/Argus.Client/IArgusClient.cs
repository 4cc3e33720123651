using Argus.Devices;

namespace Argus.Client;

/// <summary>Runs images and tensors through the models of an Argus cluster.</summary>
public interface IArgusClient
{
    /// <summary>
    /// Runs <paramref name="inputs"/> through <paramref name="model"/> on <paramref name="device"/>. Every item succeeds
    /// or fails on its own; a failed item carries its error in <see cref="ItemResult.Error"/>.
    /// </summary>
    /// <exception cref="Argus.Errors.UnknownModelException">No such model.</exception>
    /// <exception cref="Argus.Errors.NotReadyException">The device is still loading its models.</exception>
    Task<InferenceResponse> InferAsync(
        DeviceKey device, string model, IReadOnlyList<InferenceInput> inputs, Lane lane = Lane.Interactive,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one encoded image and returns its result.
    /// </summary>
    /// <exception cref="Argus.Errors.BadInputException">The image is unusable.</exception>
    /// <exception cref="Argus.Errors.OverloadedException">The device cannot answer in time; retry after its <c>RetryAfter</c>.</exception>
    Task<ItemResult> InferImageAsync(
        DeviceKey device, string model, byte[] image, Lane lane = Lane.Interactive,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>What a device is, what it has loaded and how busy it is.</summary>
    Task<DeviceStatus> GetDeviceStatusAsync(DeviceKey device);
}
