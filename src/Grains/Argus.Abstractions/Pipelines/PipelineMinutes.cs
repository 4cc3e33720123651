using System.Globalization;

namespace Argus.Pipelines;

/// <summary>
/// A pipeline's items are indexed and its finals logged in one grain per UTC minute, keyed <c>{pipeline}/{yyyyMMddHHmm}</c>:
/// a minute's grain stays small however long the pipeline runs, and a time window is read minute by minute.
/// </summary>
public static class PipelineMinutes
{
    /// <summary>How a key names its minute (and a finals event id its log).</summary>
    internal const string Format = "yyyyMMddHHmm";

    /// <summary>The start of the UTC minute <paramref name="time"/> falls in.</summary>
    public static DateTime MinuteOf(DateTime time)
    {
        var utc = time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : time;
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
    }

    /// <summary>The key of <paramref name="pipeline"/>'s grain for the minute <paramref name="time"/> falls in.</summary>
    public static string KeyOf(string pipeline, DateTime time) => $"{pipeline}/{Stamp(time)}";

    /// <summary>The pipeline and minute a key of <see cref="KeyOf"/> names.</summary>
    public static (string Pipeline, DateTime Minute) Parse(string key)
    {
        var slash = key.LastIndexOf('/');
        return TryParseStamp(key.AsSpan(slash + 1), out var minute) ? (key[..slash], minute) : throw new FormatException($"'{key}' is not a pipeline minute's key.");
    }

    /// <summary>The minute <paramref name="time"/> falls in as keys and cursors write it, <c>yyyyMMddHHmm</c>.</summary>
    public static string Stamp(DateTime time) => MinuteOf(time).ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>The minute a <see cref="Stamp"/> names; false when <paramref name="stamp"/> is not one.</summary>
    public static bool TryParseStamp(ReadOnlySpan<char> stamp, out DateTime minute) =>
        DateTime.TryParseExact(stamp, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out minute);
}
