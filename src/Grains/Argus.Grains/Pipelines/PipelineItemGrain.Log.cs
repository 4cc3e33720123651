using Argus.Pipelines;
using Microsoft.Extensions.Logging;

namespace Argus.Grains.Pipelines;

internal sealed partial class PipelineItemGrain
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Pipeline {Pipeline} item {Item} submitted: {State}, provisionally {Decision}")]
    private static partial void LogSubmitted(ILogger logger, string pipeline, string item, PipelineItemState state, Decision? decision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline} item {Item}: the heavy tier failed and is tried again: {Error}")]
    private static partial void LogHeavyFailed(ILogger logger, string pipeline, string item, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline} item {Item} is stored but not yet indexed or logged, and is tried again: {Error}")]
    private static partial void LogAnnounceFailed(ILogger logger, string pipeline, string item, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pipeline {Pipeline} item {Item} {State}: finally {Decision}")]
    private static partial void LogFinal(ILogger logger, string pipeline, string item, PipelineItemState state, Decision? decision);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Pipeline {Pipeline} item {Item} re-scored by backfill {Backfill}: finally {Decision}")]
    private static partial void LogRescored(ILogger logger, string pipeline, string item, string backfill, Decision decision);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline} item {Item} expired still pending: its retention ended before the heavy tier answered")]
    private static partial void LogExpiredPending(ILogger logger, string pipeline, string item);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pipeline {Pipeline} item {Item} is not final after {UsedS:F1} s of its {DeadlineS} s deadline: the deadline is at risk")]
    private static partial void LogAtRisk(ILogger logger, string pipeline, string item, double usedS, double deadlineS);
}
