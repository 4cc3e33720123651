using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Argus.Testing;

namespace Argus.Bench;

/// <summary>
/// Time to capacity: a silo started again and again for each model set, timed from the process's start to its first
/// <c>/readyz</c> 200, with the CPU it spent until then and its resident memory once warm. Each model set runs from a
/// hard-linked copy of the silo's folder whose appsettings.json declares only that set's models (the same files, so
/// the page cache is shared); the first start of a copy finds the model cache empty, the others find it filled.
/// Written to the <c>startup</c> section.
/// </summary>
internal static class StartupBench
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>
    /// The sets: a name, and the models it keeps of the silo's configuration (null: all of them). The smallest model
    /// (text-direction, 0.6 MB) stands for the silo without models, which its settings refuse.
    /// </summary>
    private static readonly (string Name, string[]? Models)[] ModelSets =
        [("default", null), ("resnet18", ["resnet18"]), ("text-direction", ["text-direction"])];

    /// <summary>One start, as measured.</summary>
    /// <param name="Ready">Process start to the first <c>/readyz</c> 200 (polled every 50 ms).</param>
    /// <param name="CpuSeconds">User and system CPU the silo had spent when it was ready.</param>
    /// <param name="RssMb">Resident memory a second after ready.</param>
    /// <param name="PeakRssMb">The most resident memory it had held by then (VmHWM).</param>
    private sealed record Start(TimeSpan Ready, double CpuSeconds, double RssMb, double PeakRssMb);

    private sealed record SetResult(string Name, int Models, Start First, IReadOnlyList<Start> Later);

    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var siloDll = options.SiloDll ?? Bench.FindSiloDll();
        var loadBefore = Bench.LoadAverage();
        var scratch = Directory.CreateTempSubdirectory("argus-startup-");
        List<SetResult> results = [];
        try
        {
            foreach (var (name, models) in ModelSets)
            {
                var (dll, count) = await CopySiloAsync(siloDll, Path.Combine(scratch.FullName, name), models, cancellationToken);
                List<Start> starts = [];
                for (var run = 0; run <= options.Runs; run++)
                {
                    starts.Add(await MeasureAsync(dll, cancellationToken));
                    var s = starts[^1];
                    Console.WriteLine(string.Create(Invariant,
                        $"  {name} ({count} models), start {run}{(run == 0 ? " (model cache empty)" : "")}: ready {s.Ready.TotalSeconds:F2} s, CPU {s.CpuSeconds:F2} s, RSS {s.RssMb:F0} MB (peak {s.PeakRssMb:F0} MB), load {Bench.LoadAverage()}"));
                }

                results.Add(new SetResult(name, count, starts[0], starts[1..]));
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }

        if (options.MarkdownPath is { } path)
        {
            var existing = File.Exists(path) ? await File.ReadAllTextAsync(path, CancellationToken.None) : "# Benchmarks\n";
            var section = Markdown(options, results, (loadBefore, Bench.LoadAverage()));
            await File.WriteAllTextAsync(path, Report.ReplaceSection(existing, section, "startup"), CancellationToken.None);
            Console.WriteLine($"Wrote {path}.");
        }

        return 0;
    }

    private static async Task<Start> MeasureAsync(string dll, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await using var silo = await SiloProcess.StartAsync("startup-0", timeout: TimeSpan.FromMinutes(5), dll: dll);
        var ready = watch.Elapsed;
        var cpu = CpuSeconds(silo.Pid);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        return new Start(ready, cpu, StatusKb(silo.Pid, "VmRSS") / 1024.0, StatusKb(silo.Pid, "VmHWM") / 1024.0);
    }

    /// <summary>
    /// A copy of the silo's folder made of hard links (instant, and the same files), with its own appsettings.json keeping
    /// only <paramref name="models"/> (all when null); returns the copy's dll and how many models it declares.
    /// </summary>
    internal static async Task<(string Dll, int Models)> CopySiloAsync(
        string siloDll, string target, string[]? models, CancellationToken cancellationToken)
    {
        var source = Path.GetDirectoryName(Path.GetFullPath(siloDll))!;
        using (var copy = Process.Start(new ProcessStartInfo("cp", ["-al", source, target]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("cp did not start."))
        {
            await copy.WaitForExitAsync(cancellationToken);
            if (copy.ExitCode != 0)
            {
                throw new InvalidOperationException($"cp -al {source} {target} failed ({copy.ExitCode}).");
            }
        }

        // A fresh copy keeps no model cache of earlier runs, so its first start is a first start.
        var cache = Path.Combine(target, "model-cache");
        if (Directory.Exists(cache))
        {
            Directory.Delete(cache, recursive: true);
        }

        var settingsPath = Path.Combine(target, "appsettings.json");
        var settings = JsonNode.Parse(
            await File.ReadAllTextAsync(settingsPath, cancellationToken), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        var declared = settings["Argus"]!["Inference"]!["Models"]!.AsArray();
        foreach (var model in declared.Where(m => models is not null && !models.Contains(m!["Name"]!.GetValue<string>())).ToList())
        {
            declared.Remove(model);
        }

        // A new file, not a write through the link, which would change the original's settings.
        File.Delete(settingsPath);
        await File.WriteAllTextAsync(settingsPath, settings.ToJsonString(), cancellationToken);
        return (Path.Combine(target, Path.GetFileName(siloDll)), declared.Count);
    }

    /// <summary>User plus system CPU seconds of process <paramref name="pid"/> (/proc/PID/stat, in clock ticks of 1/100 s).</summary>
    internal static double CpuSeconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // Fields 14 and 15 of the file (utime, stime) are 11 and 12 after the command name.
        return (long.Parse(fields[11], Invariant) + long.Parse(fields[12], Invariant)) / 100.0;
    }

    /// <summary>A field of <c>/proc/{pid}/status</c> given in kB (<c>VmRSS</c>, <c>VmHWM</c>).</summary>
    internal static long StatusKb(int pid, string field) =>
        File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(field + ":", StringComparison.Ordinal))
            .Select(l => long.Parse(l[(field.Length + 1)..].Trim().Split(' ')[0], Invariant)).First();

    private static string Markdown(BenchOptions options, IReadOnlyList<SetResult> results, (string Before, string After) load)
    {
        var md = new StringBuilder();
        md.AppendLine("## Time to capacity: process start to ready, and memory once warm");
        md.AppendLine();
        md.AppendLine("Written by `bench/Argus.Bench`; rerun the command below rather than editing by hand.");
        md.AppendLine();
        md.AppendLine($"Command: `{options.Command}`");
        md.AppendLine();
        md.AppendLine(Invariant, $"""
            Each model set: one silo process started {options.Runs + 1} times in a row from a hard-linked copy of its build whose
            `appsettings.json` keeps only that set's models. **Ready**: from `Process.Start` of `dotnet Argus.Silo.dll` to the
            first `/readyz` 200 (polled every 50 ms), which comes once every model is loaded and warm. **CPU**: user + system
            seconds the silo had spent by then. **RSS**: resident memory one second after ready; **peak**: the most it held
            (VmHWM). The first start of each set finds the model cache empty; the later starts are summarised as median (min–max).
            The smallest model alone (text-direction, 0.6 MB) shows what a silo holds besides its models.
            Taken {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} cores ({Report.CpuModel()}), no GPU;
            load average (1, 5, 15 min) {load.Before} before, {load.After} after. Wall times vary with the machine's load, CPU
            seconds and memory much less. {options.Note}
            """);
        md.AppendLine();
        md.AppendLine("| Model set | Models | Start | Ready s | CPU s | RSS MB | Peak RSS MB |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            var f = r.First;
            md.AppendLine(Invariant, $"| {r.Name} | {r.Models} | first (cache empty) | {f.Ready.TotalSeconds:F2} | {f.CpuSeconds:F2} | {f.RssMb:F0} | {f.PeakRssMb:F0} |");
            md.AppendLine(Invariant,
                $"| {r.Name} | {r.Models} | later ({r.Later.Count}) | {Summary(r.Later, s => s.Ready.TotalSeconds, "F2")} | {Summary(r.Later, s => s.CpuSeconds, "F2")} | {Summary(r.Later, s => s.RssMb, "F0")} | {Summary(r.Later, s => s.PeakRssMb, "F0")} |");
        }

        return md.ToString();
    }

    private static string Summary(IReadOnlyList<Start> starts, Func<Start, double> value, string format)
    {
        var sorted = starts.Select(value).Order().ToArray();
        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return $"{median.ToString(format, Invariant)} ({sorted[0].ToString(format, Invariant)}–{sorted[^1].ToString(format, Invariant)})";
    }
}
