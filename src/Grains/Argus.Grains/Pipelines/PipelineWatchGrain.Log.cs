using Microsoft.Extensions.Logging;

namespace Argus.Grains.Pipelines;

internal sealed partial class PipelineWatchGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} watches {Folder} for images")]
    private static partial void LogWatching(ILogger logger, string pipeline, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} no longer watches a folder")]
    private static partial void LogStopped(ILogger logger, string pipeline);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline} could not list {Folder}, and tries again at its next listing: {Error}")]
    private static partial void LogListingFailed(ILogger logger, string pipeline, string folder, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pipeline {Pipeline} submitted {Path} as item {Item}")]
    private static partial void LogSubmitted(ILogger logger, string pipeline, string path, string item);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline} did not submit {Path} and tries again at its next listing: {Error}")]
    private static partial void LogSkipped(ILogger logger, string pipeline, string path, string error);
}
