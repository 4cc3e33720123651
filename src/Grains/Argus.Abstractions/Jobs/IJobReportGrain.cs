namespace Argus.Jobs;

/// <summary>
/// Builds a job's report (keyed by the job's id) from its status and the outputs it has written; runs on the silo that
/// is asked, which reads the job's output folder.
/// </summary>
[Alias("Argus.Jobs.IJobReportGrain")]
public interface IJobReportGrain : IGrainWithStringKey
{
    /// <summary>The job's report, over the shards written so far.</summary>
    /// <exception cref="Errors.UnknownJobException">No job has this id.</exception>
    [Alias("GetReport")]
    [ResponseTimeout(JobCalls.ReportTimeout)]
    Task<JobReport> GetReportAsync(CancellationToken cancellationToken = default);
}
