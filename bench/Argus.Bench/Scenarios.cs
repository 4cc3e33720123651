using Argus.LoadTesting.Load;
using Argus.LoadTesting.Targets;
using Argus.Inference.Postprocessing;

namespace Argus.Bench;

/// <summary>The scenarios' names, as reported.</summary>
internal static class ScenarioName
{
    public const string Raw = "(a) raw ONNX Runtime";
    public const string Orleans = "(b) Orleans client";
    public const string Http = "(c) HTTP";
    public const string Grpc = "(d) gRPC";
}

/// <summary>
/// One way of running the photos through the model, measured in a closed loop of c callers (for (a), in process: one
/// caller running c photos as one batch, every image of the batch with its latency).
/// </summary>
internal sealed record Scenario(string Name, ILoadTarget Target)
{
    /// <summary>The L2-normalised embedding of one photo, to check the paths agree.</summary>
    public async Task<float[]> EmbedAsync(byte[] image, CancellationToken cancellationToken)
    {
        var item = (await Target.SendAsync([image], cancellationToken)).Items[0];
        if (item.Error is { } error)
        {
            throw new InvalidOperationException($"{Name}: {error.Kind}: {error.Message}");
        }

        return item.Embedding ?? Postprocess.L2Normalize(item.Raw ?? throw new InvalidOperationException($"{Name} answered no embedding."));
    }

    /// <summary>A discarded warm-up, then the measured window, with <paramref name="concurrency"/> callers throughout.</summary>
    public async Task<Measurement> MeasureAsync(
        ImageSet images, int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken)
    {
        var (warm, measured) = await MeasureWindowsAsync(images, concurrency, warmup, window, cancellationToken);
        return Measurement.From(Name, concurrency, warm, measured);
    }

    /// <summary>As <see cref="MeasureAsync"/>, the warm-up's and the window's figures apart, for runs merged later.</summary>
    public async Task<(WindowStats Warmup, WindowStats Window)> MeasureWindowsAsync(
        ImageSet images, int concurrency, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken)
    {
        await using var load = ClosedLoop.Start(Target, images, concurrency, cancellationToken: cancellationToken);
        var warm = await load.MeasureAsync(warmup, cancellationToken);
        return (warm, await load.MeasureAsync(window, cancellationToken));
    }
}
