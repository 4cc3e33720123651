using Argus.Grains.Storage;
using Argus.Jobs;
using Orleans.Concurrency;

namespace Argus.Grains.Jobs;

/// <summary>
/// Builds a job's report on the silo that is asked: its status from the job, its rows through <see cref="JobFiles"/> from
/// the job's store, read off the Orleans scheduler. Stateless, so reports of one job are built side by side.
/// </summary>
[StatelessWorker]
internal sealed class JobReportGrain(JobStores stores) : Grain, IJobReportGrain
{
    public async Task<JobReport> GetReportAsync(CancellationToken cancellationToken)
    {
        var status = await GrainFactory.GetGrain<IBatchJobGrain>(this.GetPrimaryKeyString()).GetStatusAsync();
        return await Task.Run(() => ReadAsync(status, cancellationToken), cancellationToken);
    }

    private async Task<JobReport> ReadAsync(JobStatus status, CancellationToken cancellationToken)
    {
        var folder = stores.Folder(status.OutputFolder);
        var report = new JobReportBuilder();
        for (var shard = 0; shard < status.ShardsTotal; shard++)
        {
            // A shard's part is whole or absent, and never removed once written. One not written yet, or never (a
            // cancelled job), is left out: the report covers what is written.
            if (await JobFiles.WrittenFormatAsync(folder, shard, cancellationToken) is { } format)
            {
                report.AddShard(
                    await JobFiles.ReadResultsAsync(folder, shard, format, cancellationToken).ToListAsync(cancellationToken),
                    await JobFiles.ReadErrorsAsync(folder, shard, cancellationToken));
            }
        }

        return report.Build(status);
    }
}
