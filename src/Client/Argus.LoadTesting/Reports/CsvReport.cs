using System.Globalization;
using Argus.LoadTesting.Load;

namespace Argus.LoadTesting.Reports;

/// <summary>The sweep as CSV: a header row, then one row per level; invariant culture, shares as fractions, times in ms.</summary>
public static class CsvReport
{
    /// <summary>The columns, in order.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "target", "mode", "load", "images_per_request", "requests_per_s", "infer_per_s",
        "p50_ms", "p90_ms", "p95_ms", "p99_ms", "slo_ms", "goodput_share", "goodput_per_s",
        "rejected_share", "error_share", "dropped_share", "avg_batch_size", "avg_queue_ms", "avg_compute_ms",
        "images_sent", "window_s", "trials", "stable", "device_kinds", "devices", "simulated",
    ];

    /// <summary>Writes <paramref name="report"/> to <paramref name="writer"/>.</summary>
    public static void Write(TextWriter writer, LoadReport report)
    {
        writer.WriteLine(string.Join(',', Columns));
        foreach (var s in report.Steps)
        {
            string[] row =
            [
                Text(report.Target), s.Mode == LoadMode.Concurrency ? "concurrency" : "request_rate", Number(s.Load), Number(s.ImagesPerRequest),
                Number(s.RequestsPerSecond), Number(s.InferPerSecond), Number(s.P50Ms), Number(s.P90Ms), Number(s.P95Ms), Number(s.P99Ms),
                Number(s.SloMs), Number(s.GoodputShare), Number(s.GoodputPerSecond), Number(s.RejectedShare), Number(s.ErrorShare),
                Number(s.DroppedShare), Number(s.AverageBatchSize), Number(s.AverageQueueMs), Number(s.AverageComputeMs),
                Number(s.Stats.Sent), Number(s.Stats.Duration.TotalSeconds), Number(s.Trials), s.Stable ? "true" : "false",
                Text(string.Join(';', s.DeviceKinds)), Text(string.Join(';', s.Devices.Select(d => $"{d.Device.Key}={d.Images}"))),
                s.Simulated ? "true" : "false",
            ];
            writer.WriteLine(string.Join(',', row));
        }
    }

    /// <summary>A number as CSV: round-trippable, invariant; empty where it is not a number (nothing answered).</summary>
    private static string Number(double value) => double.IsFinite(value) ? Math.Round(value, 4).ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Text(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
}
