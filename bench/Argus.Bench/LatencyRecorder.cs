using System.Diagnostics;

namespace Argus.Bench;

/// <summary>What one call answered.</summary>
/// <param name="Images">Images answered.</param>
/// <param name="QueueMs">Time the images waited for their batch, as the silo reports it; null where there is no queue.</param>
/// <param name="ComputeMs">Time their batch ran (<c>OnnxModel.Run</c>), as the silo reports it or as measured in process.</param>
internal readonly record struct StepResult(int Images, double? QueueMs, double ComputeMs);

/// <summary>One scenario at one concurrency, as measured.</summary>
/// <param name="Images">Images answered correctly inside the window.</param>
/// <param name="Errors">Failed calls (warm-up and window alike), by kind and message.</param>
/// <param name="QueueP50Ms">Median per-image queue time; NaN where there is no queue.</param>
/// <param name="ComputeP50Ms">Median per-image batch run time.</param>
internal sealed record Measurement(
    string Scenario, int Concurrency, long Images, IReadOnlyDictionary<string, long> Errors, TimeSpan Window,
    double P50Ms, double P95Ms, double P99Ms, double QueueP50Ms, double ComputeP50Ms)
{
    /// <summary>Items per batch the model ran during this measurement (the silo's counters, or the cycle size for (a)).</summary>
    public double? AverageBatchSize { get; init; }

    public long ErrorCount => Errors.Values.Sum();

    public double ImagesPerSecond => Images / Window.TotalSeconds;
}

/// <summary>Collects per-image latencies and errors from many threads; summarises them with nearest-rank percentiles.</summary>
internal sealed class LatencyRecorder
{
    private readonly object _gate = new();
    private readonly List<double> _latenciesMs = new(4096);
    private readonly List<double> _queueMs = new(4096);
    private readonly List<double> _computeMs = new(4096);
    private readonly Dictionary<string, long> _errors = [];

    /// <summary>Records a call whose images were all answered after <paramref name="latency"/>.</summary>
    public void Record(TimeSpan latency, StepResult result)
    {
        lock (_gate)
        {
            for (var i = 0; i < result.Images; i++)
            {
                _latenciesMs.Add(latency.TotalMilliseconds);
                _computeMs.Add(result.ComputeMs);
                if (result.QueueMs is { } queue)
                {
                    _queueMs.Add(queue);
                }
            }
        }
    }

    /// <summary>Counts a failed call under its exception type and the first line of its message.</summary>
    public void Fail(Exception error)
    {
        var message = error.Message.Split('\n', 2)[0].Trim();
        var key = $"{error.GetType().Name}: {(message.Length > 160 ? message[..160] + "…" : message)}";
        lock (_gate)
        {
            _errors[key] = _errors.GetValueOrDefault(key) + 1;
        }
    }

    public Measurement Summarize(string scenario, int concurrency, TimeSpan window)
    {
        lock (_gate)
        {
            var sorted = _latenciesMs.Order().ToArray();
            return new Measurement(
                scenario, concurrency, sorted.Length, new Dictionary<string, long>(_errors), window,
                Percentile(sorted, 50), Percentile(sorted, 95), Percentile(sorted, 99),
                Percentile(_queueMs.Order().ToArray(), 50), Percentile(_computeMs.Order().ToArray(), 50));
        }
    }

    /// <summary>The nearest-rank percentile of ascending values; NaN when there are none.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double percent)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percent / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

/// <summary>
/// Closed-loop load: each worker starts its next call as soon as the last one ends. Successful calls that end during the
/// warm-up or after the window are not counted; throughput is what ends inside the window divided by the window.
/// Failed calls are counted whenever they end.
/// </summary>
internal static class ClosedLoop
{
    /// <summary>One call of a worker.</summary>
    public delegate Task<StepResult> Step(CancellationToken cancellationToken);

    public static async Task<Measurement> RunAsync(
        string scenario, int concurrency, int workers, Step step, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken)
    {
        var recorder = new LatencyRecorder();
        var windowStart = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var windowEnd = windowStart + (long)(window.TotalSeconds * Stopwatch.Frequency);

        async Task WorkAsync()
        {
            while (Stopwatch.GetTimestamp() < windowEnd)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                Exception? error = null;
                var result = default(StepResult);
                try
                {
                    result = await step(cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    error = e;
                }

                var ended = Stopwatch.GetTimestamp();
                if (error is not null)
                {
                    recorder.Fail(error); // counted whenever it happens: warm-up, window or the last call after it
                }
                else if (ended >= windowStart && ended <= windowEnd)
                {
                    recorder.Record(Stopwatch.GetElapsedTime(started, ended), result);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync, cancellationToken)));
        return recorder.Summarize(scenario, concurrency, window);
    }
}
