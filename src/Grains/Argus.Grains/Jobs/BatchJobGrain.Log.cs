using Microsoft.Extensions.Logging;

namespace Argus.Grains.Jobs;

internal sealed partial class BatchJobGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} submitted: {Input} through {Model}")]
    private static partial void LogSubmitted(ILogger logger, string job, string input, string model);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} planned {Items} more items in {Shards} shards")]
    private static partial void LogPlanned(ILogger logger, string job, long items, int shards);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job} leased shard {Shard} to {Silo}")]
    private static partial void LogLeased(ILogger logger, string job, int shard, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: its plan could not be written ({Error}); it tries again")]
    private static partial void LogPlanRetried(ILogger logger, string job, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job}: the lease of shard {Shard} expired; it is handed out again")]
    private static partial void LogLeaseExpired(ILogger logger, string job, int shard);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Job {Job} could not wake the worker of {Silo}: {Error}")]
    private static partial void LogWakeFailed(ILogger logger, string job, string silo, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} could not list its input: {Error}")]
    private static partial void LogListingFailed(ILogger logger, string job, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {Job} started run {Run}")]
    private static partial void LogScheduledRun(ILogger logger, string job, string run);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {Job} {State}: {Succeeded} items succeeded, {Failed} failed {Error}")]
    private static partial void LogFinished(ILogger logger, string job, string state, long succeeded, long failed, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {Job} skipped its run due at {Due}: no silo serves model {Model}")]
    private static partial void LogRunSkipped(ILogger logger, string job, DateTime due, string model);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {Job} finished, but the temporary files of writes killed in the middle could not be removed from its folder: {Error}")]
    private static partial void LogCleanupFailed(ILogger logger, string job, string error);
}
