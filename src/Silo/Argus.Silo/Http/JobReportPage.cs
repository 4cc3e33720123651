using System.Text;
using System.Text.Json;
using Argus.Jobs;
using static Argus.Silo.Http.HtmlPage;
using static System.FormattableString;

namespace Argus.Silo.Http;

/// <summary>
/// A job's report as one HTML page (<c>GET /v1/jobs/{id}/report</c>, <c>argus job report</c>): its state and spec, then
/// what its outputs say: throughput over time, batch sizes, the top classes, failures by reason and the slowest items.
/// </summary>
internal static class JobReportPage
{
    /// <summary>The page of <paramref name="report"/>; the spec is shown as the API writes it with <paramref name="json"/>.</summary>
    public static string Render(JobReport report, JsonSerializerOptions json, DateTime now)
    {
        var s = report.Status;
        var body = new StringBuilder();
        body.Append(Summary(report, json));
        if (report.Results == 0 && report.Failures.Count == 0)
        {
            body.Append("""<section><h2>Outputs</h2><p class="note">No shard is written yet: the charts appear as the job writes its parts.</p></section>""");
        }

        if (report.Throughput.Count > 0)
        {
            body.Append("""<div class="grid2">""");
            body.Append(Throughput(report.Throughput));
            body.Append(BatchSizes(report.BatchSizes));
            body.Append("</div><p></p>");
        }

        if (report.Labels.Count > 0)
        {
            body.Append(Labels(report.Labels, report.Results));
        }

        if (report.Failures.Count > 0)
        {
            body.Append(Failures(report.Failures));
        }

        if (report.Slowest.Count > 0)
        {
            body.Append(Slowest(report.Slowest));
        }

        body.Append(Spec(s, json));
        return HtmlPage.Render($"Job {s.Id}", now, body.ToString());
    }

    private static string Summary(JobReport report, JsonSerializerOptions json)
    {
        var s = report.Status;
        var state = Name(s.State, json);
        var run = report.Throughput.Count == 0 ? 0 : report.Throughput.Sum(i => i.Seconds);
        var cards = new StringBuilder("""<div class="cards">""");
        void Card(string key, string value, string note, string size = "v") =>
            cards.Append($"""<div class="card"><div class="k">{Encode(key)}</div><div class="{size}">{value}</div><div class="s">{Encode(note)}</div></div>""");
        Card("State", State(state), s.Error ?? (s.FinishedAt is { } f ? Invariant($"finished {f:yyyy-MM-dd HH:mm:ss} UTC") : Invariant($"submitted {s.SubmittedAt:yyyy-MM-dd HH:mm:ss} UTC")));
        Card("Succeeded", Invariant($"{s.ItemsSucceeded:N0}"), Invariant($"of {s.ItemsTotal:N0} planned"));
        Card("Failed", Invariant($"{s.ItemsFailed:N0}"), s.ItemsTotal == 0 ? "" : Invariant($"{100.0 * s.ItemsFailed / s.ItemsTotal:0.#} % of planned"));
        Card("Throughput", run == 0 ? "-" : Number(report.Results / run), run == 0 ? "items/s" : Invariant($"items/s over {run:0.#} s of batches"));
        if (report.Latency is { } l)
        {
            Card("Latency p50", Invariant($"{Number(l.P50)} ms"), Invariant($"p90 {Number(l.P90)} · p99 {Number(l.P99)} · max {Number(l.Max)} ms"));
            Card("Queue / compute", Invariant($"{Number(l.MeanQueue)} / {Number(l.MeanCompute)}"), "mean ms per item");
        }

        Card("Shards", Invariant($"{s.ShardsDone}/{s.ShardsTotal}"), Invariant($"written; {report.ShardsRead} read for this report"));
        Card("Model", Encode(s.Spec.Model), s.Spec.Version is { } v ? $"version {v}" : "the stable version", size: "v name");
        return cards.Append("</div>").ToString();
    }

    private static string Throughput(IReadOnlyList<JobReportInterval> intervals)
    {
        var first = intervals[0].Start;
        var bars = intervals.Select(i => (
            Offset(i.Start - first),
            i.ItemsPerSecond,
            Invariant($"{i.Start:HH:mm:ss.f} UTC, {i.Seconds:0.#} s: {i.Items:N0} items, {Number(i.ItemsPerSecond)} items/s"))).ToList();
        var note = Invariant($"Items per second by when their batch went to a device, in intervals of {intervals[0].Seconds:0.#} s from {first:HH:mm:ss} UTC.");
        return $"""<section><h2>Throughput over time</h2>{BarChart(bars, "items/s")}<p class="note">{Encode(note)}</p></section>""";
    }

    private static string BatchSizes(IReadOnlyList<JobReportBatchSize> sizes)
    {
        var bars = sizes.Select(b => (Invariant($"{b.BatchSize}"), (double)b.Items, Invariant($"batch of {b.BatchSize}: {b.Items:N0} items"))).ToList();
        return $"""<section><h2>Batch sizes</h2>{BarChart(bars, "items")}<p class="note">Items by the size of the device batch that carried them.</p></section>""";
    }

    private static string Labels(IReadOnlyList<JobReportLabel> labels, long results)
    {
        var max = labels.Max(l => l.Items);
        var rows = new StringBuilder();
        foreach (var l in labels)
        {
            var name = l.Label == JobReportLabel.Others ? "<em>others</em>" : Encode(l.Label);
            rows.Append(Invariant($"""<tr><td>{name}</td><td class="n">{l.Items:N0}</td><td class="n">{100.0 * l.Items / results:0.0} %</td>"""));
            rows.Append(Invariant($"""<td style="width:55%"><div class="hbar"><span class="b" style="width:{100.0 * l.Items / max:F1}%"></span></div></td></tr>"""));
        }

        return $"""<section><h2>Top class</h2><table><tr><th>Label</th><th class="n">Items</th><th class="n">Share</th><th></th></tr>{rows}</table><p class="note">Items by the class the model scored highest.</p></section>""";
    }

    private static string Failures(IReadOnlyList<JobReportFailure> failures)
    {
        var rows = new StringBuilder();
        foreach (var f in failures)
        {
            var examples = string.Join("", f.Examples.Select(e =>
                Invariant($"""<tr><td class="item">{Encode(e.Item)}</td><td>{Encode(e.Message)}</td><td class="n">{e.Attempts}</td></tr>""")));
            rows.Append(Invariant($"""<tr><td><span class="reason">{Encode(f.Reason)}</span></td><td class="n">{f.Items:N0}</td><td><table>{examples}</table></td></tr>"""));
        }

        return $"""<section><h2>Failures by reason</h2><table><tr><th>Reason</th><th class="n">Items</th><th>Examples (item, message, attempts)</th></tr>{rows}</table></section>""";
    }

    private static string Slowest(IReadOnlyList<JobReportItem> items)
    {
        var rows = string.Join("", items.Select(i => Invariant(
            $"""<tr><td class="item">{Encode(i.Item)}</td><td class="n">{Number(i.LatencyMs)}</td><td class="n">{Number(i.QueueMs)}</td><td class="n">{Number(i.ComputeMs)}</td><td class="n">{i.BatchSize}</td><td class="n">{i.Shard}</td><td class="n">{i.Started:HH:mm:ss.fff}</td></tr>""")));
        return $"""<section><h2>Slowest items</h2><table><tr><th>Item</th><th class="n">Latency ms</th><th class="n">Queue ms</th><th class="n">Compute ms</th><th class="n">Batch</th><th class="n">Shard</th><th class="n">Started (UTC)</th></tr>{rows}</table></section>""";
    }

    /// <summary>The spec's fields as the API writes them, so a field added to the spec shows without a change here.</summary>
    private static string Spec(JobStatus s, JsonSerializerOptions json)
    {
        var rows = new StringBuilder(Invariant($"""<tr><th>output_folder</th><td class="item">{Encode(s.OutputFolder)}</td></tr>"""));
        foreach (var field in JsonSerializer.SerializeToElement(s.Spec, json).EnumerateObject())
        {
            var value = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : field.Value.GetRawText();
            rows.Append($"""<tr><th>{Encode(field.Name)}</th><td class="item">{Encode(value)}</td></tr>""");
        }

        return $"""<section><h2>Spec</h2><table>{rows}</table></section>""";
    }

    /// <summary>A state as the API names it.</summary>
    internal static string Name(JobState state, JsonSerializerOptions json) => JsonSerializer.SerializeToElement(state, json).GetString()!;

    private static string Offset(TimeSpan t) => t.TotalSeconds switch
    {
        < 60 => Invariant($"+{t.TotalSeconds:0.#} s"),
        < 3600 => Invariant($"+{t.Minutes}:{t.Seconds:D2}"),
        _ => Invariant($"+{(int)t.TotalHours}:{t.Minutes:D2}:{t.Seconds:D2}"),
    };
}
