using System.Text;
using Argus.Pipelines;

namespace Argus.Abstractions.Tests.Pipelines;

/// <summary>Where a finals reader starts: <c>?since=</c> and <c>Last-Event-ID</c> as read by the SSE endpoint and the SDK.</summary>
public sealed class FinalsCursorTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 10, 30, 42, DateTimeKind.Utc);

    [Fact]
    public void An_event_id_names_its_minute_and_offset_and_reads_back()
    {
        var cursor = new FinalsCursor(new DateTime(2026, 12, 6, 10, 29, 0, DateTimeKind.Utc), 17);

        Assert.Equal("202612061029.17", cursor.ToString());
        Assert.True(FinalsCursor.TryParse("202612061029.17", out var read));
        Assert.Equal(cursor, read);
        Assert.Equal(DateTimeKind.Utc, read.Minute.Kind);
    }

    [Fact]
    public void A_reader_resumes_after_the_last_event_and_last_event_id_wins_over_since()
    {
        var (start, problem) = FinalsCursor.Start("2026-12-06T09:00:00Z", "202612061029.17", Now);

        Assert.Null(problem);
        Assert.Equal(new FinalsCursor(new DateTime(2026, 12, 6, 10, 29, 0, DateTimeKind.Utc), 18), start);
    }

    [Theory]
    [InlineData(null, "2026-12-06T10:30:00.0000000Z")]
    [InlineData("2026-12-06T10:05:59Z", "2026-12-06T10:05:00.0000000Z")]
    [InlineData("2026-12-06T11:05:59+01:00", "2026-12-06T10:05:00.0000000Z")]
    [InlineData("2026-12-06T10:05", "2026-12-06T10:05:00.0000000Z")]
    [InlineData("2026-12-06", "2026-12-06T00:00:00.0000000Z")]
    [InlineData("2026-12-06T10:31:30Z", "2026-12-06T10:31:00.0000000Z")]
    public void Since_starts_at_the_beginning_of_its_minute(string? since, string minute)
    {
        var (start, problem) = FinalsCursor.Start(since, null, Now);

        Assert.Null(problem);
        Assert.Equal(new FinalsCursor(DateTime.Parse(minute, null, System.Globalization.DateTimeStyles.RoundtripKind), 0), start);
    }

    [Theory]
    [InlineData("yesterday", null, "not an ISO-8601 time")]
    [InlineData("12/06/2026", null, "not an ISO-8601 time")]
    [InlineData("2026-13-01", null, "not an ISO-8601 time")]
    [InlineData("2026-12-06T10:30:00Z\n", null, "not an ISO-8601 time")]
    [InlineData("2026-11-28T00:00:00Z", null, "more than 7 days back")]
    [InlineData("2026-12-06T10:45:00Z", null, "ahead of the silo's clock")]
    [InlineData(null, "17", "is not a finals event id")]
    [InlineData(null, "202612061029", "is not a finals event id")]
    [InlineData(null, "202612061029.-1", "is not a finals event id")]
    [InlineData(null, "202612061029.+1", "is not a finals event id")]
    [InlineData(null, "202613061029.1", "is not a finals event id")]
    [InlineData(null, "202612061029.2147483647", "is not a finals event id")]
    [InlineData(null, "202612061029.99999999999", "is not a finals event id")]
    [InlineData(null, "２０２６12061029.1", "is not a finals event id")]
    [InlineData(null, "201612061029.1", "more than 7 days back")]
    public void A_bad_start_is_refused_with_its_reason(string? since, string? lastEventId, string reason)
    {
        var (_, problem) = FinalsCursor.Start(since, lastEventId, Now);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem);
    }

    [Fact]
    public void Thousands_of_mutated_starts_are_a_place_within_bounds_or_a_reason_never_an_exception()
    {
        var random = new Random(1414);
        string[] seeds = ["202612061029.17", "2026-12-06T10:05:59Z", "2026-12-06T11:05:59.1234567+01:00", "2026-12-06"];
        const string alphabet = "0123456789.:-+TZ ٣\u0000\n";
        for (var i = 0; i < 5000; i++)
        {
            var text = new StringBuilder(seeds[random.Next(seeds.Length)]);
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(text.Length + 1);
                switch (random.Next(3))
                {
                    case 0 when at < text.Length: text.Remove(at, 1); break;
                    case 1 when at < text.Length: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                    default: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                }
            }

            var mutated = text.ToString();
            var asHeader = random.Next(2) == 0;
            var (start, problem) = FinalsCursor.Start(asHeader ? null : mutated, asHeader ? mutated : null, Now);
            if (problem is null)
            {
                Assert.InRange(start.Minute, Now - FinalsCursor.MaxBack - TimeSpan.FromMinutes(1), Now + FinalsCursor.MaxAhead);
                Assert.Equal(0, start.Minute.Ticks % TimeSpan.TicksPerMinute);
                Assert.InRange(start.Offset, 0, int.MaxValue);
                if (asHeader)
                {
                    // The id read is the one its place writes (leading zeros of the offset aside).
                    Assert.True(FinalsCursor.TryParse(mutated, out var read));
                    Assert.True(FinalsCursor.TryParse(read.ToString(), out var again));
                    Assert.Equal(read, again);
                }
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(problem), $"mutation {i} (seed 1414): '{mutated}'");
            }
        }
    }
}
