using System.Globalization;

namespace Argus.Jobs;

/// <summary>What callers of the job API share before a job grain is called: ids for jobs submitted without one, and every problem of a submission.</summary>
public static class JobSubmission
{
    /// <summary>
    /// A fresh job id from the time of submission (UTC) and four random hex digits, e.g. <c>job-20261130-011500-3fa2</c>:
    /// ids sort by submission time, and two submissions in the same second differ.
    /// </summary>
    public static string NewId(DateTime utcNow) =>
        string.Create(CultureInfo.InvariantCulture, $"job-{utcNow:yyyyMMdd-HHmmss}-{Random.Shared.Next(0x10000):x4}");

    /// <summary>
    /// What is wrong with submitting <paramref name="spec"/> as job <paramref name="id"/>, one line per problem; empty when
    /// nothing is. A null id is fine (one is generated).
    /// </summary>
    public static IEnumerable<string> Problems(string? id, JobSpec spec)
    {
        if (id is not null && !JobSpec.IsValidId(id))
        {
            yield return $"id '{id}' must be 1 to 100 letters, digits, '.', '_' or '-', not starting with '.'.";
        }
        else if (id is not null && spec.Schedule is not null && id.Length > JobSpec.MaxScheduleIdLength)
        {
            yield return $"id '{id}' is too long for a schedule: at most {JobSpec.MaxScheduleIdLength} characters, so that its runs' ids ({{id}}-{{yyyyMMddTHHmmss}}) fit in 100.";
        }

        foreach (var problem in spec.Validate())
        {
            yield return problem;
        }
    }

    /// <summary>
    /// One message listing every problem of a submission, a line each, as <see cref="Errors.BadInputException"/> and HTTP 400
    /// carry it (in the job grain's words for the problems it finds itself).
    /// </summary>
    public static string Describe(string? id, IEnumerable<string> problems) =>
        (id is null ? "The job is invalid:\n" : $"Job '{id}' is invalid:\n") + string.Join('\n', problems);
}
