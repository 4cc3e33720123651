using System.Globalization;
using Argus.LoadTesting.Load;
using Argus.LoadTesting.Targets;
using Spectre.Console;

namespace Argus.LoadTesting.Reports;

/// <summary>The sweep on the console, in the spirit of Triton's perf_analyzer: a line per level as it ends, then a table.</summary>
public static class ConsoleReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The line printed as a level ends.</summary>
    public static string StepLine(StepResult s)
    {
        var mode = s.Mode == LoadMode.Concurrency ? "Concurrency" : "Request rate";
        var dropped = s.Stats.Dropped > 0 ? $", dropped {P(s.DroppedShare)}" : "";
        var devices = string.Join('+', s.DeviceKinds.DefaultIfEmpty("no device"));
        var stable = s.Stable ? $"stable after {s.Trials} windows" : $"NOT stable after {s.Trials} windows";
        return string.Create(Invariant,
            $"{mode}: {s.Load:G6}, throughput: {s.InferPerSecond:F1} infer/sec, latency p50 {F(s.P50Ms)} ms p95 {F(s.P95Ms)} ms, goodput {P(s.GoodputShare)}, 429 {P(s.RejectedShare)}, errors {P(s.ErrorShare)}{dropped}, {devices} ({stable})");
    }

    /// <summary>
    /// Writes the results as perf_analyzer groups them, a client table and a server table, with a loud warning before and
    /// after when a simulated device answered, then the errors seen.
    /// </summary>
    public static void Write(IAnsiConsole console, LoadReport report)
    {
        if (report.SimulationWarning is { } warning)
        {
            console.Write(new Panel(new Markup($"[bold red]{Markup.Escape(warning)}[/]")) { Border = BoxBorder.Heavy, BorderStyle = new Style(Color.Red) });
        }

        var o = report.Options;
        var openLoop = o.Mode == LoadMode.RequestRate;
        var client = Table($"Client: {report.Target}", report.LoadName, "Infer/s", "p50 ms", "p90 ms", "p95 ms", "p99 ms",
            $"≤{o.SloMs.ToString("G6", Invariant)} ms", "Goodput/s", "429", "Errors");
        var server = Table("Server: as the devices report it", report.LoadName, "Avg batch", "Queue ms", "Compute ms", "Devices", "Stable (windows)");
        if (openLoop)
        {
            client.AddColumn(new TableColumn("Dropped").RightAligned());
        }

        foreach (var s in report.Steps)
        {
            var load = s.Load.ToString("G6", Invariant);
            List<string> cells =
            [
                load, F(s.InferPerSecond), F(s.P50Ms), F(s.P90Ms), F(s.P95Ms), F(s.P99Ms),
                P(s.GoodputShare), F(s.GoodputPerSecond), P(s.RejectedShare), P(s.ErrorShare),
            ];
            if (openLoop)
            {
                cells.Add(P(s.DroppedShare));
            }

            client.AddRow([.. cells.Select(c => new Text(c))]);
            var kinds = s.DeviceKinds.Select(k => k == DeviceInfo.SimulatedKind ? "[bold red]sim[/]" : Markup.Escape(k)).ToList();
            server.AddRow(
                new Text(load), new Text(F(s.AverageBatchSize, 2)), new Text(F(s.AverageQueueMs)), new Text(F(s.AverageComputeMs)),
                new Markup(kinds.Count > 0 ? string.Join(", ", kinds) : "–"), new Text($"{(s.Stable ? "yes" : "no")} ({s.Trials})"));
        }

        var window = o.MeasurementInterval.TotalMilliseconds.ToString("G6", Invariant);
        var spread = o.StabilityPercentage.ToString("G6", Invariant);
        client.Caption = new TableTitle(
            $"{o.ImagesPerRequest} image(s) per request; goodput (≤ SLO), 429 and errors as shares of every image sent. Each level: "
            + $"windows of {window} ms until the last {Stability.Windows} agree on throughput and p95 within ±{spread}% (at most {o.MaxTrials}); those merged.");
        console.Write(client);
        console.Write(server);
        console.MarkupLineInterpolated($"Devices: {string.Join(", ", report.Devices.Select(d => $"{d.Key} ({d.Kind}{(d.Provider.Length > 0 ? ", " + d.Provider : "")})"))}");
        foreach (var s in report.Steps)
        {
            foreach (var (error, count) in s.Stats.Errors.OrderByDescending(e => e.Value).Take(5))
            {
                console.MarkupLineInterpolated($"[yellow]{report.LoadName} {s.Load.ToString("G6", Invariant)}:[/] {count} × {error}");
            }
        }

        if (report.SimulationWarning is { } again)
        {
            console.MarkupLineInterpolated($"[bold red]{again}[/]");
        }
    }

    /// <summary>A table whose first column is the load level and whose other columns are right-aligned numbers.</summary>
    private static Table Table(string title, string load, params string[] columns)
    {
        var table = new Table { Title = new TableTitle(Markup.Escape(title)), Border = TableBorder.Simple };
        table.AddColumn(new TableColumn(Markup.Escape(load)));
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)).RightAligned());
        }

        return table;
    }

    private static string F(double value, int decimals = 1) => double.IsFinite(value) ? value.ToString("F" + decimals.ToString(Invariant), Invariant) : "–";

    private static string P(double share) => (share * 100).ToString("F1", Invariant) + "%";
}
