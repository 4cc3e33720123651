using Argus.Devices;
using Argus.Models;
using Spectre.Console;

namespace Argus.Cli.Tests;

/// <summary><c>argus model</c>: its options into a rollout, its index of versions and its views; no cluster needed.</summary>
public sealed class ModelCommandTests
{
    private static (RolloutSpec? Spec, IReadOnlyList<string> Problems) Spec(params string[] args) =>
        ModelCommand.SpecOf(ModelCommand.Create(AnsiConsole.Console).Parse(["rollout", "resnet18", .. args]));

    [Fact]
    public void Rollout_without_options_shows_the_rollout_and_with_options_sets_all_of_it()
    {
        Assert.Equal((null, []), Spec());

        var (spec, problems) = Spec("--stable", "1", "--canary", "2", "--percent", "20", "--shadow", "3", "--shadow-percent", "5", "--compare-percent", "50");
        Assert.Empty(problems);
        Assert.Equal(new RolloutSpec("1", "2", 20, "3", 5, 50), spec);

        // Left out, the canary and shadow are none, stable stays, and comparisons take the API's default share.
        Assert.Equal(new RolloutSpec(Canary: "2", CanaryPercent: 20), Spec("--canary", "2", "--percent", "20").Spec);
        Assert.Equal(new RolloutSpec(ComparePercent: 0), Spec("--compare-percent", "0").Spec);
    }

    [Fact]
    public void Every_problem_is_named_by_its_option()
    {
        var (_, problems) = Spec("--stable", "2", "--canary", "2", "--percent", "120", "--shadow-percent", "5", "--compare-percent", "-1");

        Assert.Equal(
        [
            "--percent: 120 is not a percent from 0 to 100.",
            "--compare-percent: -1 is not a percent from 0 to 100.",
            "--canary: version '2' is already stable.",
            "--shadow-percent: there is no shadow version to copy calls to.",
        ], problems);
    }

    [Fact]
    public async Task A_refused_rollout_or_load_exits_with_2_and_says_why_before_any_cluster_is_asked()
    {
        // No silo listens on this gateway: the problems are found first.
        var (code, output) = await CapturedConsole.RunAsync(["--gateway", "1", "model", "rollout", "resnet18", "--canary", "2", "--percent", "101"]);
        Assert.Equal(2, code);
        Assert.Contains("--percent: 101 is not a percent from 0 to 100.", output);
        Assert.DoesNotContain("Cannot reach the cluster", output);

        (code, output) = await CapturedConsole.RunAsync(["--gateway", "1", "model", "load", "resnet18"]);
        Assert.Equal(2, code);
        Assert.Contains("Give the definition with either --file or --json.", output);

        (code, output) = await CapturedConsole.RunAsync(["--gateway", "1", "model", "load", "resnet18", "--file", "/no/such/def.json"]);
        Assert.Equal(2, code);
        Assert.Contains("No such file: /no/such/def.json", output);
    }

    [Fact]
    public void The_index_lists_each_version_once_with_its_source_and_the_devices_it_is_warm_on()
    {
        DeviceLoad Device(string key, params ServedModel[] models) => new(key, key.Split('/')[0], models, 0, 0);
        var devices = new[]
        {
            Device("silo-0/cpu0", new("resnet18", "1", 20, IsDefault: true), new("resnet18", "2", 22, false), new("text-direction", "2.0", 3, true)),
            Device("silo-1/cpu0", new("ResNet18", "1", 20, IsDefault: true), new("text-direction", "2.0", 3, true)),
        };
        var repository = new RepositoryState(
            7, [new ModelDefinition("resnet18", "2", "{}"), new ModelDefinition("resnet18", "3", "{}")], [new ModelVersionRef("text-detection", "4")]);

        var rows = ModelCommand.Index(devices, repository);

        Assert.Equal(
        [
            new("resnet18", "1", "configuration", ["silo-0/cpu0", "silo-1/cpu0"], true),
            new("resnet18", "2", "repository", ["silo-0/cpu0"], false),
            new("resnet18", "3", "repository", [], false),
            new("text-detection", "4", "unloaded", [], false),
            new("text-direction", "2.0", "configuration", ["silo-0/cpu0", "silo-1/cpu0"], true),
        ], rows, new RowComparer());
    }

    [Fact]
    public void Compare_shows_a_row_per_version_the_rollout_and_its_history_with_the_automatic_rollback()
    {
        var at = new DateTime(2026, 12, 6, 4, 0, 0, DateTimeKind.Utc);
        var rollout = new Rollout("resnet18", "1", null, 0, "3", 10, 10, 4,
        [
            new RolloutEvent(at, "set", "Canary '2' at 20 %."),
            new RolloutEvent(at.AddMinutes(1), "auto_rollback", "Canary '2' rolled back: error rate 1.00 against 0.00 over 40 items."),
        ]);
        var comparison = new RolloutComparison(rollout, 60,
        [
            new VersionComparison("1", "stable", 160, 0, 21.5, 30.26, 41, 0, 0, 0, null, 0),
            new VersionComparison("2", "other", 40, 1, 5, 6, 7, 4, 0.5, 1, 0.75, 4),
            new VersionComparison("3", "shadow", 0, 0, null, null, null, 16, 0, 2, 0.987, 16),
        ],
        [
            new DriftStatus("resnet18", "1", DriftStatistic.Mmd, 0.518, 0.0099, null, DriftReferenceSource.Folder, "/ref", 29, 29, 0.05, 3, true, 5, at, 145, 0),
        ]);

        var output = CapturedConsole.Render(ModelCommand.View(comparison));

        Assert.Contains("resnet18: the last 60 s, every caller", output);
        Assert.Matches(@"│ 1\s+│ stable\s+│ 160\s+│ 0 %\s+│ 21\.5\s+│ 30\.3\s+│ 41\.0\s+│ 0\s+│ 0\s+│ -\s+│", output);
        Assert.Matches(@"│ 2\s+│ other\s+│ 40\s+│ 100 %\s+│ 5\.0\s+│ 6\.0\s+│ 7\.0\s+│ 4 \(50 % failed\)\s+│ 1\s+│ 0\.750 over 4\s+│", output);
        Assert.Matches(@"│ 3\s+│ shadow\s+│ 0\s+│ 0 %\s+│ -\s+│ -\s+│ -\s+│ 16 \(0 % failed\)\s+│ 2\s+│ 0\.987 over 16\s+│", output);
        Assert.Contains("resnet18 (revision 4): stable v1, shadow v3 copied 10 % of calls.", output);
        Assert.Matches(@"│ 1\s+│ Mmd\s+│ 0\.518\s+│ 0\.010\s+│ 29 \(Folder\)\s+│ 29\s+│ 3\s+│ RAISED\s+│", output);
        Assert.Matches(@"2026-12-06 04:01:00\s+│ auto_rollback\s+│ Canary '2' rolled back: error rate 1\.00", output);
    }

    [Fact]
    public void A_rollout_reads_as_one_line()
    {
        Assert.Equal("resnet18 (revision 0): the default version.", ModelCommand.Describe(Rollout.None("resnet18")));
        Assert.Equal("resnet18 (revision 2): stable v1, canary v2 at 20 % of keys (10 % compared with stable).",
            ModelCommand.Describe(new Rollout("resnet18", "1", "2", 20, null, 0, 10, 2, [])));
    }

    /// <summary>Rows compared by value, their device lists by element.</summary>
    private sealed class RowComparer : IEqualityComparer<ModelCommand.VersionRow>
    {
        public bool Equals(ModelCommand.VersionRow? x, ModelCommand.VersionRow? y) =>
            x is not null && y is not null && (x.Model, x.Version, x.Source, x.IsDefault) == (y.Model, y.Version, y.Source, y.IsDefault)
            && x.Devices.SequenceEqual(y.Devices);

        public int GetHashCode(ModelCommand.VersionRow obj) => HashCode.Combine(obj.Model, obj.Version);
    }
}
