using Microsoft.Extensions.Logging;

namespace Argus.Inference.Video;

internal sealed partial class VideoReader
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Video source {Source} opened: {Width}×{Height} at {Fps} fps")]
    private static partial void LogOpened(ILogger logger, string source, int width, int height, double fps);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Video source {Source} ended at frame {Index}; looping")]
    private static partial void LogLooping(ILogger logger, string source, long index);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video source {Source} {Failure}; reconnecting in {DelaySeconds} s (attempt {Attempt})")]
    private static partial void LogReconnecting(ILogger logger, string source, string failure, double delaySeconds, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Video source {Source} released after {Frames} frames")]
    private static partial void LogStopped(ILogger logger, string source, long frames);
}
