using System.Text.RegularExpressions;
using Argus.Jobs;

namespace Argus.Abstractions.Tests.Jobs;

public sealed class JobSubmissionTests
{
    private static readonly JobSpec Good = new() { Input = "/data/in", Model = "resnet18", Output = "/data/out" };

    [Fact]
    public void A_new_id_names_the_time_of_submission_and_is_a_valid_id()
    {
        var id = JobSubmission.NewId(new DateTime(2026, 11, 30, 1, 15, 0, DateTimeKind.Utc));

        Assert.Matches(new Regex("^job-20261130-011500-[0-9a-f]{4}$"), id);
        Assert.True(JobSpec.IsValidId(id));
    }

    [Fact]
    public void A_valid_submission_has_no_problems_with_or_without_an_id()
    {
        Assert.Empty(JobSubmission.Problems("nightly-2026.11", Good));
        Assert.Empty(JobSubmission.Problems(null, Good));
    }

    [Fact]
    public void Every_problem_of_the_id_and_the_spec_is_listed()
    {
        var problems = JobSubmission.Problems(".hidden", Good with { Input = "photos", BatchSize = 0 }).ToList();

        Assert.Equal(3, problems.Count);
        Assert.Contains("id '.hidden' must be 1 to 100 letters", problems[0]);
        Assert.Contains("input 'photos' must be an absolute path", problems[1]);
        Assert.Contains("batch_size must be 1 to 256 (is 0)", problems[2]);
        Assert.Equal("Job 'j' is invalid:\na.\nb.", JobSubmission.Describe("j", ["a.", "b."]));
        Assert.Equal("The job is invalid:\na.", JobSubmission.Describe(null, ["a."]));
    }
}
