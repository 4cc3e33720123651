using Argus.Errors;

namespace Argus.Jobs;

/// <summary>Lists jobs with their progress, for the SDK and the HTTP API alike.</summary>
public static class JobListing
{
    /// <summary>
    /// The status of every job in <see cref="IJobRegistryGrain"/>, in id order. A job the registry lists but that cannot
    /// answer yet as a job (registered a moment before its submission is stored) is left out.
    /// </summary>
    public static async Task<IReadOnlyList<JobStatus>> ListJobStatusesAsync(this IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IJobRegistryGrain>(0).ListAsync();
        var statuses = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await grains.GetGrain<IBatchJobGrain>(id).GetStatusAsync();
            }
            catch (UnknownJobException)
            {
                return null;
            }
        }));
        return [.. statuses.OfType<JobStatus>()];
    }
}
