using Microsoft.Extensions.Logging;

namespace Argus.Inference.Batching;

public sealed partial class MicroBatcher
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch of {Count} on model {Model} failed ({Error}); running its items one by one")]
    private static partial void LogBatchSplit(ILogger logger, string model, int count, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Model} failed on an item: {Error}")]
    private static partial void LogItemFailed(ILogger logger, string model, string error);
}
