using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Argus.Inference.Models;
using Argus.Inference.Sessions;
using Argus.Inference.Simulation;

namespace Argus.LoadTesting.Planning;

/// <summary>What <see cref="LatencyCurveRecorder"/> measures, and how often.</summary>
/// <param name="ModelPath">The ONNX model.</param>
/// <param name="PreprocessPath">An optional preprocessing graph run before it, as the silo runs it.</param>
/// <param name="ItemShape">One item's shape as preprocessing makes it, e.g. [3, 224, 224].</param>
public sealed record LatencyCurveRequest(string ModelPath, string? PreprocessPath, IReadOnlyList<long> ItemShape)
{
    /// <summary>The largest batch measured. Default 16.</summary>
    public int MaxBatch { get; init; } = 16;

    /// <summary>Timed runs per batch size; the curve takes their median. Default 20.</summary>
    public int Runs { get; init; } = 20;

    /// <summary>Untimed runs per batch size first (session set-up, kernel choice for a new shape). Default 3.</summary>
    public int WarmupRuns { get; init; } = 3;

    /// <summary>The command that asked for the measurement, recorded in the profile's source.</summary>
    public string Command { get; init; } = "";
}

/// <summary>
/// Measures a real model's latency curve on this machine's device, so a simulated device can replay it and the
/// capacity planner can plan with it: the way a profile is recorded from a GPU.
/// </summary>
public static class LatencyCurveRecorder
{
    /// <summary>The batch sizes measured: 1, 2, 4, … up to <paramref name="maxBatch"/>, which is always included.</summary>
    public static IReadOnlyList<int> BatchSizes(int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        List<int> sizes = [];
        for (var b = 1; b < maxBatch; b *= 2)
        {
            sizes.Add(b);
        }

        sizes.Add(maxBatch);
        return sizes;
    }

    /// <summary>
    /// Loads the model on the device <see cref="ExecutionTarget.Discover"/> finds (CUDA where its provider loads, else
    /// the CPU) with the silo's session options, and times batches of zero inputs at each of <see cref="BatchSizes"/>.
    /// </summary>
    /// <param name="request">The model and the measurement.</param>
    /// <param name="measured">Called after each batch size with its median batch time.</param>
    /// <param name="cancellationToken">Stops between runs.</param>
    /// <exception cref="ArgumentOutOfRangeException">A batch limit or run count below 1, or negative warm-up runs.</exception>
    public static LatencyProfile Record(
        LatencyCurveRequest request, Action<int, TimeSpan>? measured = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Runs, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(request.WarmupRuns);
        var sizes = BatchSizes(request.MaxBatch);
        var target = ExecutionTarget.Discover(new InferenceOptions())[0];
        using var model = OnnxModel.Load(
            request.ModelPath, request.PreprocessPath, request.ItemShape, () => target.CreateSessionOptions(intraOpThreads: 0));
        var zero = new float[model.Input.ItemLength];
        Dictionary<int, double> medians = [];
        var jitter = 0.0;
        foreach (var size in sizes)
        {
            var batch = Enumerable.Repeat(zero, size).ToArray();
            for (var i = 0; i < request.WarmupRuns; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                model.Run(batch);
            }

            var ms = new double[request.Runs];
            for (var i = 0; i < ms.Length; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                model.Run(batch);
                ms[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            Array.Sort(ms);
            var median = ms[ms.Length / 2];
            medians[size] = median;

            // The spread from the quartiles (a normal's IQR is 1.349 σ): a stray slow run on a shared machine does not
            // count. The profile keeps the widest; over half the batch time it is noise, not a curve.
            var iqr = ms[ms.Length * 3 / 4] - ms[ms.Length / 4];
            jitter = Math.Min(0.5, Math.Max(jitter, iqr / 1.349 / median));
            measured?.Invoke(size, TimeSpan.FromMilliseconds(median));
        }

        var files = request.PreprocessPath is null
            ? Path.GetFileName(request.ModelPath)
            : $"{Path.GetFileName(request.PreprocessPath)} + {Path.GetFileName(request.ModelPath)}";
        var source = string.Create(CultureInfo.InvariantCulture,
            $"{files}, items of [{string.Join(',', request.ItemShape)}], on {target.Device} ({target.Provider}), {RuntimeInformation.ProcessArchitecture} with {Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd}: median of {request.Runs} runs after {request.WarmupRuns} warm-up runs per batch size{(request.Command.Length > 0 ? "; " + request.Command : "")}.");
        var name = $"{Path.GetFileNameWithoutExtension(request.ModelPath).ToLowerInvariant()}-{target.Device}";
        return new LatencyProfile(name, medians, Math.Round(jitter, 3), source);
    }
}
