using System.Text;
using Argus.Pipelines;
using Argus.Silo.Http;

namespace Argus.Silo.Tests.Http;

/// <summary>How the query of <c>GET /v1/pipelines/{id}/items</c> becomes a window, a page size and a cursor; no silo needed.</summary>
public sealed class PipelineItemsQueryTests
{
    private static readonly DateTime Now = new(2026, 12, 6, 9, 30, 15, DateTimeKind.Utc);

    private static DateTime Utc(int hour, int minute, int second = 0) => new(2026, 12, 6, hour, minute, second, DateTimeKind.Utc);

    [Fact]
    public void Without_a_query_it_is_the_last_hour_a_hundred_items_at_a_time_in_any_state()
    {
        var (query, problems) = PipelineItemsQuery.Parse("", Now);

        Assert.Empty(problems);
        Assert.Equal(new PipelineItemsQuery(null, Now.AddHours(-1), Now, 100, null), query);
        Assert.Equal(61, query!.Minutes().Count());
        Assert.Equal(Utc(8, 30), query.Minutes().First());
        Assert.Equal(Utc(9, 30), query.Minutes().Last());
    }

    [Fact]
    public void Every_parameter_is_read_with_times_in_any_offset_as_utc()
    {
        var (query, problems) = PipelineItemsQuery.Parse(
            "?state=pending&from=2026-12-06T08:00:00.5Z&to=2026-12-06T10:00:00%2B01:00&limit=1000&after=202612060810.item.1", Now);

        Assert.Empty(problems);
        Assert.Equal(new PipelineItemsQuery(PipelineItemState.Pending, Utc(8, 0).AddMilliseconds(500), Utc(9, 0), 1000,
            new PipelineItemsCursor(Utc(8, 10), "item.1")), query);
        Assert.Equal("202612060810.item.1", query!.After!.ToString());
        // The window's end is exclusive: 09:00 itself is not read; the cursor's minute is the first one read.
        Assert.Equal(Utc(8, 10), query.Minutes().First());
        Assert.Equal(Utc(8, 59), query.Minutes().Last());
        Assert.True(query.Holds(Utc(8, 0).AddMilliseconds(500)));
        Assert.False(query.Holds(Utc(9, 0)));
        Assert.Equal(PipelineItemState.Final, Parse("state=final&from=2026-12-06")!.State);
        Assert.Equal(Utc(9, 29), Parse("from=2026-12-06T09:29Z")!.From);
    }

    [Fact]
    public void A_cursor_past_the_window_reads_no_minute_and_one_before_it_starts_at_from()
    {
        Assert.Empty(Parse("from=2026-12-06T08:00Z&to=2026-12-06T08:30Z&after=202612060830.x")!.Minutes());
        Assert.Equal(Utc(8, 0), Parse("from=2026-12-06T08:00Z&to=2026-12-06T08:30Z&after=202612060700.x")!.Minutes().First());
    }

    [Fact]
    public void A_window_ending_in_the_first_hour_of_year_one_starts_at_its_first_tick()
    {
        Assert.Equal(new DateTime(0, DateTimeKind.Utc), Parse("to=0001-01-01T00:30Z")!.From);
        Assert.Contains("must be before to", Assert.Single(PipelineItemsQuery.Parse("to=0001-01-01", Now).Problems));
    }

    [Fact]
    public void Every_problem_is_listed()
    {
        var (query, problems) = PipelineItemsQuery.Parse(
            "state=done&from=yesterday&to=2026-13-01T00:00:00Z&limit=0&after=abc&sort=id&limit=5&stat=final", Now);

        Assert.Null(query);
        Assert.Equal<string>(
            [
                "limit is given 2 times; give it once.",
                "unknown parameter 'sort': use state, from, to, limit, after.",
                "unknown parameter 'stat': use state, from, to, limit, after.",
                "state must be pending, final or failed (is 'done').",
                "to '2026-13-01T00:00:00Z' is not an ISO-8601 time (e.g. 2026-12-06T09:30:00Z).",
                "from 'yesterday' is not an ISO-8601 time (e.g. 2026-12-06T09:30:00Z).",
                "after 'abc' is not a cursor: pass the 'next' of the previous page as it was given.",
            ],
            problems);
    }

    [Theory]
    [InlineData("limit=1001", "limit must be a whole number from 1 to 1000 (is '1001').")]
    [InlineData("limit=-1", "limit must be a whole number from 1 to 1000 (is '-1').")]
    [InlineData("limit=1.5", "limit must be a whole number from 1 to 1000 (is '1.5').")]
    [InlineData("from=2026-12-06T10:00Z", "from (2026-12-06T10:00:00.0000000Z) must be before to (2026-12-06T09:30:15.0000000Z).")]
    [InlineData("from=2026-11-01&to=2026-11-08T00:00:01Z", "The window from 2026-11-01T00:00:00.0000000Z to 2026-11-08T00:00:01.0000000Z is longer than 7 days; page through shorter windows.")]
    [InlineData("after=202612061299.x", "after '202612061299.x' is not a cursor: pass the 'next' of the previous page as it was given.")]
    [InlineData("after=202612060900..x", "after '202612060900..x' is not a cursor: pass the 'next' of the previous page as it was given.")]
    [InlineData("state=Pending", "state must be pending, final or failed (is 'Pending').")]
    public void A_value_out_of_its_range_is_refused_saying_so(string text, string problem)
    {
        var (query, problems) = PipelineItemsQuery.Parse(text, Now);

        Assert.Null(query);
        Assert.Equal<string>([problem], problems);
    }

    [Fact]
    public void Thousands_of_mutated_queries_are_read_or_refused_never_an_exception()
    {
        const string original = "state=pending&from=2026-12-06T08:00:00Z&to=2026-12-06T09:00:00Z&limit=50&after=202612060810.item-1";
        const string alphabet = "&=?%.:+-TZ0123456789afterlimitstatefromto \u00e9\u0000";
        var random = new Random(1414);
        var (read, refused) = (0, 0);
        for (var i = 0; i < 5000; i++)
        {
            var text = new StringBuilder(original);
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                var at = random.Next(text.Length + 1);
                switch (random.Next(3))
                {
                    case 0 when text.Length > 0 && at < text.Length:
                        text.Remove(at, 1);
                        break;
                    case 1:
                        text.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    default:
                        var from = random.Next(original.Length);
                        text.Insert(at, original.AsSpan(from, Math.Min(random.Next(1, 12), original.Length - from)));
                        break;
                }
            }

            try
            {
                var (query, problems) = PipelineItemsQuery.Parse(text.ToString(), Now);
                Assert.True(query is not null ^ problems.Count > 0, $"mutation {i} (seed 1414): '{text}'");
                (read, refused) = query is null ? (read, refused + 1) : (read + 1, refused);
                if (query is not null)
                {
                    Assert.InRange(query.Limit, 1, PipelineItemsQuery.MaxLimit);
                    Assert.True(query.From < query.To && query.To - query.From <= PipelineItemsQuery.MaxWindow, text.ToString());
                }
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Assert.Fail($"mutation {i} (seed 1414) threw {e.GetType().Name}: {e.Message}\n'{text}'");
            }
        }

        // The mutations reach both sides: not all refused at the first byte, not all read unchanged.
        Assert.True(read > 50 && refused > 50, $"{read} read, {refused} refused");
    }

    private static PipelineItemsQuery? Parse(string text)
    {
        var (query, problems) = PipelineItemsQuery.Parse(text, Now);
        Assert.Empty(problems);
        return query;
    }
}
