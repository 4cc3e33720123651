using Microsoft.Extensions.Logging;

namespace Argus.Grains.Pipelines;

internal sealed partial class PipelineWebhookGrain
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline}'s webhook did not take delivery {Delivery} ({Failures} in a row); posted again in {WaitS} s: {Error}")]
    private static partial void LogPostFailed(ILogger logger, string pipeline, string delivery, int failures, double waitS, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline}'s webhook could not read its finals or store its cursor, and tries again: {Error}")]
    private static partial void LogStepFailed(ILogger logger, string pipeline, string error);
}
