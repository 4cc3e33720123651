using Microsoft.Extensions.Logging;

namespace Argus.Inference.Video;

internal sealed partial class VideoStreamReader
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Video source {Source}: ffmpeg {Pid} started")]
    private static partial void LogStarted(ILogger logger, string source, int pid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Video source {Source} streaming from ffmpeg {Pid}")]
    private static partial void LogStreaming(ILogger logger, string source, int pid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Video source {Source} {Failure}; reconnecting in {DelaySeconds} s (attempt {Attempt})")]
    private static partial void LogReconnecting(ILogger logger, string source, string failure, double delaySeconds, int attempt);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Video source {Source} released after {Frames} frames")]
    private static partial void LogStopped(ILogger logger, string source, long frames);
}
