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
    public static string KeyOf(string pipeline, DateTime time) =>
        $"{pipeline}/{MinuteOf(time).ToString(Format, CultureInfo.InvariantCulture)}";

    /// <summary>The pipeline and minute a key of <see cref="KeyOf"/> names.</summary>
    public static (string Pipeline, DateTime Minute) Parse(string key)
    {
        var slash = key.LastIndexOf('/');
        var minute = DateTime.ParseExact(key[(slash + 1)..], Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        return (key[..slash], minute);
    }
}
