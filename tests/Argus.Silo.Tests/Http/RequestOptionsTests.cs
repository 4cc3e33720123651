using Argus.Devices;
using Argus.Silo.Http;
using Microsoft.AspNetCore.Http;

namespace Argus.Silo.Tests.Http;

/// <summary>A request's lane and timeout from its query or headers: every value the API does not know is a reason.</summary>
public sealed class RequestOptionsTests
{
    private static (bool Ok, RequestOptions Options, string? Error) Parse(string? query = null, (string Name, string Value)? header = null)
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString(query is null ? "" : "?" + query);
        if (header is { } h)
        {
            context.Request.Headers[h.Name] = h.Value;
        }

        var ok = RequestOptions.TryParse(context.Request, Lane.Interactive, out var options, out var error);
        return (ok, options, error);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("∞")]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("1e400")]
    [InlineData("99999999999999999999")]
    [InlineData("ten")]
    [InlineData("0x10")]
    [InlineData("1,5")]
    [InlineData("5 s")]
    public void A_timeout_that_is_not_a_positive_bounded_number_is_refused_from_the_query_or_the_header(string timeout)
    {
        var fromQuery = Parse("timeout_ms=" + Uri.EscapeDataString(timeout));
        var fromHeader = Parse(header: ("X-Argus-Timeout-Ms", timeout));

        Assert.False(fromQuery.Ok);
        Assert.False(fromHeader.Ok);
        Assert.Contains("timeout_ms must be a positive number", fromQuery.Error);
        Assert.Contains(timeout, fromHeader.Error);
    }

    [Theory]
    [InlineData("0.5")]
    [InlineData("250")]
    [InlineData("1e3")]
    public void A_positive_timeout_sets_the_deadline(string timeout)
    {
        var before = DateTime.UtcNow;
        var (ok, options, _) = Parse("timeout_ms=" + timeout);

        Assert.True(ok);
        Assert.InRange(options.Deadline, before, DateTime.UtcNow + TimeSpan.FromMilliseconds(double.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("realtime", Lane.Realtime)]
    [InlineData("Batch", Lane.Batch)]
    [InlineData("INTERACTIVE", Lane.Interactive)]
    public void A_lane_is_read_by_its_name_in_any_case(string text, Lane lane) =>
        Assert.Equal(lane, Parse("lane=" + text).Options.Lane);

    [Theory]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("7")]
    [InlineData("-1")]
    [InlineData("realtime,batch")]
    [InlineData("urgent")]
    [InlineData("real time")]
    public void A_lane_by_number_or_a_list_or_unknown_is_refused(string text)
    {
        var (ok, _, error) = Parse(header: ("X-Argus-Lane", text));

        Assert.False(ok);
        Assert.Equal($"Unknown lane '{text}': use realtime, interactive or batch.", error);
    }

    [Fact]
    public void Without_either_the_default_lane_and_its_budget_apply()
    {
        var (ok, options, _) = Parse();

        Assert.True(ok);
        Assert.Equal(Lane.Interactive, options.Lane);
        Assert.InRange(options.Deadline - DateTime.UtcNow, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(10));
    }
}
