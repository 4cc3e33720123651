using Argus.LoadTesting.Targets;

namespace Argus.LoadTesting.Load;

/// <summary>Runs a target through every load level of a sweep, each measured in windows until stable, as perf_analyzer does.</summary>
public static class LoadSweep
{
    /// <summary>
    /// Measures every level of <paramref name="options"/> against <paramref name="target"/>, one after another, and
    /// calls <paramref name="measured"/> as each ends.
    /// </summary>
    /// <exception cref="ArgumentException">The options are invalid (<see cref="LoadSweepOptions.Validate"/>).</exception>
    public static async Task<IReadOnlyList<StepResult>> RunAsync(
        ILoadTarget target, ImageSet images, LoadSweepOptions options, Action<StepResult>? measured = null,
        CancellationToken cancellationToken = default)
    {
        if (options.Validate() is { Count: > 0 } failures)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        var random = options.Seed is { } seed ? new Random(seed) : new Random();
        List<StepResult> steps = [];
        foreach (var level in options.Range.Levels())
        {
            List<WindowStats> windows = [];
            var stable = false;
            await using (var load = Start(target, images, options, level, random, cancellationToken))
            {
                while (!stable && windows.Count < options.MaxTrials)
                {
                    windows.Add(await load.MeasureAsync(options.MeasurementInterval, cancellationToken));
                    stable = Stability.IsStable([.. windows.Select(w => (w.Throughput, w.LatencyMs(95)))], options.StabilityPercentage);
                }
            }

            var merged = WindowStats.Merge(windows.TakeLast(Stability.Windows).ToList());
            var step = new StepResult(
                options.Mode, level, merged, stable, windows.Count, await DevicesAsync(target, merged, cancellationToken),
                options.SloMs, options.ImagesPerRequest);
            measured?.Invoke(step);
            steps.Add(step);
        }

        return steps;
    }

    private static LoadGenerator Start(
        ILoadTarget target, ImageSet images, LoadSweepOptions options, double level, Random random, CancellationToken cancellationToken) =>
        options.Mode == LoadMode.Concurrency
            ? ClosedLoop.Start(target, images, (int)level, options.ImagesPerRequest, cancellationToken)
            : OpenLoop.Start(target, images, level, options.MaxOutstanding, random, options.ImagesPerRequest, cancellationToken: cancellationToken);

    /// <summary>
    /// The devices that answered, with their kinds as the target lists them. A device it does not list (an HTTP silo lists
    /// only its own, and routing may send a request to another silo's) gets the kind its name starts with: devices are
    /// named kind and index (<c>cpu0</c>, <c>cuda1</c>, <c>sim0</c>), so a simulated one is still named as such.
    /// </summary>
    private static async Task<IReadOnlyList<DeviceUse>> DevicesAsync(ILoadTarget target, WindowStats stats, CancellationToken cancellationToken)
    {
        var known = (await target.GetDevicesAsync(cancellationToken)).ToDictionary(d => d.Key);
        return [.. stats.Devices.OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => new DeviceUse(known.GetValueOrDefault(d.Key) ?? new DeviceInfo(d.Key, KindFromName(d.Key), ""), d.Value))];
    }

    internal static string KindFromName(string key)
    {
        var kind = key[(key.LastIndexOf('/') + 1)..].TrimEnd("0123456789".ToCharArray());
        return kind.Length > 0 ? kind : "unknown";
    }
}
