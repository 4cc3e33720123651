using Argus.Pipelines;
using Microsoft.Extensions.Logging;

namespace Argus.Grains.Pipelines;

internal sealed partial class PipelineBackfillGrain
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} backfill {Backfill} started: {Model} v{Version} over items submitted {From:O} to {To:O}")]
    private static partial void LogStarted(ILogger logger, string pipeline, string backfill, string model, string version, DateTime from, DateTime to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline} backfill {Backfill}: the page at minute {Minute:O} runs again in {Wait}: {Error}")]
    private static partial void LogPageRetried(ILogger logger, string pipeline, string backfill, DateTime minute, TimeSpan wait, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} backfill {Backfill} {State}: {Rescored} re-scored, {Skipped} skipped, {Failed} failed. {Error}")]
    private static partial void LogFinished(ILogger logger, string pipeline, string backfill, BackfillState state, long rescored, long skipped, long failed, string? error);
}
