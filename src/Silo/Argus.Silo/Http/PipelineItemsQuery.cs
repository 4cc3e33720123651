using System.Globalization;
using Argus.Pipelines;
using Microsoft.AspNetCore.WebUtilities;

namespace Argus.Silo.Http;

/// <summary>
/// The query of <c>GET /v1/pipelines/{id}/items</c>: <c>state</c>, the window on submit time <c>from</c> (inclusive) to
/// <c>to</c> (exclusive), <c>limit</c> and the cursor <c>after</c>. The window and cursor rules live here.
/// </summary>
/// <param name="State">Only items in this state; null: all.</param>
/// <param name="From">The window's start (UTC, inclusive).</param>
/// <param name="To">The window's end (UTC, exclusive).</param>
/// <param name="Limit">The most items one page holds.</param>
/// <param name="After">Where the previous page ended; null: at the window's start.</param>
internal sealed record PipelineItemsQuery(PipelineItemState? State, DateTime From, DateTime To, int Limit, PipelineItemsCursor? After)
{
    /// <summary>The window when the query gives none: the hour before <c>to</c>.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromHours(1);

    /// <summary>The longest window: a week, so one page's read stays bounded (a minute grain per minute).</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(7);

    /// <summary>The page size when the query gives none.</summary>
    public const int DefaultLimit = 100;

    /// <summary>The largest page.</summary>
    public const int MaxLimit = 1000;

    private static readonly string[] Parameters = ["state", "from", "to", "limit", "after"];

    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd",
    ];

    /// <summary>The minutes whose index grains the window covers, oldest first, from the cursor's minute when it is later.</summary>
    public IEnumerable<DateTime> Minutes()
    {
        var first = PipelineMinutes.MinuteOf(After is { } after && after.Minute > From ? after.Minute : From);
        var last = PipelineMinutes.MinuteOf(To - TimeSpan.FromTicks(1));
        for (var minute = first; minute <= last; minute += TimeSpan.FromMinutes(1))
        {
            yield return minute;
        }
    }

    /// <summary>Whether an entry submitted at <paramref name="submitted"/> lies in the window.</summary>
    public bool Holds(DateTime submitted) => submitted >= From && submitted < To;

    /// <summary>
    /// Reads <paramref name="query"/> (a URL's query string, with or without its <c>?</c>), with <paramref name="now"/> as
    /// the default end of the window; every problem listed when it is not valid.
    /// </summary>
    public static (PipelineItemsQuery? Query, IReadOnlyList<string> Problems) Parse(string? query, DateTime now)
    {
        List<string> problems = [];
        var values = QueryHelpers.ParseQuery(query);
        foreach (var (name, value) in values)
        {
            if (!Parameters.Contains(name, StringComparer.Ordinal))
            {
                problems.Add($"unknown parameter '{name}': use {string.Join(", ", Parameters)}.");
            }
            else if (value.Count > 1)
            {
                problems.Add($"{name} is given {value.Count} times; give it once.");
            }
        }

        string? One(string name) => values.TryGetValue(name, out var v) && v.Count == 1 ? v[0] : null;

        PipelineItemState? state = null;
        if (One("state") is { } stateText)
        {
            state = stateText switch
            {
                "pending" => PipelineItemState.Pending,
                "final" => PipelineItemState.Final,
                "failed" => PipelineItemState.Failed,
                _ => null,
            };
            if (state is null)
            {
                problems.Add($"state must be pending, final or failed (is '{stateText}').");
            }
        }

        var to = Time("to", One("to"), problems) ?? now;
        // A 'to' within the default window of year 1 (to=0001-01-01) has no time that far before it: DateTime would throw.
        var from = Time("from", One("from"), problems) ?? (to.Ticks < DefaultWindow.Ticks ? new DateTime(0, DateTimeKind.Utc) : to - DefaultWindow);
        if (from >= to)
        {
            problems.Add($"from ({Show(from)}) must be before to ({Show(to)}).");
        }
        else if (to - from > MaxWindow)
        {
            problems.Add($"The window from {Show(from)} to {Show(to)} is longer than {MaxWindow.TotalDays} days; page through shorter windows.");
        }

        var limit = DefaultLimit;
        if (One("limit") is { } limitText && !(int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit))
        {
            problems.Add($"limit must be a whole number from 1 to {MaxLimit} (is '{limitText}').");
        }

        PipelineItemsCursor? after = null;
        if (One("after") is { } cursorText && !PipelineItemsCursor.TryParse(cursorText, out after))
        {
            problems.Add($"after '{cursorText}' is not a cursor: pass the 'next' of the previous page as it was given.");
        }

        return problems.Count > 0 ? (null, problems) : (new PipelineItemsQuery(state, from, to, limit, after), problems);
    }

    private static DateTime? Time(string name, string? text, List<string> problems)
    {
        if (text is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.UtcDateTime;
        }

        problems.Add($"{name} '{text}' is not an ISO-8601 time (e.g. 2026-12-06T09:30:00Z).");
        return null;
    }

    private static string Show(DateTime time) => time.ToString("O", CultureInfo.InvariantCulture);
}

/// <summary>
/// Where a page of a pipeline's items ended: the last item's submit minute and id, written <c>{yyyyMMddHHmm}.{id}</c>.
/// Opaque to clients; the next page reads that minute's index after the id, then the minutes after it.
/// </summary>
/// <param name="Minute">The minute the item is indexed under.</param>
/// <param name="Id">The item's id.</param>
internal sealed record PipelineItemsCursor(DateTime Minute, string Id)
{
    /// <summary>The cursor after <paramref name="entry"/>.</summary>
    public static PipelineItemsCursor After(PipelineItemEntry entry) => new(PipelineMinutes.MinuteOf(entry.SubmittedAt), entry.Id);

    /// <summary>Reads a cursor <see cref="ToString"/> wrote; false for anything else.</summary>
    public static bool TryParse(string text, out PipelineItemsCursor? cursor)
    {
        cursor = null;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || !PipelineMinutes.TryParseStamp(text.AsSpan(0, dot), out var minute) || !PipelineSpec.IsValidId(text[(dot + 1)..]))
        {
            return false;
        }

        cursor = new PipelineItemsCursor(minute, text[(dot + 1)..]);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{PipelineMinutes.Stamp(Minute)}.{Id}";
}
