using Argus.Jobs;
using Microsoft.Extensions.Logging;

namespace Argus.Grains.Pipelines;

internal sealed partial class PipelineTableGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} writes its finals to {Folder} as {Format}")]
    private static partial void LogWriting(ILogger logger, string pipeline, string folder, JobOutputFormat format);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} no longer writes its finals")]
    private static partial void LogStopped(ILogger logger, string pipeline);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pipeline {Pipeline} wrote {Part} with {Count} finals")]
    private static partial void LogWritten(ILogger logger, string pipeline, string part, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline} could not write the finals of minute {Minute}, and tries again at its next tick: {Error}")]
    private static partial void LogWriteFailed(ILogger logger, string pipeline, string minute, string error);
}
