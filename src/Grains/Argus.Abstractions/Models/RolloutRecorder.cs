using System.Collections.Concurrent;

namespace Argus.Models;

/// <summary>
/// What one caller (a silo's door, an SDK client) sees of each model version: answers, errors, latency, agreement with
/// stable and dropped copies. Recorded from any thread without a lock; <see cref="Drain"/> hands a period's figures to
/// the rollout grains; <see cref="Totals"/> keeps counting for the caller's metrics.
/// </summary>
public sealed class RolloutRecorder
{
    private readonly ConcurrentDictionary<(string Model, string Version, bool Shadow), Counters> _counters = new(KeyComparer.Instance);

    /// <summary>A call answered (or failed) by <paramref name="version"/> after <paramref name="elapsed"/>.</summary>
    /// <param name="model">The model.</param>
    /// <param name="version">The version that answered.</param>
    /// <param name="shadow">A copy run in the batch lane rather than an answer to a caller.</param>
    /// <param name="elapsed">The call's latency.</param>
    /// <param name="items">Its items.</param>
    /// <param name="errors">Its items that failed for the version's own reasons.</param>
    public void Answered(string model, string version, bool shadow, TimeSpan elapsed, int items, int errors)
    {
        var c = Of(model, version, shadow);
        c.Latency.Record(elapsed);
        Interlocked.Add(ref c.Items, items);
        Interlocked.Add(ref c.Errors, errors);
        Interlocked.Add(ref c.TotalItems, items);
        Interlocked.Add(ref c.TotalErrors, errors);
    }

    /// <summary>Items of <paramref name="version"/> compared with stable on the same inputs.</summary>
    public void Compared(string model, string version, double agreementSum, int items)
    {
        var c = Of(model, version, shadow: false);
        lock (c)
        {
            c.AgreementSum += agreementSum;
            c.AgreementItems += items;
            c.TotalAgreementSum += agreementSum;
            c.TotalAgreementItems += items;
        }
    }

    /// <summary>A copy for <paramref name="version"/> dropped because the devices (or this caller's copies) were full.</summary>
    public void Dropped(string model, string version)
    {
        var c = Of(model, version, shadow: true);
        Interlocked.Increment(ref c.Dropped);
        Interlocked.Increment(ref c.TotalDropped);
    }

    /// <summary>The figures since the last drain, one report per model, and a fresh period.</summary>
    public IReadOnlyList<RolloutReport> Drain(string source)
    {
        List<(string Model, VersionWindow Window)> windows = [];
        foreach (var ((model, version, shadow), c) in _counters)
        {
            double sum;
            long compared;
            lock (c)
            {
                (sum, compared) = (c.AgreementSum, c.AgreementItems);
                (c.AgreementSum, c.AgreementItems) = (0, 0);
            }

            var window = new VersionWindow(
                version, shadow, Interlocked.Exchange(ref c.Items, 0), Interlocked.Exchange(ref c.Errors, 0), c.Latency.Take(),
                sum, compared, Interlocked.Exchange(ref c.Dropped, 0));
            c.Last = window;
            if (window.Items > 0 || window.AgreementItems > 0 || window.Dropped > 0)
            {
                windows.Add((model, window));
            }
        }

        return [.. windows.GroupBy(w => w.Model, StringComparer.OrdinalIgnoreCase)
            .Select(g => new RolloutReport(source, g.Key, [.. g.Select(w => w.Window)]))];
    }

    /// <summary>
    /// Drains the period's figures to the models' rollout grains; the errors of reports that could not be
    /// sent (their period's figures are lost, and the rollout's window refills).
    /// </summary>
    public async Task<IReadOnlyList<Exception>> ReportAsync(IGrainFactory grains, string source)
    {
        List<Exception> failures = [];
        foreach (var report in Drain(source))
        {
            try
            {
                await RolloutTable.GrainOf(grains, report.Model).ReportAsync(report);
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }

        return failures;
    }

    /// <summary>Counts since start per model, version and kind of traffic, with the last drained period's latency.</summary>
    public IEnumerable<VersionTotals> Totals() => _counters.Select(p =>
    {
        var c = p.Value;
        lock (c)
        {
            return new VersionTotals(
                p.Key.Model, p.Key.Version, p.Key.Shadow, Interlocked.Read(ref c.TotalItems), Interlocked.Read(ref c.TotalErrors),
                Interlocked.Read(ref c.TotalDropped), c.TotalAgreementSum, c.TotalAgreementItems, c.Last?.Latency ?? LatencyHistogram.Empty);
        }
    });

    /// <summary>A version's counters, found by the model's name in any case (no string made per call), added in lower case.</summary>
    private Counters Of(string model, string version, bool shadow) =>
        _counters.TryGetValue((model, version, shadow), out var counters)
            ? counters
            : _counters.GetOrAdd((model.ToLowerInvariant(), version, shadow), _ => new Counters());

    /// <summary>Model names in any case, versions as written.</summary>
    private sealed class KeyComparer : IEqualityComparer<(string Model, string Version, bool Shadow)>
    {
        public static readonly KeyComparer Instance = new();

        public bool Equals((string Model, string Version, bool Shadow) x, (string Model, string Version, bool Shadow) y) =>
            string.Equals(x.Model, y.Model, StringComparison.OrdinalIgnoreCase) && x.Version == y.Version && x.Shadow == y.Shadow;

        public int GetHashCode((string Model, string Version, bool Shadow) key) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key.Model), key.Version, key.Shadow);
    }

    private sealed class Counters
    {
        public readonly LatencyRecorder Latency = new();
        public long Items;
        public long Errors;
        public long Dropped;
        public double AgreementSum;
        public long AgreementItems;
        public long TotalItems;
        public long TotalErrors;
        public long TotalDropped;
        public double TotalAgreementSum;
        public long TotalAgreementItems;
        public VersionWindow? Last;
    }
}

/// <summary>One model version's counts since the caller started, for its metrics.</summary>
/// <param name="Model">The model, in lower case.</param>
/// <param name="Version">The version.</param>
/// <param name="Shadow">Copies in the batch lane rather than answers.</param>
/// <param name="Items">Items answered.</param>
/// <param name="Errors">Items failed for the version's own reasons.</param>
/// <param name="Dropped">Copies dropped.</param>
/// <param name="AgreementSum">The sum of agreement with stable.</param>
/// <param name="AgreementItems">Items compared.</param>
/// <param name="LastLatency">The latency of the last drained period.</param>
public sealed record VersionTotals(
    string Model, string Version, bool Shadow, long Items, long Errors, long Dropped, double AgreementSum, long AgreementItems,
    LatencyHistogram LastLatency);
