using Cronos;

namespace Argus.Grains.Jobs;

/// <summary>A schedule's cron expression: five fields (minute hour day month weekday), or six with seconds first; UTC.</summary>
internal static class JobSchedule
{
    /// <summary>The expression parsed, or null when it is not one.</summary>
    public static CronExpression? TryParse(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        try
        {
            return fields switch
            {
                5 => CronExpression.Parse(expression, CronFormat.Standard),
                6 => CronExpression.Parse(expression, CronFormat.IncludeSeconds),
                _ => null,
            };
        }
        catch (CronFormatException)
        {
            return null;
        }
    }

    /// <summary>The first occurrence after <paramref name="after"/> (UTC); null when there is none.</summary>
    public static DateTime? Next(string expression, DateTime after) => TryParse(expression)?.GetNextOccurrence(after);

    /// <summary>The id of the run started at <paramref name="due"/>: <c>{schedule}-{yyyyMMddTHHmmss}</c>.</summary>
    public static string RunId(string schedule, DateTime due) => $"{schedule}-{due:yyyyMMdd'T'HHmmss}";
}
