namespace Argus.Jobs;

/// <summary>Every job's id, so jobs can be listed.</summary>
[Alias("Argus.Jobs.IJobRegistryGrain")]
public interface IJobRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Records a job.</summary>
    [Alias("Add")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task AddAsync(string job);

    /// <summary>Every job's id, sorted.</summary>
    [Alias("List")]
    [ResponseTimeout(JobCalls.Timeout)]
    Task<IReadOnlyList<string>> ListAsync();
}
