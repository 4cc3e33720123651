using Argus.LoadTesting.Targets;

namespace Argus.LoadTesting.Load;

/// <summary>
/// Closed-loop load: c callers, each sending its next request as soon as the last one ends. Against a target that
/// runs in process (<see cref="ILoadTarget.RunsInProcess"/>) one caller sends all c callers' images at once.
/// </summary>
public sealed class ClosedLoop : LoadGenerator
{
    private readonly Task[] _callers;

    private ClosedLoop(ILoadTarget target, ImageSet images, int concurrency, int imagesPerRequest, TimeProvider time, CancellationToken cancellationToken)
        : base(target, images, time, cancellationToken)
    {
        var (callers, perRequest) = target.RunsInProcess ? (1, concurrency * imagesPerRequest) : (concurrency, imagesPerRequest);
        _callers = [.. Enumerable.Range(0, callers).Select(_ => Task.Run(() => CallAsync(perRequest), CancellationToken.None))];
    }

    /// <summary>Starts <paramref name="concurrency"/> callers of <paramref name="imagesPerRequest"/> images per request.</summary>
    public static ClosedLoop Start(
        ILoadTarget target, ImageSet images, int concurrency, int imagesPerRequest = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(imagesPerRequest, 1);
        return new ClosedLoop(target, images, concurrency, imagesPerRequest, TimeProvider.System, cancellationToken);
    }

    /// <inheritdoc />
    public override async ValueTask DisposeAsync()
    {
        await Stopping.CancelAsync();
        await Task.WhenAll(_callers);
        Stopping.Dispose();
    }

    private async Task CallAsync(int images)
    {
        while (!Stopping.IsCancellationRequested)
        {
            await SendAsync(images);

            // A target that answers synchronously (a failure before any I/O) must not keep this thread forever.
            await Task.Yield();
        }
    }
}
