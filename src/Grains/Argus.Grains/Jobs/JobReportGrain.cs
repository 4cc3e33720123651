using Argus.Jobs;
using Orleans.Concurrency;

namespace Argus.Grains.Jobs;

/// <summary>
/// Builds a job's report on the silo that is asked: its status from the job, its rows through <see cref="JobFiles"/>,
/// read off the Orleans scheduler. Stateless, so reports of one job are built side by side.
/// </summary>
[StatelessWorker]
internal sealed class JobReportGrain : Grain, IJobReportGrain
{
    public async Task<JobReport> GetReportAsync(CancellationToken cancellationToken)
    {
        var status = await GrainFactory.GetGrain<IBatchJobGrain>(this.GetPrimaryKeyString()).GetStatusAsync();
        return await Task.Run(() => Read(status, cancellationToken), cancellationToken);
    }

    private static JobReport Read(JobStatus status, CancellationToken cancellationToken)
    {
        var report = new JobReportBuilder();
        for (var shard = 0; shard < status.ShardsTotal; shard++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                // A shard's part is whole or absent, and a missing one fails before its first row.
                report.AddShard(JobFiles.ReadResults(status.OutputFolder, shard), JobFiles.ReadErrors(status.OutputFolder, shard));
            }
            catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // Not written yet, or never (a cancelled job): the report covers what is written.
            }
        }

        return report.Build(status);
    }
}
