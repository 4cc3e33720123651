using System.Globalization;
using System.Text.RegularExpressions;

namespace Argus.Pipelines;

/// <summary>
/// A place in a pipeline's finals: a minute's log and an offset in it. The item at a place is the event of that id,
/// <c>{yyyyMMddHHmm}.{offset}</c>, in SSE and in a webhook's deliveries; a reader resumes after the last id it saw.
/// </summary>
/// <param name="Minute">The log's minute (UTC).</param>
/// <param name="Offset">The offset in it.</param>
[GenerateSerializer, Immutable, Alias("Argus.Pipelines.FinalsCursor")]
public readonly partial record struct FinalsCursor([property: Id(0)] DateTime Minute, [property: Id(1)] int Offset)
{
    /// <summary>How far back a reader may start: a week of minute logs is about ten thousand reads before the first item.</summary>
    public static readonly TimeSpan MaxBack = TimeSpan.FromDays(7);

    /// <summary>How far ahead of the silo's clock a reader may start (another machine's clock may run ahead).</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(1);

    /// <summary>The start of the minute log <paramref name="time"/> falls in.</summary>
    public static FinalsCursor At(DateTime time) => new(PipelineMinutes.MinuteOf(time), 0);

    /// <summary>The place <paramref name="count"/> items on in the same log.</summary>
    public FinalsCursor After(int count) => this with { Offset = Offset + count };

    /// <summary>The start of the next minute's log (a method: a property of the same type would send JSON state serializers round forever).</summary>
    public FinalsCursor NextMinute() => new(Minute.AddMinutes(1), 0);

    /// <summary>The event id of the item at this place.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Minute.ToString(PipelineMinutes.Format, CultureInfo.InvariantCulture)}.{Offset}");

    /// <summary>
    /// Where a reader starts: after the event <paramref name="lastEventId"/> when given (a reconnect), else at the minute
    /// of <paramref name="since"/> (ISO-8601; without an offset it is UTC), else at the minute of <paramref name="now"/>.
    /// The place must lie within <see cref="MaxBack"/> before and <see cref="MaxAhead"/> after <paramref name="now"/>.
    /// </summary>
    /// <returns>The place, or why there is none (a sentence for a 400).</returns>
    public static (FinalsCursor Start, string? Problem) Start(string? since, string? lastEventId, DateTime now)
    {
        if (!string.IsNullOrEmpty(lastEventId))
        {
            return TryParse(lastEventId, out var last)
                ? Within(last.After(1), $"Last-Event-ID '{lastEventId}'", now)
                : (default, $"Last-Event-ID '{lastEventId}' is not a finals event id ({{yyyyMMddHHmm}}.{{offset}}, e.g. 202612061030.0).");
        }

        if (since is null)
        {
            return (At(now), null);
        }

        // DateTimeOffset.TryParse alone would take "12/06/2026" or "Dec 6" too, read by the silo's culture rules.
        return IsoTime().IsMatch(since)
            && DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? Within(At(time.UtcDateTime), $"since '{since}'", now)
            : (default, $"since '{since}' is not an ISO-8601 time (e.g. 2026-12-06T10:30:00Z).");
    }

    /// <summary>Where a reader from <paramref name="since"/> starts: its minute's log, within the bounds of <see cref="Start"/>.</summary>
    public static (FinalsCursor Start, string? Problem) Since(DateTime since, DateTime now) =>
        Within(At(since), string.Create(CultureInfo.InvariantCulture, $"since {since.ToUniversalTime():O}"), now);

    /// <summary>Reads an event id of <see cref="ToString"/>: exactly twelve digits of a valid minute, a dot, an offset of digits.</summary>
    public static bool TryParse(string? text, out FinalsCursor cursor)
    {
        cursor = default;
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot != PipelineMinutes.Format.Length
            || !DateTime.TryParseExact(text.AsSpan(0, dot), PipelineMinutes.Format, CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var minute)
            || !int.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || offset == int.MaxValue // the place after it would overflow
            || text.AsSpan(0, dot).ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        cursor = new FinalsCursor(minute, offset);
        return true;
    }

    private static (FinalsCursor, string?) Within(FinalsCursor start, string what, DateTime now) =>
        start.Minute < PipelineMinutes.MinuteOf(now - MaxBack) ? (default, $"{what} lies more than {MaxBack.TotalDays:F0} days back.")
        : start.Minute > now + MaxAhead ? (default, $"{what} lies ahead of the silo's clock ({now:O}).")
        : (start, null);

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTime();
}
