using System.Globalization;
using Cronos;

namespace Argus.Grains.Jobs;

/// <summary>A schedule's cron expression: five fields (minute hour day month weekday), or six with seconds first; UTC.</summary>
internal static class JobSchedule
{
    private static readonly string[] FieldNames = ["second", "minute", "hour", "day-of-month", "month", "day-of-week"];

    /// <summary>The names a month or day-of-week field may use, by their number.</summary>
    private static readonly Dictionary<string, int> ValueNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["JAN"] = 1, ["FEB"] = 2, ["MAR"] = 3, ["APR"] = 4, ["MAY"] = 5, ["JUN"] = 6,
        ["JUL"] = 7, ["AUG"] = 8, ["SEP"] = 9, ["OCT"] = 10, ["NOV"] = 11, ["DEC"] = 12,
        ["SUN"] = 0, ["MON"] = 1, ["TUE"] = 2, ["WED"] = 3, ["THU"] = 4, ["FRI"] = 5, ["SAT"] = 6,
    };

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

    /// <summary>
    /// What is wrong with <paramref name="expression"/> as a schedule submitted at <paramref name="now"/>; null when
    /// nothing is. Besides what does not parse, a reversed range (<c>1-0</c>) is refused: Cronos reads it as wrapping
    /// around, cron implementations refuse it, and it is more often a slip than a wish. So is a schedule that never occurs
    /// (the 30th of February): it would wait for ever.
    /// </summary>
    public static string? Problem(string expression, DateTime now)
    {
        if (TryParse(expression) is not { } cron)
        {
            return $"schedule '{expression}' is not a cron expression of five fields (minute hour day month weekday, e.g. '0 2 * * *') or six (seconds first).";
        }

        if (ReversedRange(expression) is { } reversed)
        {
            return $"schedule '{expression}': the {reversed.Field} range '{reversed.Range}' is reversed; write ranges low to high (one across the end of its field is two, e.g. '22-23,0-2').";
        }

        return cron.GetNextOccurrence(now) is null ? $"schedule '{expression}' never occurs." : null;
    }

    /// <summary>The first occurrence after <paramref name="after"/> (UTC); null when there is none.</summary>
    public static DateTime? Next(string expression, DateTime after) => TryParse(expression)?.GetNextOccurrence(after);

    /// <summary>The id of the run started at <paramref name="due"/>: <c>{schedule}-{yyyyMMddTHHmmss}</c>.</summary>
    public static string RunId(string schedule, DateTime due) => $"{schedule}-{due:yyyyMMdd'T'HHmmss}";

    /// <summary>The first range of a parsed expression whose low end is above its high end, and its field's name.</summary>
    private static (string Field, string Range)? ReversedRange(string expression)
    {
        var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var names = FieldNames.AsSpan(FieldNames.Length - fields.Length);
        for (var f = 0; f < fields.Length; f++)
        {
            foreach (var part in fields[f].Split(','))
            {
                var range = part.Split('/')[0];
                var ends = range.Split('-');
                if (ends.Length == 2 && Value(ends[0]) is { } low && Value(ends[1]) is { } high && low > high)
                {
                    return (names[f], range);
                }
            }
        }

        return null;
    }

    /// <summary>A number or a month or weekday name; null for anything else (<c>L</c> in <c>L-3</c>, the third day before the last, is no range).</summary>
    private static int? Value(string token) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : ValueNames.TryGetValue(token, out var named) ? named
        : null;
}
