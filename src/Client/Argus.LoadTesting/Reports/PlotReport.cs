using System.Globalization;
using Argus.LoadTesting.Load;
using ScottPlot;

namespace Argus.LoadTesting.Reports;

/// <summary>The sweep as PNG plots (ScottPlot): latency percentiles against load, and throughput against batch size.</summary>
public static class PlotReport
{
    /// <summary>The latency plot's file name.</summary>
    public const string LatencyFile = "latency-vs-load.png";

    /// <summary>The throughput plot's file name.</summary>
    public const string ThroughputFile = "throughput-vs-batch-size.png";

    /// <summary>The font every label uses: Debian's fonts-dejavu-core (scripts/install-deps.sh installs it); without any font the text is left out.</summary>
    private const string FontName = "DejaVu Sans";

    /// <summary>Writes both plots into <paramref name="directory"/> (created if need be) and returns their paths.</summary>
    public static IReadOnlyList<string> Write(string directory, LoadReport report)
    {
        Directory.CreateDirectory(directory);
        var latency = Path.Combine(directory, LatencyFile);
        var throughput = Path.Combine(directory, ThroughputFile);
        foreach (var (plot, path) in new[] { (LatencyPlot(report), latency), (ThroughputPlot(report), throughput) })
        {
            Save(plot, path);
        }

        return [latency, throughput];
    }

    /// <summary>Saves <paramref name="plot"/> as a PNG in the style of every Argus plot: its font, 900 × 560 pixels.</summary>
    public static void Save(Plot plot, string path)
    {
        plot.Font.Set(FontName); // titles, axes and legend; point labels are set where they are made
        plot.SavePng(path, 900, 560);
    }

    private static Plot LatencyPlot(LoadReport report)
    {
        var plot = new Plot();
        (string Name, Func<StepResult, double> Value)[] percentiles =
            [("p50", s => s.P50Ms), ("p90", s => s.P90Ms), ("p95", s => s.P95Ms), ("p99", s => s.P99Ms)];
        foreach (var (name, value) in percentiles)
        {
            var points = report.Steps.Where(s => double.IsFinite(value(s))).ToArray();
            var line = plot.Add.Scatter(points.Select(s => s.Load).ToArray(), points.Select(value).ToArray());
            line.LegendText = name;
        }

        var slo = plot.Add.HorizontalLine(report.Options.SloMs);
        slo.LinePattern = LinePattern.Dashed;
        slo.Color = Colors.Red;
        slo.LegendText = string.Create(CultureInfo.InvariantCulture, $"SLO {report.Options.SloMs:G6} ms");
        plot.Title(Title(report, "latency vs load"));
        plot.XLabel(report.LoadName);
        plot.YLabel("Latency (ms)");
        plot.Axes.SetLimitsY(0, Math.Max(report.Options.SloMs, report.Steps.Select(s => s.P99Ms).Where(double.IsFinite).DefaultIfEmpty(0).Max()) * 1.1);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot ThroughputPlot(LoadReport report)
    {
        var plot = new Plot();
        var points = report.Steps.Where(s => double.IsFinite(s.AverageBatchSize)).ToArray();
        var line = plot.Add.Scatter(points.Select(s => s.AverageBatchSize).ToArray(), points.Select(s => s.InferPerSecond).ToArray());
        foreach (var s in points)
        {
            var label = plot.Add.Text(string.Create(CultureInfo.InvariantCulture, $"{(s.Mode == LoadMode.Concurrency ? "c" : "r")}={s.Load:G6}"), s.AverageBatchSize, s.InferPerSecond);
            label.LabelFontSize = 12;
            label.LabelFontName = FontName;
            label.LabelAlignment = Alignment.LowerLeft;
        }

        plot.Title(Title(report, "throughput vs batch size"));
        plot.XLabel("Server-side average batch size");
        plot.YLabel("Throughput (infer/s)");
        plot.Axes.SetLimitsY(0, points.Select(s => s.InferPerSecond).DefaultIfEmpty(1).Max() * 1.15);
        return plot;
    }

    private static string Title(LoadReport report, string what)
    {
        var kinds = string.Join('+', report.Devices.Select(d => d.Kind).Distinct());
        return $"{(report.Simulated ? "SIMULATED (sim devices): " : "")}{what}\n{report.Target} on {kinds}";
    }
}
