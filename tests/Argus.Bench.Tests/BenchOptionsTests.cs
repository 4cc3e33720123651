namespace Argus.Bench.Tests;

public sealed class BenchOptionsTests
{
    private static BenchOptions Parse(params string[] args)
    {
        Assert.True(BenchOptions.TryParse(args, out var options, out var problem), problem);
        return options;
    }

    private static string Refused(params string[] args)
    {
        Assert.False(BenchOptions.TryParse(args, out _, out var problem));
        return problem!;
    }

    [Fact]
    public void The_store_warehouse_runs_at_the_jobs_default_batch_size_unless_batch_sizes_are_given()
    {
        var stores = Parse("--jobs", "--stores");
        Assert.True(stores.Jobs && stores.Stores);
        Assert.Equal([32], stores.BatchSizes);
        Assert.Equal([8, 64], Parse("--batch-sizes", "8,64", "--stores", "--jobs").BatchSizes);
        Assert.Equal([8, 16, 32, 64], Parse("--jobs").BatchSizes);
        Assert.False(Parse("--jobs").Stores);
    }

    [Fact]
    public void Stores_without_jobs_is_refused()
    {
        Assert.Equal("--stores goes with --jobs.", Refused("--stores"));
        Assert.Equal("--stores goes with --jobs.", Refused("--serving", "--stores"));
    }

    [Fact]
    public void A_baseline_build_is_compared_only_by_the_cpu_cost_bench()
    {
        var compare = Parse("--cpu-cost", "--against", "base/Argus.Silo.dll", "--runs", "8");
        Assert.Equal(Path.GetFullPath("base/Argus.Silo.dll"), compare.Against);
        Assert.Equal(8, compare.Runs);
        Assert.Null(Parse("--cpu-cost").Against);
        Assert.Equal("--against goes with --cpu-cost.", Refused("--against", "base/Argus.Silo.dll"));
        Assert.Equal("--against goes with --cpu-cost.", Refused("--startup", "--against", "base/Argus.Silo.dll"));
    }

    [Fact]
    public void A_note_is_kept_trimmed_and_a_blank_one_is_refused()
    {
        Assert.Equal("Shared with five other developers.", Parse("--note", " Shared with five other developers. ").Note);
        Assert.Null(Parse().Note);
        Assert.Contains("--note", Refused("--note", "  "));
        Assert.Contains("--note", Refused("--note"));
    }
}
