namespace Argus.LoadTesting.Targets;

/// <summary>Something a load test sends images to: a silo over HTTP, the cluster through the SDK, or a model in process.</summary>
public interface ILoadTarget : IAsyncDisposable
{
    /// <summary>What is measured, for reports, e.g. <c>http http://127.0.0.1:8080 resnet18</c>.</summary>
    string Description { get; }

    /// <summary>
    /// True where one model session in this process runs one batch at a time. A closed loop of c callers then sends
    /// one request of all c callers' images at once (the ideal batch) instead of c requests that would queue for it.
    /// </summary>
    bool RunsInProcess { get; }

    /// <summary>
    /// Sends <paramref name="images"/> as one request. A refusal for load (HTTP 429, an overloaded device) is an answer
    /// whose items carry <see cref="Argus.Errors.ErrorKind.Overloaded"/>; any other failure of the whole request throws.
    /// </summary>
    Task<TargetAnswer> SendAsync(IReadOnlyList<byte[]> images, CancellationToken cancellationToken);

    /// <summary>The devices the target can reach, with their kinds, so reports say what answered.</summary>
    Task<IReadOnlyList<DeviceInfo>> GetDevicesAsync(CancellationToken cancellationToken);
}
