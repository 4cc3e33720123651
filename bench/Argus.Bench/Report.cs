using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.ML.OnnxRuntime;

namespace Argus.Bench;

/// <summary>The results as a plain-text table and as the markdown of docs/BENCHMARKS.md.</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly string[] Headers =
        ["Scenario", "c", "Images", "Errors", "Images/s", "p50 ms", "p95 ms", "p99 ms", "× (a)", "p50 added ms", "Queue p50 ms", "Compute p50 ms", "Avg batch"];

    /// <summary>A target from the issue, judged on the measured numbers.</summary>
    private sealed record Target(string Text, string Measured, bool? Met);

    public static string Table(BenchRun run)
    {
        var rows = Rows(run);
        var widths = Headers.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        text.AppendLine(string.Join("  ", Headers.Select((h, i) => i == 0 ? h.PadRight(widths[i]) : h.PadLeft(widths[i]))));
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((v, i) => i == 0 ? v.PadRight(widths[i]) : v.PadLeft(widths[i]))));
        }

        text.AppendLine();
        foreach (var t in Targets(run))
        {
            text.AppendLine($"{Verdict(t.Met).Replace("*", ""),-12} {t.Text}: {t.Measured}");
        }

        return text.ToString();
    }

    /// <summary>
    /// <paramref name="document"/> with the section <paramref name="name"/> (between its markers) replaced by
    /// <paramref name="section"/>, or appended where it has none: the other sections of the file are left alone.
    /// </summary>
    public static string ReplaceSection(string document, string section, string name = "single-silo")
    {
        var (startMarker, endMarker) = ($"<!-- bench:{name} -->", $"<!-- /bench:{name} -->");
        var block = $"{startMarker}\n{section.TrimEnd()}\n{endMarker}";
        var start = document.IndexOf(startMarker, StringComparison.Ordinal);
        var end = document.IndexOf(endMarker, StringComparison.Ordinal);
        return start >= 0 && end > start
            ? string.Concat(document.AsSpan(0, start), block, document.AsSpan(end + endMarker.Length))
            : $"{document.TrimEnd()}\n\n{block}\n";
    }

    public static string Markdown(BenchRun run)
    {
        var o = run.Options;
        var p = run.Model.Preprocess;
        var md = new StringBuilder();
        md.AppendLine("## One silo, ResNet18: cluster path vs raw ONNX Runtime");
        md.AppendLine();
        md.AppendLine("Written by `bench/Argus.Bench`; rerun the command below rather than editing by hand.");
        md.AppendLine();
        md.AppendLine($"Command: `{o.Command}`");
        md.AppendLine();
        if (o.Note is { } note)
        {
            md.AppendLine(note);
            md.AppendLine();
        }

        md.AppendLine(Invariant, $"""
            The same {run.Images.All.Count} encoded JPEG photos ({run.Images.TotalBytes / 1024} KiB in all, from `{o.ImagesDir}`, held in
            memory) go through ResNet18 ({p.Width}×{p.Height}, {p.Resize}, {p.Channels}, then `ResNetPreprocess.onnx`) four ways in
            one run, each closed loop at every concurrency c: a {o.Warmup.TotalSeconds:0.#} s warm-up (discarded), then
            {o.Window.TotalSeconds:0.#} s measured. Throughput counts the answered images of the calls sent inside the window
            (`argus bench`'s closed loop and targets, `src/Client/Argus.LoadTesting`).

            - **(a) raw ONNX Runtime**, in the bench process: each cycle decodes and preprocesses c photos in parallel
              (`ImagePreprocessor`) and runs them as one batch (`OnnxModel`, the silo's session options); each image's latency
              is its cycle's.
            - **(b) Orleans client**: the silo runs as a child process; c callers each await
              `IArgusClient.InferAsync(new DeviceKey("{run.Device.Key.Split('/')[0]}", "{run.Device.Key.Split('/')[^1]}"), "resnet18", [jpeg])`.
            - **(c) HTTP**: c callers each `POST /v1/models/resnet18/infer` with `Content-Type: image/jpeg` to the same silo.
            - **(d) gRPC**: c callers each send the Open Inference Protocol's `ModelInfer` to the silo's gRPC port
              (`Argus:Grpc:Port`) through a client Grpc.Tools generates from `protos/grpc_predict_v2.proto` (`GrpcTarget`): the
              JPEG as one `BYTES` element in `raw_input_contents`, the output read from `raw_output_contents`.

            The four run interleaved at each c: (a), (b), (c), (d), then the next c. The silo stays up, idle, while (a) runs;
            the bench process (callers, Orleans client, HTTP and gRPC clients) shares the machine with the silo.
            """);
        md.AppendLine();
        md.AppendLine("### Machine");
        md.AppendLine();
        md.AppendLine("| | |");
        md.AppendLine("|---|---|");
        foreach (var (name, value) in Machine(run))
        {
            md.AppendLine($"| {name} | {value} |");
        }

        md.AppendLine();
        md.AppendLine("### Results");
        md.AppendLine();
        md.AppendLine("""
            `× (a)`: images/s over (a)'s at the same c. `p50 added`: p50 minus (a)'s p50 at the same c. `Queue` and `Compute`:
            per image, the time it waited for its batch and the time its batch took in `OnnxModel.Run`, as the silo reports them
            (`queue_ms`, `compute_ms`); for (a), timed in process (its queue: the wait for the session, none with one caller); the
            gRPC protocol reports neither (–). `Avg batch`: items per batch the model ran (for (b), (c) and (d) from the silo's
            counters, over warm-up and window).
            """);
        md.AppendLine();
        md.AppendLine("| " + string.Join(" | ", Headers) + " |");
        md.AppendLine("|" + string.Join("|", Headers.Select((_, i) => i == 0 ? "---" : "---:")) + "|");
        foreach (var row in Rows(run))
        {
            md.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        md.AppendLine();
        md.AppendLine("### Targets");
        md.AppendLine();
        md.AppendLine("| Target | Measured | |");
        md.AppendLine("|---|---|---|");
        foreach (var t in Targets(run))
        {
            md.AppendLine($"| {t.Text} | {t.Measured} | {Verdict(t.Met)} |");
        }

        md.AppendLine();
        md.AppendLine("### Checks");
        md.AppendLine();
        foreach (var c in run.Checks)
        {
            md.AppendLine(c.MaxAbsDifference == 0
                ? $"- {c.Scenario}: the embedding of `{c.Image}` is bit-identical to (a)'s."
                : string.Create(Invariant, $"- {c.Scenario}: the embedding of `{c.Image}` differs from (a)'s by at most {c.MaxAbsDifference:G3} per value."));
        }

        var failed = run.Results.Where(r => r.ErrorCount > 0).ToList();
        md.AppendLine(failed.Count == 0 ? "- No call failed." : "- Failed calls:");
        foreach (var r in failed)
        {
            foreach (var (error, count) in r.Errors)
            {
                md.AppendLine(Invariant, $"  - {r.Scenario}, c={r.Concurrency}: {count} × `{error.Replace('`', '\'')}`");
            }
        }

        return md.ToString();
    }

    private static List<string[]> Rows(BenchRun run) =>
    [
        .. run.Results.Select(m =>
        {
            var raw = RawAt(run, m.Concurrency);
            return new[]
            {
                m.Scenario, Num(m.Concurrency), Num(m.Images), Num(m.ErrorCount), F(m.ImagesPerSecond, 1),
                F(m.P50Ms, 1), F(m.P95Ms, 1), F(m.P99Ms, 1),
                raw is null ? "–" : F(m.ImagesPerSecond / raw.ImagesPerSecond, 3),
                raw is null || m.Scenario == ScenarioName.Raw ? "–" : F(m.P50Ms - raw.P50Ms, 2),
                F(m.QueueP50Ms, 2), F(m.ComputeP50Ms, 1),
                m.AverageBatchSize is { } b ? F(b, 2) : "–",
            };
        }),
    ];

    private static IEnumerable<Target> Targets(BenchRun run)
    {
        yield return Throughput(run, ScenarioName.Orleans);
        yield return Throughput(run, ScenarioName.Http);
        yield return Throughput(run, ScenarioName.Grpc);
        yield return AddedLatency(run, ScenarioName.Orleans, 1);
        yield return AddedLatency(run, ScenarioName.Http, 2);
        yield return AddedLatency(run, ScenarioName.Grpc, 2);
    }

    private static Target Throughput(BenchRun run, string scenario)
    {
        var text = $"{scenario}: images/s at c=8 ≥ 0.95 × (a)";
        if (At(run, scenario, 8) is not { } m || RawAt(run, 8) is not { } raw)
        {
            return new Target(text, "not measured (run with c=8)", null);
        }

        var ratio = m.ImagesPerSecond / raw.ImagesPerSecond;
        return new Target(text, $"{F(ratio, 3)} ({F(m.ImagesPerSecond, 1)} vs {F(raw.ImagesPerSecond, 1)}/s){ErrorNote(m)}",
            ratio >= 0.95 && m.ErrorCount == 0);
    }

    private static Target AddedLatency(BenchRun run, string scenario, double limitMs)
    {
        var text = $"{scenario}: p50 added over (a) at c=1 < {F(limitMs, 0)} ms";
        if (At(run, scenario, 1) is not { } m || RawAt(run, 1) is not { } raw)
        {
            return new Target(text, "not measured (run with c=1)", null);
        }

        var added = m.P50Ms - raw.P50Ms;
        return new Target(text, $"{F(added, 2)} ms ({F(m.P50Ms, 2)} vs {F(raw.P50Ms, 2)} ms){ErrorNote(m)}",
            added < limitMs && m.ErrorCount == 0);
    }

    private static IEnumerable<(string Name, string Value)> Machine(BenchRun run)
    {
        yield return ("Cores (`nproc`)", Num(Environment.ProcessorCount));
        yield return ("CPU", CpuModel());
        yield return ("Memory", ProcField("/proc/meminfo", "MemTotal") is { } kb && long.TryParse(kb.Split(' ')[0], Invariant, out var k)
            ? $"{F(k / 1024.0 / 1024.0, 1)} GiB"
            : "unknown");
        yield return ("OS", $"{OsName()}, kernel {KernelRelease()}");
        yield return (".NET", RuntimeInformation.FrameworkDescription);
        yield return ("ONNX Runtime", OrtEnv.Instance().GetVersionString());
        yield return ("Execution provider", $"{run.Device.ExecutionProvider} on silo device `{run.Device.Key}` ({run.Device.ProviderNote.Replace('|', '/')}); (a): {run.RawProvider}");
        yield return ("Load average at start (1, 5, 15 min)", run.LoadAtStart);
        yield return ("Date", DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", Invariant));
    }

    private static Measurement? At(BenchRun run, string scenario, int concurrency) =>
        run.Results.FirstOrDefault(r => r.Scenario == scenario && r.Concurrency == concurrency);

    private static Measurement? RawAt(BenchRun run, int concurrency) => At(run, ScenarioName.Raw, concurrency);

    private static string ErrorNote(Measurement m) => m.ErrorCount == 0 ? "" : $", {m.ErrorCount} errors";

    /// <summary>This machine's CPU model, from /proc/cpuinfo.</summary>
    internal static string CpuModel() => ProcField("/proc/cpuinfo", "model name") ?? "unknown";

    internal static string Verdict(bool? met) => met switch { true => "met", false => "**missed**", null => "not measured" };

    private static string? ProcField(string file, string field) =>
        File.Exists(file)
            ? File.ReadLines(file).Where(l => l.StartsWith(field, StringComparison.Ordinal))
                .Select(l => l.Split(':', 2)[1].Trim()).FirstOrDefault()
            : null;

    private static string OsName() =>
        File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").Where(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                .Select(l => l["PRETTY_NAME=".Length..].Trim('"')).FirstOrDefault() ?? "Linux"
            : RuntimeInformation.OSDescription;

    private static string KernelRelease() =>
        File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : Environment.OSVersion.Version.ToString();

    private static string F(double value, int decimals) =>
        double.IsNaN(value) ? "–" : value.ToString("F" + decimals.ToString(Invariant), Invariant);

    private static string Num(long value) => value.ToString(Invariant);
}
