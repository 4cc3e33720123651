using Argus.Jobs;

namespace Argus.Abstractions.Tests;

public sealed class JobSpecTests
{
    private static readonly JobSpec Valid = new() { Input = "/data/images", Model = "resnet18", Output = "/data/out" };

    [Fact]
    public void A_complete_spec_is_valid() => Assert.Empty(Valid.Validate());

    [Fact]
    public void Every_problem_is_listed_at_once()
    {
        var spec = new JobSpec { Input = "images", Output = "", BatchSize = 0, ShardSize = 0, VideoFps = 0, MaxAttempts = 0, Schedule = "0 2 * * *", Watch = true };

        var problems = spec.Validate().ToList();

        Assert.Equal(8, problems.Count);
        Assert.Contains(problems, p => p.Contains("absolute path", StringComparison.Ordinal) && p.Contains("'images'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("model is required", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("batch_size must be 1 to 256", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("not both", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("team-a", true)]
    [InlineData("a.b_c-1", true)]
    [InlineData("", false)]
    [InlineData("a b", false)]
    [InlineData("ünïcode", false)]
    public void A_tenant_is_a_plain_name(string tenant, bool valid) =>
        Assert.Equal(valid, !(Valid with { Tenant = tenant }).Validate().Any());

    [Theory]
    [InlineData(null, true)]
    [InlineData("2", true)]
    [InlineData("", false)]
    [InlineData("  ", false)]
    public void A_version_when_given_is_not_blank(string? version, bool valid) =>
        Assert.Equal(valid, !(Valid with { Version = version }).Validate().Any());

    [Theory]
    [InlineData(JobOutputFormat.Jsonl, true)]
    [InlineData(JobOutputFormat.Parquet, true)]
    [InlineData((JobOutputFormat)7, false)]
    public void A_format_is_one_of_those_named(JobOutputFormat format, bool valid) =>
        Assert.Equal(valid, !(Valid with { Format = format }).Validate().Any());

    [Theory]
    [InlineData("nightly-photos", true)]
    [InlineData("job_1.v2", true)]
    [InlineData(".hidden", false)]
    [InlineData("a/b", false)]
    [InlineData("", false)]
    [InlineData("with space", false)]
    public void Ids_are_plain_names(string id, bool valid) => Assert.Equal(valid, JobSpec.IsValidId(id));
}
