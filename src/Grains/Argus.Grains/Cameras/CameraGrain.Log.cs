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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Camera}: another activation wrote its state since the one on {Silo} read it; this one publishes nothing more and deactivates: {Error}")]
    private static partial void LogSuperseded(ILogger logger, string camera, string silo, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Camera {Camera}: incident of alert {Alert} stored, {Frames} frame(s) in {Ms:F0} ms")]
    private static partial void LogIncidentMade(ILogger logger, string camera, long alert, int frames, double ms);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Camera {Camera}: the incident of alert {Alert} is tried again: {Error}")]
    private static partial void LogIncidentRetried(ILogger logger, string camera, long alert, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Camera {Camera}: the incident of alert {Alert} is abandoned at its deadline: {Error}")]
    private static partial void LogIncidentAbandoned(ILogger logger, string camera, long alert, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Camera}: its incidents were not deleted with it: {Error}")]
    private static partial void LogIncidentsNotDeleted(ILogger logger, string camera, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Camera {Camera}: {Frames} frame(s) of the incident of alert {Alert} were not written: {Error}")]
    private static partial void LogIncidentFramesLost(ILogger logger, string camera, long alert, int frames, string error);
}
