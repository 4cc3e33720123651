using System.Globalization;

namespace Argus.Bench.Soak;

/// <summary>
/// The checks run on what the soak recorded. The bounds are generous on purpose, for a loaded 2-core machine shared with
/// other work (CI's): they catch a lost item, a hang, a 500, a camera that never comes back, memory that keeps growing, not
/// a slow minute.
/// </summary>
internal static class SoakOracle
{
    /// <summary>How long after a fault is lifted its effects may still show on a call (a restarted silo's first calls, a reconnect).</summary>
    public const double Grace = 10;

    /// <summary>How soon a camera must analyse a frame captured after a fault was lifted.</summary>
    public const double CameraBound = 90;

    /// <summary>The oldest a camera's newest analysed frame may be at the end.</summary>
    public const double FreshAtEnd = 30;

    /// <summary>A silo incarnation younger than this is too short-lived to judge its memory's growth.</summary>
    public const double MemoryJudgedAfter = 300;

    /// <summary>The most a silo's resident memory may be at any sample, MiB.</summary>
    public const double MemoryCeilingMb = 4096;

    /// <summary>One check: its name, whether it passed, and what was measured.</summary>
    internal sealed record Check(string Name, bool Passed, string Detail);

    /// <summary>The cluster once the load had ended and the silos had settled.</summary>
    /// <param name="Ready">Slots whose silo passed its health check.</param>
    /// <param name="DeviceSilos">Silos whose devices the cluster's device table lists.</param>
    /// <param name="Settling">How long the silos took to be ready after the load ended.</param>
    internal sealed record EndState(double Seconds, IReadOnlyList<int> Ready, IReadOnlyList<string> DeviceSilos, TimeSpan Settling);

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IReadOnlyList<Check> Judge(SoakRun run) =>
    [
        Answered(run),
        Explicit(run),
        .. Jobs(run),
        .. Cameras(run),
        Memory(run),
        SilosUp(run),
        Autoscaler(run),
    ];

    /// <summary>
    /// Whether a call's failure to get an answer is the fault's doing: a cut connection or a silence from the very silo a
    /// fault hit (HTTP), or, for the SDK (routed by the cluster), any silo or Redis fault, from its start (less the hard
    /// cut-off, for calls already in flight) until a grace after it was lifted.
    /// </summary>
    /// <remarks>
    /// A silo that exited on its own (the cluster declared it dead: on a starved machine a silo can miss its probes) cuts
    /// its calls as a kill does: they count as its exit's, and the exit itself is listed by the silos' check.
    /// </remarks>
    public static bool Excused(SoakRun run, Call call) =>
        run.Faults.Any(f => f.Skipped is null && f.Touches(call.Silo)
            && call.Start >= f.Start - SoakCalls.HardCut.TotalSeconds && call.Start <= (f.End ?? run.Seconds) + Grace)
        || run.Exits.Any(e => (call.Silo is null || call.Silo == e.Slot)
            && call.Start >= e.Seconds - SoakCalls.HardCut.TotalSeconds && call.Start <= e.Seconds + Grace);

    private static Check Answered(SoakRun run)
    {
        var bad = run.Calls.Where(c => c.Outcome is Outcome.ServerError
            || (c.Outcome is Outcome.Connection or Outcome.Unexplained or Outcome.Hung && !Excused(run, c))).ToList();
        var excused = run.Calls.Count(c => c.Outcome is Outcome.Connection or Outcome.Unexplained or Outcome.Hung) - bad.Count(c => c.Outcome != Outcome.ServerError);
        var detail = string.Create(Invariant,
            $"{run.Calls.Count} calls: {Count(run, Outcome.Ok)} answered, {Count(run, Outcome.Overloaded)} 429, {Count(run, Outcome.Unavailable)} 503, " +
            $"{Count(run, Outcome.ClientError)} other 4xx, {Count(run, Outcome.ServerError)} 5xx, {excused} cut off by a fault on their silo or its exit; ");
        var late = run.Calls.Where(c => c.Outcome != Outcome.Hung && c.Ms > SoakCalls.Deadline.TotalMilliseconds).ToList();
        detail += late.Count == 0 ? "" : string.Create(Invariant,
            $"{late.Count} answered after their {SoakCalls.Deadline.TotalSeconds:G} s deadline but before the {SoakCalls.HardCut.TotalSeconds:G} s cut-off (slowest {late.Max(c => c.Ms) / 1000:F1} s); ");
        detail += bad.Count == 0
            ? "none hung, none unexplained"
            : $"**{bad.Count} not explained**: " + string.Join("; ", bad.GroupBy(c => $"{c.Channel} {c.Outcome} {c.Detail}").OrderByDescending(g => g.Count()).Take(5)
                .Select(g => string.Create(Invariant, $"{g.Count()} × {g.Key} (first at {g.Min(c => c.Start):F0} s)")));
        return new Check("Every call answered: a result or an explicit 4xx/429/503, no 500, no hang", bad.Count == 0, detail);
    }

    private static Check Explicit(SoakRun run)
    {
        var refusals = run.Calls.Where(c => c.Outcome is Outcome.Overloaded or Outcome.Unavailable or Outcome.ClientError).ToList();
        var bare = refusals.Where(c => c.Detail.Split(':', 2) is not [_, { Length: > 1 }]).ToList();
        return new Check("Every refusal says why", bare.Count == 0, bare.Count == 0
            ? $"{refusals.Count} refusals, each with a code and a message"
            : $"**{bare.Count} without a reason**, e.g. {bare[0].Detail}");
    }

    private static IEnumerable<Check> Jobs(SoakRun run)
    {
        var finished = run.Jobs.Where(j => j.Finished is not null).ToList();
        yield return new Check("Every job completed", run.Jobs.Count > 0 && run.Jobs.All(j => j.State == Argus.Jobs.JobState.Completed),
            run.Jobs.Count == 0 ? "**no job ran**" : string.Join("; ", run.Jobs.Select(j => $"{j.Id} {j.State}{(j.Error is { } e ? $" ({SoakCalls.Short(e)})" : "")}")));
        var checks = finished.Where(j => j.Check is not null).ToList();
        yield return new Check("Every job input exactly once in the outputs (corrupt files as errors, every good image a result)",
            checks.Count > 0 && checks.All(j => j.Check!.ExactlyOnce && j.Check.GoodFailed == 0 && j.Check.CorruptSucceeded == 0 && j.Check.Errors == run.CorruptItems),
            checks.Count == 0 ? "**no job output to read**" : string.Join("; ", checks.Select(j => $"{j.Id}: {j.Check}")));
    }

    private static IEnumerable<Check> Cameras(SoakRun run)
    {
        foreach (var camera in SoakCameras.Ids)
        {
            var samples = run.Cameras.Where(s => s.Camera == camera).ToList();
            var last = samples.LastOrDefault(s => s.Error is null);
            var fresh = last?.Newest is { } newest ? last.Seconds - newest : double.PositiveInfinity;
            var recoveries = Recoveries(run, camera).ToList();
            var late = recoveries.Where(r => r.Seconds is null or > CameraBound && !r.Superseded).ToList();
            yield return new Check($"Camera {camera} analysing again within {CameraBound:G} s of each fault, and fresh at the end",
                late.Count == 0 && fresh <= FreshAtEnd,
                string.Create(Invariant, $"newest analysed frame {fresh:F0} s old at the end; ") + (recoveries.Count == 0 ? "no fault touched it" : string.Join(", ",
                    recoveries.Select(r => r.Superseded ? $"{r.Fault.Kind}: overlapped by the next fault"
                        : r.Seconds is { } s ? string.Create(Invariant, $"{r.Fault.Kind}: {s:F0} s") : $"**{r.Fault.Kind}: never**"))));

            // Alerts listed at any sample are still listed at the end, unless older than everything the end lists (the
            // camera keeps its most recent alerts only).
            var seen = samples.SelectMany(s => s.Alerts).ToHashSet();
            var kept = last?.Alerts ?? [];
            var lost = seen.Where(a => !kept.Contains(a) && kept.Count > 0 && a > kept.Min()).ToList();
            var backwards = samples.Where(s => s.Error is null && s.Alerts.Count > 0).Zip(samples.Where(s => s.Error is null && s.Alerts.Count > 0).Skip(1))
                .Count(p => p.Second.Alerts.Max() < p.First.Alerts.Max());
            yield return new Check($"Camera {camera}'s alerts preserved", lost.Count == 0 && backwards == 0 && (seen.Count == 0 || kept.Count > 0),
                seen.Count == 0 ? "no alert raised in the run" : $"{seen.Count} alerts seen, {kept.Count} listed at the end, {lost.Count} lost, newest sequence went backwards {backwards} times");
        }
    }

    /// <summary>Per fault that touches <paramref name="camera"/>: seconds from its lifting to the first sample with a frame captured after it.</summary>
    private static IEnumerable<(Fault Fault, double? Seconds, bool Superseded)> Recoveries(SoakRun run, string camera)
    {
        var touching = run.Faults.Where(f => f.Skipped is null && f.End is not null && TouchesCamera(f, camera)).OrderBy(f => f.End).ToList();
        foreach (var fault in touching)
        {
            var end = fault.End!.Value;
            var back = run.Cameras.FirstOrDefault(s => s.Camera == camera && s.Seconds >= end && s.Newest >= end);
            double? seconds = back is null ? null : back.Seconds - end;
            var superseded = touching.Any(f => f != fault && f.Start > fault.Start && f.Start < end + (seconds ?? CameraBound));
            yield return (fault, seconds, superseded && seconds is null or > CameraBound);
        }
    }

    private static bool TouchesCamera(Fault fault, string camera) => fault.Kind switch
    {
        FaultKind.StreamDown => camera == SoakCameras.Ids[1],
        FaultKind.Burst or FaultKind.DiskFull => false,
        _ => true,
    };

    private static Check Memory(SoakRun run)
    {
        var lines = new List<string>();
        var passed = true;
        foreach (var incarnation in run.Silos.Where(s => s.RssMb is not null).GroupBy(s => (s.Slot, s.Incarnation)))
        {
            var rss = incarnation.OrderBy(s => s.Seconds).ToList();
            var life = rss[^1].Seconds - rss[0].Seconds;
            var peak = rss.Max(s => s.RssMb!.Value);
            var name = $"soak-{incarnation.Key.Slot} #{incarnation.Key.Incarnation}";
            if (life < MemoryJudgedAfter)
            {
                passed &= peak <= MemoryCeilingMb;
                lines.Add(string.Create(Invariant, $"{name}: peak {peak:F0} MiB, up {life:F0} s (too short to judge growth)"));
                continue;
            }

            // The second quarter of its life (warm) against the last quarter: growth past half again and 200 MiB is unbounded.
            var quarter = rss.Count / 4;
            var warm = Median(rss.Skip(quarter).Take(quarter).Select(s => s.RssMb!.Value));
            var late = Median(rss.Skip(rss.Count - quarter).Select(s => s.RssMb!.Value));
            var ok = peak <= MemoryCeilingMb && late <= warm * 1.5 + 200;
            passed &= ok;
            lines.Add(string.Create(Invariant, $"{name}: {warm:F0} → {late:F0} MiB (median of 2nd vs last quarter of {life / 60:F0} min), peak {peak:F0}{(ok ? "" : " **growing**")}"));
        }

        return new Check($"No silo's memory growing without bound (RSS every {SoakHealth.SampleEvery.TotalSeconds:G} s)", passed && lines.Count > 0, string.Join("; ", lines));
    }

    private static Check SilosUp(SoakRun run)
    {
        var end = run.End;
        var fixedSilos = Enumerable.Range(0, SoakBench.Silos).ToArray();
        var ok = fixedSilos.All(end.Ready.Contains) && fixedSilos.All(i => end.DeviceSilos.Contains($"soak-{i}"));
        return new Check("The silos that should be up are up at the end", ok, string.Create(Invariant,
            $"ready: {string.Join(", ", end.Ready.Select(s => $"soak-{s}"))} ({end.Settling.TotalSeconds:F0} s after the load ended); with devices: {string.Join(", ", end.DeviceSilos)}; ")
            + (run.Exits.Count == 0 ? "no silo exited on its own" : $"{run.Exits.Count} exited on their own and were started again (see below)"));
    }

    /// <summary>
    /// The autoscaler kept deciding through the faults (a fresh decision in nine of ten readings that a ready silo
    /// answered), and the spare silo followed it: every start ready, every drain clean (its calls are judged with the rest).
    /// </summary>
    private static Check Autoscaler(SoakRun run)
    {
        var read = run.Autoscaler.Where(s => s.Status is not null).ToList();
        var fresh = read.Count(s => s.AgeSeconds <= SoakScaler.Stale.TotalSeconds);
        var failed = run.Scaled.Where(c => !c.Done).ToList();
        var ok = read.Count > 0 && fresh >= 0.9 * read.Count && failed.Count == 0;
        var desired = read.Select(s => s.Status!.Desired).ToList();
        var detail = string.Create(Invariant,
            $"{read.Count} of {run.Autoscaler.Count} readings answered, {fresh} of them fresh (≤ {SoakScaler.Stale.TotalSeconds:G} s old); ");
        if (read.Count > 0)
        {
            detail += string.Create(Invariant,
                $"desired {desired.Min()}–{desired.Max()} silos (bounds {SoakCluster.MinSilos}–{SoakCluster.MaxSilos}), {read.Max(s => s.Status!.AverageInFlight):F1} in flight at most; ");
        }

        detail += string.Create(Invariant, $"spare started {run.Scaled.Count(c => c.Up)} times, drained {run.Scaled.Count(c => !c.Up)} times");
        detail += failed.Count == 0 ? "" : "; **failed**: " + string.Join("; ", failed.Select(c => c.Note));
        return new Check("The autoscaler decided throughout, and the spare silo followed it", ok, detail);
    }

    private static int Count(SoakRun run, Outcome outcome) => run.Calls.Count(c => c.Outcome == outcome);

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[sorted.Length / 2];
    }
}
