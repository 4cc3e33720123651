namespace Argus.Jobs;

/// <summary>How long a call to a job, a worker or the registry may go unanswered.</summary>
public static class JobCalls
{
    /// <summary>Job calls are quick (planning runs in the background), so a lost silo shows within seconds.</summary>
    public const string Timeout = "00:00:15";
}
