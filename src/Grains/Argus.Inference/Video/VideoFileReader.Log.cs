using Microsoft.Extensions.Logging;

namespace Argus.Inference.Video;

internal sealed partial class VideoFileReader
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Video source {Source} opened: {Width}×{Height} at {Fps} fps")]
    private static partial void LogOpened(ILogger logger, string source, int width, int height, double fps);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Video source {Source} ended at frame {Index}; looping")]
    private static partial void LogLooping(ILogger logger, string source, long index);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Video source {Source} released after {Frames} frames")]
    private static partial void LogStopped(ILogger logger, string source, long frames);
}
