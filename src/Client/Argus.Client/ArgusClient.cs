using Argus.Devices;
using Argus.Errors;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Argus.Client;

internal sealed class ArgusClient(IClusterClient cluster, IOptions<ArgusClientOptions> options) : IArgusClient
{
    public Task<InferenceResponse> InferAsync(
        DeviceKey device, string model, IReadOnlyList<InferenceInput> inputs, Lane lane, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var budget = timeout ?? options.Value.DefaultTimeout;
        if (budget <= TimeSpan.Zero || budget > ClusterIdentity.MaxRequestTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), budget, $"A timeout must be positive and at most {ClusterIdentity.MaxRequestTimeout}.");
        }

        var deadline = DateTime.UtcNow + budget;
        var request = new InferenceRequest(model, inputs, lane, deadline);
        return Grain(device).InferAsync(request.AsImmutable(), cancellationToken);
    }

    public async Task<ItemResult> InferImageAsync(
        DeviceKey device, string model, byte[] image, Lane lane, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var response = await InferAsync(device, model, [InferenceInput.FromImage(image)], lane, timeout, cancellationToken);
        var item = response.Items[0];
        return item.Error is { } error ? throw ToException(error) : item;
    }

    public Task<DeviceStatus> GetDeviceStatusAsync(DeviceKey device) => Grain(device).GetStatusAsync();

    /// <summary>The typed exception for an item's error.</summary>
    internal static ArgusException ToException(InferenceError error) => error.Kind switch
    {
        ErrorKind.BadInput => new BadInputException(error.Message),
        ErrorKind.Overloaded => new OverloadedException(error.Message, TimeSpan.FromMilliseconds(error.RetryAfterMs ?? 1000)),
        ErrorKind.NotReady => new NotReadyException(error.Message),
        _ => new ArgusException(error.Message),
    };

    private IDeviceGrain Grain(DeviceKey device) => cluster.GetGrain<IDeviceGrain>(device.ToString());
}
