using System.Globalization;
using System.Text;
using Argus.LoadTesting.Reports;
using ScottPlot;

namespace Argus.Bench.Soak;

/// <summary>
/// The soak's report: <c>SOAK.md</c> (the machine, the command, the fault schedule, every oracle check, a table per minute)
/// and PNG plots over time with each fault marked, <c>soak-*.png</c> beside it.
/// </summary>
internal static class SoakReport
{
    private const double Bucket = 10;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>One minute of the run, as the table shows it.</summary>
    private sealed record Minute(
        int Index, int Calls, double P50, double P95, double P99, double Goodput, double RejectedShare, string Errors, double BusyShare,
        int SilosReady, string Freshness, long JobDone);

    public static void Write(string folder, SoakRun run, IReadOnlyList<SoakOracle.Check> checks)
    {
        var plots = new (string File, string Title, Action<Plot> Draw)[]
        {
            ("soak-latency.png", "Interactive latency of answered calls (10 s buckets)", p => Latency(p, run)),
            ("soak-throughput.png", "Calls per second by outcome (10 s buckets)", p => Throughput(p, run)),
            ("soak-silos.png", "Silos ready, silos the autoscaler wants, device busy share", p => Silos(p, run)),
            ("soak-memory.png", "Resident memory per silo", p => Memory(p, run)),
            ("soak-cameras.png", "Camera freshness: age of the newest analysed frame", p => Cameras(p, run)),
            ("soak-jobs.png", "Batch job items done (all jobs, cumulative)", p => Jobs(p, run)),
        };
        Directory.CreateDirectory(Path.Combine(folder, "img"));
        foreach (var (file, title, draw) in plots)
        {
            var plot = new Plot();
            draw(plot);
            MarkFaults(plot, run);
            plot.Title(title);
            plot.XLabel("Seconds into the load");
            PlotReport.Save(plot, Path.Combine(folder, "img", file));
        }

        File.WriteAllText(Path.Combine(folder, "SOAK.md"), Markdown(run, checks, plots.Select(p => (p.File, p.Title))));
    }

    private static string Markdown(SoakRun run, IReadOnlyList<SoakOracle.Check> checks, IEnumerable<(string File, string Title)> plots)
    {
        var o = run.Options;
        var md = new StringBuilder();
        md.AppendLine("# Soak: real load with faults injected").AppendLine();
        md.AppendLine("Written by `argus soak` (`bench/Argus.Bench/Soak`); rerun the command rather than editing by hand.").AppendLine();
        md.AppendLine(Invariant, $"Command: `{o.Command}` — seed {o.Seed}, {o.SoakLength.TotalMinutes:G} minutes of load.").AppendLine();
        md.AppendLine(Invariant, $"""
            Taken {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Report.CpuModel()}), no GPU; load average (1, 5, 15 min)
            {run.LoadBefore} before and {Bench.LoadAverage()} after. {o.Note}

            The cluster: a `redis-server` (append-only file) and {SoakBench.Silos} silo processes on loopback serving {SoakBench.ModelName}: `soak-0` on the
            real CPU, `soak-1` and `soak-2` on one **simulated** device each (textbook GPU profile: no model runs, only decoding); the
            cluster's autoscaler (bounds {SoakCluster.MinSilos}–{SoakCluster.MaxSilos}, {SoakCluster.TargetInFlightPerDevice} in flight per device) read every {SoakScaler.Interval.TotalSeconds:G} s and
            followed as Kubernetes would: `soak-{SoakBench.Silos}` on a simulated device started while it asks for {SoakCluster.MaxSilos}, drained while it asks for {SoakCluster.MinSilos}. The load:
            {SoakLoad.BaseRate:G} interactive calls/s (Poisson, deadline {SoakCalls.Deadline.TotalSeconds:G} s), half `POST /v1/models/{SoakBench.ModelName}/infer` to a silo
            its health check holds ready (round robin, as a load balancer would) and half `IArgusClient.InferAsync` routed by the
            cluster, with {SoakLoad.BurstLength.TotalSeconds:G} s at {SoakLoad.BurstFactor:G}× every {SoakLoad.BurstEvery.TotalSeconds:G} s; two cameras at 2 fps (vtest.avi looping,
            and the same video as an HTTP MJPEG stream served by ffmpeg) with a scene-change rule; batch jobs back to back, each
            over {run.JobItems} files ({run.CorruptItems} of them corrupt). A caller gives up on a call after {SoakCalls.HardCut.TotalSeconds:G} s (a hang).
            """);
        md.AppendLine();
        md.AppendLine("## Oracle").AppendLine();
        md.AppendLine(Invariant, $"**{(checks.All(c => c.Passed) ? "Every check passed" : $"{checks.Count(c => !c.Passed)} of {checks.Count} checks failed")}.** Bounds (generous, for a loaded shared 2-core machine):");
        md.AppendLine(Invariant, $"a cut connection or silence counts as the fault's when the call's silo (any silo for the SDK) was under a fault,");
        md.AppendLine(Invariant, $"from {SoakCalls.HardCut.TotalSeconds:G} s before it to {SoakOracle.Grace:G} s after it was lifted; cameras analyse again within");
        md.AppendLine(Invariant, $"{SoakOracle.CameraBound:G} s of each fault's lifting and are at most {SoakOracle.FreshAtEnd:G} s stale at the end; memory is judged on silos");
        md.AppendLine(Invariant, $"up {SoakOracle.MemoryJudgedAfter / 60:G} minutes or more (last quarter's median ≤ 1.5 × the second quarter's + 200 MiB) and never above {SoakOracle.MemoryCeilingMb:G} MiB.").AppendLine();
        md.AppendLine("| Check | Result | Measured |");
        md.AppendLine("| --- | --- | --- |");
        foreach (var c in checks)
        {
            md.AppendLine($"| {c.Name} | {(c.Passed ? "passed" : "**FAILED**")} | {c.Detail.Replace("|", "/", StringComparison.Ordinal)} |");
        }

        md.AppendLine().AppendLine("## Fault schedule").AppendLine();
        md.AppendLine(Invariant, $"Drawn from seed {o.Seed}: each kind once, shuffled, one per equal slot from 10 % to 75 % of the run.").AppendLine();
        md.AppendLine("| Start s | Fault | Target | Held | Outcome | What was done |");
        md.AppendLine("| ---: | --- | --- | --- | --- | --- |");
        foreach (var f in run.Faults.OrderBy(f => f.Start))
        {
            md.AppendLine(SoakSchedule.Describe(f));
        }

        md.AppendLine();
        md.AppendLine(run.Exits.Count == 0
            ? "No silo exited on its own."
            : "Silos that exited on their own (the cluster declared them dead and they left), each started again by the soak as Kubernetes restarts a pod:");
        md.AppendLine();
        foreach (var exit in run.Exits)
        {
            md.AppendLine($"- {exit.Description}");
        }

        md.AppendLine().AppendLine("## Autoscaler").AppendLine();
        md.AppendLine(run.Scaled.Count == 0
            ? "The autoscaler never asked for the spare silo."
            : "What the soak did on the autoscaler's decisions:");
        md.AppendLine();
        foreach (var change in run.Scaled)
        {
            md.AppendLine(Invariant, $"- {change.Seconds:F0} s: {(change.Up ? "start" : "drain")}: {change.Note}");
        }

        md.AppendLine().AppendLine("## Per minute").AppendLine();
        md.AppendLine("Latencies are of answered calls. Goodput: answered calls/s. Busy: the devices' busy time over wall time, averaged over the silos sampled. Freshness: the oldest age of each camera's newest analysed frame in the minute, over the samples that could read it.").AppendLine();
        md.AppendLine("| Minute | Calls | p50 ms | p95 ms | p99 ms | Goodput/s | 429 share | Errors by kind | Device busy | Silos ready (min) | Camera freshness s | Job items done |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- | ---: |");
        foreach (var m in Minutes(run))
        {
            md.AppendLine(Invariant,
                $"| {m.Index + 1} | {m.Calls} | {m.P50:F0} | {m.P95:F0} | {m.P99:F0} | {m.Goodput:F1} | {m.RejectedShare:P1} | {m.Errors} | {m.BusyShare:P0} | {m.SilosReady} | {m.Freshness} | {m.JobDone} |");
        }

        md.AppendLine().AppendLine("## Errors by kind").AppendLine();
        md.AppendLine(Invariant, $"Every call that got no result, grouped by what its caller saw; {run.Dropped} arrivals were dropped by the caller (over {SoakLoad.MaxOutstanding} in flight).").AppendLine();
        md.AppendLine("| Calls | Channel | Outcome | Detail | First s | Last s |");
        md.AppendLine("| ---: | --- | --- | --- | ---: | ---: |");
        foreach (var g in run.Calls.Where(c => c.Outcome != Outcome.Ok).GroupBy(c => (c.Channel, c.Outcome, Detail: Group(c.Detail))).OrderByDescending(g => g.Count()).Take(25))
        {
            md.AppendLine(Invariant, $"| {g.Count()} | {g.Key.Channel} | {g.Key.Outcome} | {g.Key.Detail.Replace("|", "/", StringComparison.Ordinal)} | {g.Min(c => c.Start):F0} | {g.Max(c => c.Start):F0} |");
        }

        md.AppendLine().AppendLine("## Jobs").AppendLine();
        md.AppendLine("| Job | Submitted s | Finished s | State | Succeeded | Failed | Output |");
        md.AppendLine("| --- | ---: | ---: | --- | ---: | ---: | --- |");
        foreach (var j in run.Jobs)
        {
            md.AppendLine(Invariant, $"| {j.Id} | {j.Submitted:F0} | {j.Finished?.ToString("F0", Invariant) ?? "–"} | {j.State} | {j.Succeeded} | {j.Failed} | {j.Check?.ToString() ?? j.Error ?? "–"} |");
        }

        md.AppendLine().AppendLine("## Over time").AppendLine();
        md.AppendLine("Each fault is a shaded band from its start to its lifting, labelled at the top.").AppendLine();
        foreach (var (file, title) in plots)
        {
            md.AppendLine($"![{title}](img/{file})").AppendLine();
        }

        return md.ToString();
    }

    /// <summary>A detail with its numbers taken out, so that calls group by kind rather than by PID or port.</summary>
    private static string Group(string detail) => System.Text.RegularExpressions.Regex.Replace(detail, @"\d+(\.\d+)?", "N");

    private static IEnumerable<Minute> Minutes(SoakRun run)
    {
        var minutes = (int)Math.Ceiling(run.Options.SoakLength.TotalMinutes);
        for (var i = 0; i < minutes; i++)
        {
            var (from, to) = (i * 60.0, (i + 1) * 60.0);
            var calls = run.Calls.Where(c => c.Start >= from && c.Start < to).ToList();
            var ok = calls.Where(c => c.Outcome == Outcome.Ok).Select(c => c.Ms).Order().ToArray();
            var errors = calls.Where(c => c.Outcome is not (Outcome.Ok or Outcome.Overloaded)).GroupBy(c => c.Outcome)
                .Select(g => $"{g.Key} {g.Count()}").DefaultIfEmpty("none");
            var silos = run.Silos.Where(s => s.Seconds >= from && s.Seconds < to).ToList();
            var freshness = SoakCameras.Ids.Select(id => run.Cameras.Where(s => s.Camera == id && s.Seconds >= from && s.Seconds < to && s.Newest is not null)
                .Select(s => s.Seconds - s.Newest!.Value).DefaultIfEmpty(double.NaN).Max())
                .Select(f => double.IsNaN(f) ? "none" : f.ToString("F0", Invariant));
            yield return new Minute(i, calls.Count, Percentile(ok, 50), Percentile(ok, 95), Percentile(ok, 99), ok.Length / 60.0,
                calls.Count == 0 ? 0 : (double)calls.Count(c => c.Outcome == Outcome.Overloaded) / calls.Count, string.Join(", ", errors),
                BusyShare(run, from, to), silos.Count == 0 ? 0 : silos.GroupBy(s => s.Seconds).Min(g => g.Count(s => s.Ready)),
                string.Join(" / ", freshness), run.JobProgress.Where(p => p.Seconds < to).Select(p => p.Done).DefaultIfEmpty(0).Max());
        }
    }

    /// <summary>Busy seconds over wall seconds between consecutive samples of each silo incarnation, averaged.</summary>
    private static double BusyShare(SoakRun run, double from, double to)
    {
        var shares = run.Silos.Where(s => s.BusySeconds is not null).GroupBy(s => (s.Slot, s.Incarnation))
            .SelectMany(g => g.OrderBy(s => s.Seconds).Zip(g.OrderBy(s => s.Seconds).Skip(1)))
            .Where(p => p.Second.Seconds >= from && p.Second.Seconds < to)
            .Select(p => (p.Second.BusySeconds!.Value - p.First.BusySeconds!.Value) / (p.Second.Seconds - p.First.Seconds)).ToList();
        return shares.Count == 0 ? 0 : shares.Average();
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];

    private static void MarkFaults(Plot plot, SoakRun run)
    {
        var top = plot.Axes.GetLimits().Top;
        foreach (var f in run.Faults.Where(f => f.Skipped is null))
        {
            var span = plot.Add.HorizontalSpan(f.Start, Math.Max(f.End ?? f.Start + f.Duration, f.Start + 1));
            span.FillStyle.Color = Colors.Red.WithAlpha(0.12);
            span.LineStyle.Width = 0;
            var label = plot.Add.Text($"{f.Kind} {f.Target}", f.Start, top);
            label.LabelFontSize = 9;
            label.LabelRotation = -90;
            label.LabelAlignment = Alignment.UpperRight;
        }

        plot.Axes.SetLimitsX(0, run.Seconds);
    }

    private static void Line(Plot plot, double[] xs, double[] ys, string legend)
    {
        var line = plot.Add.Scatter(xs, ys);
        line.LegendText = legend;
        line.MarkerSize = 0;
    }

    private static IEnumerable<(double Start, List<Call> Calls)> Buckets(SoakRun run)
    {
        var byBucket = run.Calls.ToLookup(c => Math.Floor(c.Start / Bucket));
        for (var b = 0.0; b * Bucket < run.Options.SoakLength.TotalSeconds; b++)
        {
            yield return (b * Bucket, byBucket[b].ToList());
        }
    }

    private static void Latency(Plot plot, SoakRun run)
    {
        var buckets = Buckets(run).Select(b => (b.Start, Ok: b.Calls.Where(c => c.Outcome == Outcome.Ok).Select(c => c.Ms).Order().ToArray())).Where(b => b.Ok.Length > 0).ToList();
        var xs = buckets.Select(b => b.Start + Bucket / 2).ToArray();
        foreach (var p in new[] { 50, 95, 99 })
        {
            Line(plot, xs, [.. buckets.Select(b => Percentile(b.Ok, p))], $"p{p}");
        }

        plot.YLabel("ms");
        plot.Axes.SetLimitsY(0, Math.Max(100, buckets.Select(b => Percentile(b.Ok, 99)).DefaultIfEmpty(100).Max() * 1.2));
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static void Throughput(Plot plot, SoakRun run)
    {
        var buckets = Buckets(run).ToList();
        var xs = buckets.Select(b => b.Start + Bucket / 2).ToArray();
        foreach (var (name, outcomes) in new (string, Outcome[])[]
        {
            ("answered", [Outcome.Ok]), ("429", [Outcome.Overloaded]), ("503", [Outcome.Unavailable]),
            ("other (4xx, 5xx, cut, hung)", [Outcome.ClientError, Outcome.ServerError, Outcome.Connection, Outcome.Unexplained, Outcome.Hung]),
        })
        {
            Line(plot, xs, [.. buckets.Select(b => b.Calls.Count(c => outcomes.Contains(c.Outcome)) / Bucket)], name);
        }

        plot.YLabel("calls/s");
        plot.Axes.SetLimitsY(0, Math.Max(1, buckets.Max(b => b.Calls.Count) / Bucket * 1.2));
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static void Silos(Plot plot, SoakRun run)
    {
        var times = run.Silos.GroupBy(s => s.Seconds).OrderBy(g => g.Key).ToList();
        var ready = plot.Add.Scatter(times.Select(g => g.Key).ToArray(), times.Select(g => (double)g.Count(s => s.Ready)).ToArray());
        ready.LegendText = "silos ready";
        ready.ConnectStyle = ConnectStyle.StepHorizontal;
        ready.LineWidth = 3;
        ready.MarkerSize = 0;
        var read = run.Autoscaler.Where(s => s.Status is not null).ToList();
        var desired = plot.Add.Scatter(read.Select(s => s.Seconds).ToArray(), read.Select(s => (double)s.Status!.Desired).ToArray());
        desired.LegendText = "silos the autoscaler wants";
        desired.ConnectStyle = ConnectStyle.StepHorizontal;
        desired.LinePattern = LinePattern.Dashed;
        desired.LineWidth = 2;
        desired.MarkerSize = 0;
        foreach (var slot in run.Silos.Select(s => s.Slot).Distinct().Order())
        {
            var points = run.Silos.Where(s => s.Slot == slot && s.BusySeconds is not null).GroupBy(s => s.Incarnation)
                .SelectMany(g => g.OrderBy(s => s.Seconds).Zip(g.OrderBy(s => s.Seconds).Skip(1)))
                .Select(p => (p.Second.Seconds, Share: (p.Second.BusySeconds!.Value - p.First.BusySeconds!.Value) / (p.Second.Seconds - p.First.Seconds) * SoakBench.Silos))
                .OrderBy(p => p.Seconds).ToList();
            if (points.Count == 0)
            {
                continue; // the spare, never started
            }

            Line(plot, [.. points.Select(p => p.Seconds)], [.. points.Select(p => p.Share)], $"soak-{slot} device busy (× {SoakBench.Silos})");
        }

        plot.YLabel("silos; busy share × silos");
        plot.Axes.SetLimitsY(0, SoakCluster.MaxSilos + 0.5);
        plot.ShowLegend(Alignment.LowerLeft);
    }

    private static void Memory(Plot plot, SoakRun run)
    {
        foreach (var slot in run.Silos.Select(s => s.Slot).Distinct().Order())
        {
            var points = run.Silos.Where(s => s.Slot == slot && s.RssMb is not null).OrderBy(s => s.Seconds).ToList();
            Line(plot, [.. points.Select(p => p.Seconds)], [.. points.Select(p => p.RssMb!.Value)], $"soak-{slot} RSS");
        }

        plot.YLabel("MiB");
        plot.Axes.SetLimitsY(0, Math.Max(100, run.Silos.Select(s => s.RssMb ?? 0).DefaultIfEmpty(0).Max() * 1.2));
        plot.ShowLegend(Alignment.LowerRight);
    }

    private static void Cameras(Plot plot, SoakRun run)
    {
        foreach (var camera in SoakCameras.Ids)
        {
            var points = run.Cameras.Where(s => s.Camera == camera && s.Newest is not null).ToList();
            Line(plot, [.. points.Select(p => p.Seconds)], [.. points.Select(p => p.Seconds - p.Newest!.Value)], camera);
        }

        plot.YLabel("seconds since the newest analysed frame was captured");
        plot.Axes.SetLimitsY(0, Math.Max(10, run.Cameras.Where(s => s.Newest is not null).Select(s => s.Seconds - s.Newest!.Value).DefaultIfEmpty(10).Max() * 1.2));
        plot.ShowLegend(Alignment.UpperLeft);
    }

    private static void Jobs(Plot plot, SoakRun run)
    {
        Line(plot, [.. run.JobProgress.Select(p => p.Seconds)], [.. run.JobProgress.Select(p => (double)p.Done)], "items done");
        plot.YLabel("items");
        plot.Axes.SetLimitsY(0, Math.Max(10, run.JobProgress.Select(p => (double)p.Done).DefaultIfEmpty(10).Max() * 1.2));
        plot.ShowLegend(Alignment.UpperLeft);
    }
}
