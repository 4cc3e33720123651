using Microsoft.Extensions.Logging;

namespace Argus.Grains.Pipelines;

internal sealed partial class PipelineRetentionGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} keeps its items {Days} days")]
    private static partial void LogKeeping(ILogger logger, string pipeline, double days);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} was removed: its items still leave the store as their retention ends")]
    private static partial void LogRemoved(ILogger logger, string pipeline);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} keeps its items until they are deleted")]
    private static partial void LogStopped(ILogger logger, string pipeline);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pipeline {Pipeline} swept minute {Minute}: {Count} items expired")]
    private static partial void LogSwept(ILogger logger, string pipeline, string minute, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline} could not sweep minute {Minute}, and tries again at its next tick: {Error}")]
    private static partial void LogSweepFailed(ILogger logger, string pipeline, string minute, string error);
}
