namespace Argus.Jobs;

/// <summary>How long a call to a job, a worker or the registry may go unanswered.</summary>
public static class JobCalls
{
    /// <summary>Job calls are quick (planning runs in the background), so a lost silo shows within seconds.</summary>
    public const string Timeout = "00:00:15";

    /// <summary>A report reads every part file of the job, which takes longer than a job call on a large job.</summary>
    public const string ReportTimeout = "00:02:00";
}
