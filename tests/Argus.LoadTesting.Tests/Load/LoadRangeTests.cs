using Argus.LoadTesting.Load;

namespace Argus.LoadTesting.Tests.Load;

public sealed class LoadRangeTests
{
    [Theory]
    [InlineData("1:32:x2", new[] { 1.0, 2, 4, 8, 16, 32 })]
    [InlineData("1:40:x3", new[] { 1.0, 3, 9, 27 })]
    [InlineData("1:8:+3", new[] { 1.0, 4, 7 })]
    [InlineData("2:6:2", new[] { 2.0, 4, 6 })]
    [InlineData("2:4", new[] { 2.0, 3, 4 })]
    [InlineData("8", new[] { 8.0 })]
    public void Concurrency_ranges_list_their_levels(string text, double[] levels)
    {
        Assert.True(LoadRange.TryParse(text, integers: true, out var range, out var error), error);
        Assert.Equal(levels, range!.Levels());
    }

    [Fact]
    public void Rate_ranges_take_fractions()
    {
        Assert.True(LoadRange.TryParse("0.5:3:x2", integers: false, out var range, out _));
        Assert.Equal([0.5, 1, 2], range!.Levels());
        Assert.True(LoadRange.TryParse("10:11:+0.25", integers: false, out range, out _));
        Assert.Equal([10, 10.25, 10.5, 10.75, 11], range!.Levels());
    }

    [Theory]
    [InlineData("1:32:x2", "1:32:x2")]
    [InlineData("2:6:2", "2:6:+2")]
    [InlineData("8", "8")]
    public void A_range_prints_as_it_would_be_written(string text, string printed)
    {
        Assert.True(LoadRange.TryParse(text, integers: true, out var range, out _));
        Assert.Equal(printed, range!.ToString());
    }

    [Theory]
    [InlineData("0:4", "positive")]
    [InlineData("4:2", "below the start")]
    [InlineData("1:8:x1", "above 1")]
    [InlineData("1:8:x", "numbers")]
    [InlineData("1:8:-2", "positive")]
    [InlineData("a:b", "numbers")]
    [InlineData("1:2:3:4", "start:end[:step]")]
    [InlineData("1::2", "start:end[:step]")]
    [InlineData("1.5:4", "whole numbers")]
    [InlineData("1:1000", "at most 64")]
    public void Bad_concurrency_ranges_say_why(string text, string reason)
    {
        Assert.False(LoadRange.TryParse(text, integers: true, out var range, out var error));
        Assert.Null(range);
        Assert.Contains(reason, error);
    }
}
