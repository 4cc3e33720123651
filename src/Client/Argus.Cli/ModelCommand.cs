using System.CommandLine;
using Argus.Client;
using Argus.Devices;
using Argus.Models;
using Spectre.Console;
using Spectre.Console.Rendering;
using static System.FormattableString;

namespace Argus.Cli;

/// <summary><c>argus model list|load|unload|rollout|promote|rollback|compare</c>: model versions and their rollouts through the SDK.</summary>
internal static class ModelCommand
{
    /// <summary>Rollout changes <c>compare</c> and <c>rollout</c> show, newest last.</summary>
    internal const int HistoryShown = 8;

    private static readonly Option<string?> Stable = new("--stable") { Description = "The stable version; left out, it stays as it is." };

    private static readonly Option<string?> Canary = new("--canary") { Description = "The canary version; left out, there is none." };

    private static readonly Option<double> CanaryPercent = new("--percent")
    {
        Description = "The share of route keys on the canary, 0–100 (sticky: a key keeps its version while the share holds).",
    };

    private static readonly Option<string?> Shadow = new("--shadow") { Description = "The shadow version; left out, there is none." };

    private static readonly Option<double> ShadowPercent = new("--shadow-percent")
    {
        Description = "The share of calls copied to the shadow in the batch lane, 0–100 (never returned, dropped first when devices are full).",
    };

    private static readonly Option<double> ComparePercent = new("--compare-percent")
    {
        Description = "The share of the canary's calls also run on stable, to measure their agreement, 0–100.",
        DefaultValueFactory = _ => new RolloutSpec().ComparePercent,
    };

    public static Command Create(IAnsiConsole console) => new("model", "Lists, loads and unloads model versions, and rolls them out: canary, shadow, compare, promote, roll back.")
    {
        List(console), Load(console), Unload(console), Rollout(console), Promote(console), Rollback(console), Compare(console),
    };

    /// <summary>One version in <c>list</c>: where it comes from and where it is warm.</summary>
    /// <param name="Model">The model.</param>
    /// <param name="Version">The version.</param>
    /// <param name="Source"><c>configuration</c>, <c>repository</c> (loaded at run time) or <c>unloaded</c> (configured, unloaded at run time).</param>
    /// <param name="Devices">The devices it is warm on.</param>
    /// <param name="IsDefault">The version calls without a version and without a rollout get.</param>
    internal sealed record VersionRow(string Model, string Version, string Source, IReadOnlyList<string> Devices, bool IsDefault);

    /// <summary>
    /// Every version the cluster serves (the routing table) or the repository names, per model: a version the repository
    /// loaded but no device has warm yet is still loading; one it unloaded is on no device.
    /// </summary>
    internal static IReadOnlyList<VersionRow> Index(IReadOnlyList<DeviceLoad> devices, RepositoryState repository)
    {
        var served = devices.SelectMany(d => d.Models.Select(m => (Device: d.Key, Model: m))).ToList();
        var versions = served.Select(s => new ModelVersionRef(s.Model.Name, s.Model.Version))
            .Concat(repository.Loaded.Select(d => d.Ref)).Concat(repository.Unloaded)
            .DistinctBy(v => (v.Name.ToLowerInvariant(), v.Version));
        return [.. versions
            .Select(v =>
            {
                var on = served.Where(s => v.Is(s.Model.Name, s.Model.Version)).ToList();
                var source = repository.Loaded.Any(d => d.Ref.Is(v.Name, v.Version)) ? "repository"
                    : repository.Unloaded.Any(u => u.Is(v.Name, v.Version)) ? "unloaded"
                    : "configuration";
                return new VersionRow(
                    v.Name, v.Version, source, [.. on.Select(s => s.Device).Distinct().Order(StringComparer.Ordinal)], on.Any(s => s.Model.IsDefault));
            })
            .OrderBy(r => r.Model, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.Version, StringComparer.Ordinal)];
    }

    /// <summary>The rollout the options of <c>rollout</c> ask for, null when they ask for none (show it), and what is wrong with it.</summary>
    internal static (RolloutSpec? Spec, IReadOnlyList<string> Problems) SpecOf(ParseResult parse)
    {
        Option[] setting = [Stable, Canary, CanaryPercent, Shadow, ShadowPercent, ComparePercent];
        if (setting.All(o => parse.GetResult(o) is null or { Implicit: true }))
        {
            return (null, []);
        }

        var spec = new RolloutSpec(
            parse.GetValue(Stable), parse.GetValue(Canary), parse.GetValue(CanaryPercent), parse.GetValue(Shadow),
            parse.GetValue(ShadowPercent), parse.GetValue(ComparePercent));
        return (spec, [.. spec.Problems(currentStable: null).Select(Flag)]);
    }

    private static Command List(IAnsiConsole console)
    {
        var command = new Command("list", "Lists each model's versions: where each comes from (configuration or repository) and where it is warm.");
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            var rows = Index(await client.GetDevicesAsync(cancellationToken), await client.GetRepositoryAsync());
            var table = new Table().AddColumns("Model", "Version", "Source", "Warm on", "Default");
            foreach (var r in rows)
            {
                table.AddRow(
                    new Text(r.Model), new Text(r.Version), new Text(r.Source),
                    new Text(r.Devices.Count > 0 ? string.Join(", ", r.Devices) : r.Source == "repository" ? "(loading)" : "-"),
                    new Text(r.IsDefault ? "yes" : ""));
            }

            console.Write(table);
            console.MarkupLineInterpolated($"{rows.Select(r => r.Model.ToLowerInvariant()).Distinct().Count()} model(s), {rows.Count} version(s).");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Load(IAnsiConsole console)
    {
        var model = ModelArgument();
        var file = new Option<FileInfo?>("--file", "-f") { Description = "The version's definition: a JSON file shaped like an Argus:Inference:Models entry, with its version." };
        var json = new Option<string?>("--json") { Description = "The definition inline, e.g. '{\"version\":\"2\",\"path\":\"resnet18/ResNet18.onnx\",…}'." };
        var command = new Command("load", "Loads a model version on every silo (and on silos that start later); it takes calls once warm.") { model, file, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (path, inline) = (parse.GetValue(file), parse.GetValue(json));
            if ((path is null) == (inline is null))
            {
                console.MarkupLine("[red]Give the definition with either --file or --json.[/]");
                return 2;
            }

            if (path is { Exists: false })
            {
                console.MarkupLineInterpolated($"[red]No such file:[/] {path.FullName}");
                return 2;
            }

            var definition = inline ?? await File.ReadAllTextAsync(path!.FullName, cancellationToken);
            return await ArgusCli.WithClientAsync(parse, console, async client =>
            {
                var change = await client.LoadModelAsync(parse.GetValue(model)!, definition);
                console.MarkupLineInterpolated(
                    $"Model [bold]{change.Model}[/] v{change.Version} loaded on {change.Silos.Count} silo(s): {string.Join(", ", change.Silos.Select(s => s.Silo))}.");
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Unload(IAnsiConsole console)
    {
        var model = ModelArgument();
        var version = new Argument<string>("version") { Description = "The version." };
        var command = new Command("unload", "Unloads a model version from every silo, after it answers the items it holds.") { model, version };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            var change = await client.UnloadModelAsync(parse.GetValue(model)!, parse.GetValue(version)!);
            console.MarkupLineInterpolated($"Model [bold]{change.Model}[/] v{change.Version} unloaded from {change.Silos.Count} silo(s).");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Rollout(IAnsiConsole console)
    {
        var model = ModelArgument();
        var command = new Command(
            "rollout",
            "Shows a model's rollout, or sets it: the canary and shadow it names replace the current ones (left out, none), stable stays unless --stable.")
        {
            model, Stable, Canary, CanaryPercent, Shadow, ShadowPercent, ComparePercent,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var (spec, problems) = SpecOf(parse);
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    console.MarkupLineInterpolated($"[red]{problem}[/]");
                }

                return 2;
            }

            return await ArgusCli.WithClientAsync(parse, console, async client =>
            {
                var name = parse.GetValue(model)!;
                console.Write(View(spec is null ? await client.GetRolloutAsync(name) : await client.SetRolloutAsync(name, spec)));
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    private static Command Promote(IAnsiConsole console)
    {
        var model = ModelArgument();
        var command = new Command("promote", "Makes the canary stable; the old stable version stays loaded.") { model };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            console.Write(View(await client.PromoteAsync(parse.GetValue(model)!)));
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Rollback(IAnsiConsole console)
    {
        var model = ModelArgument();
        var reason = new Option<string>("--reason") { Description = "Why, kept in the rollout's history.", DefaultValueFactory = _ => "" };
        var command = new Command("rollback", "Takes the canary out: every key goes back to stable.") { model, reason };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            console.Write(View(await client.RollbackAsync(parse.GetValue(model)!, parse.GetValue(reason)!)));
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Compare(IAnsiConsole console)
    {
        var model = ModelArgument();
        var command = new Command(
            "compare", "Compares a model's versions over the rollout's window: items, error rate, latency, copies, agreement with stable; and the rollout's history.")
        {
            model,
        };
        command.SetAction((parse, cancellationToken) => ArgusCli.WithClientAsync(parse, console, async client =>
        {
            console.Write(View(await client.CompareAsync(parse.GetValue(model)!)));
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>A comparison as a table per version, then the rollout's last changes.</summary>
    internal static IRenderable View(RolloutComparison comparison)
    {
        var table = new Table().AddColumns("Version", "Role", "Items", "Error rate", "p50 ms", "p95 ms", "p99 ms", "Copies", "Dropped", "Agreement");
        table.Title = new TableTitle(Markup.Escape(Invariant($"{comparison.Rollout.Model}: the last {comparison.WindowSeconds:0.#} s, every caller")));
        foreach (var v in comparison.Versions)
        {
            table.AddRow(
                new Text(v.Version), new Text(v.Role), new Text(Invariant($"{v.Items}")), new Text(Percent(v.ErrorRate * 100)),
                new Text(Ms(v.P50Ms)), new Text(Ms(v.P95Ms)), new Text(Ms(v.P99Ms)),
                new Text(v.ShadowItems == 0 ? "0" : Invariant($"{v.ShadowItems} ({Percent(v.ShadowErrorRate * 100)} failed)")),
                new Text(Invariant($"{v.Dropped}")),
                new Text(v.Agreement is { } a ? Invariant($"{a:F3} over {v.AgreementItems}") : "-"));
        }

        return comparison.Drift.Count == 0
            ? new Rows(table, Summary(comparison.Rollout), History(comparison.Rollout))
            : new Rows(table, Drift(comparison.Drift), Summary(comparison.Rollout), History(comparison.Rollout));
    }

    /// <summary>Each version's drift check: its last window against the reference, a raised alarm in bold red.</summary>
    private static Table Drift(IReadOnlyList<DriftStatus> checks)
    {
        var table = new Table().AddColumns("Version", "Statistic", "Score", "p-value", "Reference", "Window", "Drifting windows", "Alarm");
        table.Title = new TableTitle("Drift: recent outputs against the reference");
        foreach (var d in checks)
        {
            var style = d.AlarmRaised ? new Style(Color.Red, decoration: Decoration.Bold) : Style.Plain;
            table.AddRow(
                new Text(d.Version), new Text(d.Statistic.ToString()), new Text(d.Score is { } score ? Invariant($"{score:G4}") : "-"),
                new Text(d.PValue is { } p ? Invariant($"{p:F3}") : "-"),
                new Text(Invariant($"{d.ReferenceSize} ({d.ReferenceSource})")), new Text(Invariant($"{d.WindowSize}")),
                new Text(Invariant($"{d.DriftingWindows}")), new Text(d.AlarmRaised ? "RAISED" : "no", style));
        }

        return table;
    }

    /// <summary>A rollout: its versions and shares, then its last changes.</summary>
    internal static IRenderable View(Rollout rollout) => new Rows(Summary(rollout), History(rollout));

    /// <summary>One line: stable, canary and shadow with their shares.</summary>
    internal static string Describe(Rollout r)
    {
        var stable = r.Stable is null ? "the default version" : $"stable v{r.Stable}";
        var canary = r.Canary is null ? "" : $", canary v{r.Canary} at {Percent(r.CanaryPercent)} of keys ({Percent(r.ComparePercent)} compared with stable)";
        var shadow = r.Shadow is null ? "" : $", shadow v{r.Shadow} copied {Percent(r.ShadowPercent)} of calls";
        return Invariant($"{r.Model} (revision {r.Revision}): {stable}{canary}{shadow}.");
    }

    private static Text Summary(Rollout rollout) => new(Describe(rollout));

    /// <summary>The last changes, an automatic rollback in bold red with the figures that triggered it.</summary>
    private static IRenderable History(Rollout rollout)
    {
        var table = new Table().AddColumns("At (UTC)", "Change", "What");
        foreach (var e in rollout.History.TakeLast(HistoryShown))
        {
            var style = e.Kind == "auto_rollback" ? new Style(Color.Red, decoration: Decoration.Bold) : Style.Plain;
            table.AddRow(new Text(Invariant($"{e.At:yyyy-MM-dd HH:mm:ss}")), new Text(e.Kind, style), new Text(e.Message, style));
        }

        return rollout.History.Count == 0 ? new Text("No changes yet.") : table;
    }

    private static Argument<string> ModelArgument() => new("model") { Description = "The model's name." };

    /// <summary>A problem of the spec in the command line's words: <c>canaryPercent: …</c> becomes <c>--percent: …</c>.</summary>
    private static string Flag(string problem) => problem.Split(':', 2) is [var field, var rest]
        ? field switch
        {
            "canary" => "--canary",
            "canaryPercent" => "--percent",
            "shadow" => "--shadow",
            "shadowPercent" => "--shadow-percent",
            "comparePercent" => "--compare-percent",
            _ => field,
        } + ":" + rest
        : problem;

    private static string Percent(double value) => Invariant($"{value:0.##} %");

    private static string Ms(double? value) => value is { } v ? Invariant($"{v:F1}") : "-";
}
