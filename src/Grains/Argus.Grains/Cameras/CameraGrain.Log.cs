using Microsoft.Extensions.Logging;

namespace Argus.Grains.Cameras;

internal sealed partial class CameraGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Camera} configured: source {Source}, models {Models}, {Rules} rule(s)")]
    private static partial void LogConfigured(ILogger logger, string camera, string source, string models, int rules);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Camera} removed")]
    private static partial void LogRemoved(ILogger logger, string camera);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Camera {Camera}: a frame failed on {Model}: {Error}")]
    private static partial void LogFrameFailed(ILogger logger, string camera, string model, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Camera}: rule {Rule} raised alert {Sequence} (score {Score:F3})")]
    private static partial void LogAlert(ILogger logger, string camera, string rule, long sequence, double score);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Camera}: publishing alert {Sequence} failed: {Error}")]
    private static partial void LogPublishFailed(ILogger logger, string camera, long sequence, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Camera}: saving its state failed: {Error}")]
    private static partial void LogSaveFailed(ILogger logger, string camera, string error);
}
