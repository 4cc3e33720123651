using Argus.Client;
using Argus.Devices;
using Argus.Errors;

namespace Argus.LoadTesting.Targets;

/// <summary>
/// The cluster through the .NET SDK: <see cref="IArgusClient.InferAsync(string, IReadOnlyList{InferenceInput}, Lane, TimeSpan?, string?, string?, CancellationToken)"/>,
/// routed, or one named device when <paramref name="device"/> is given. The client belongs to the caller.
/// </summary>
public sealed class SdkTarget(IArgusClient client, string model, Lane lane = Lane.Interactive, DeviceKey? device = null) : ILoadTarget
{
    /// <inheritdoc />
    public string Description => device is null ? $"sdk {model} (routed)" : $"sdk {model} on {device}";

    /// <inheritdoc />
    public bool RunsInProcess => false;

    /// <inheritdoc />
    public async Task<TargetAnswer> SendAsync(IReadOnlyList<byte[]> images, CancellationToken cancellationToken)
    {
        var inputs = images.Select(InferenceInput.FromImage).ToArray();
        try
        {
            var response = device is { } key
                ? await client.InferAsync(key, model, inputs, lane, cancellationToken: cancellationToken)
                : await client.InferAsync(model, inputs, lane, cancellationToken: cancellationToken);
            return new TargetAnswer(response.Device, response.Items);
        }
        catch (OverloadedException e)
        {
            return TargetAnswer.Rejected(images.Count, e.Message);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<DeviceInfo>> GetDevicesAsync(CancellationToken cancellationToken)
    {
        var devices = await client.GetDevicesAsync(cancellationToken);
        var statuses = await Task.WhenAll(devices.Select(async d =>
        {
            try
            {
                return await client.GetDeviceStatusAsync(DeviceKey.Parse(d.Key));
            }
            catch (Exception e) when (SiloLoss.Is(e))
            {
                return null; // its silo left after the table was read
            }
        }));
        return [.. statuses.OfType<DeviceStatus>().Select(s => new DeviceInfo(s.Key, s.Kind, s.ExecutionProvider))];
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
