namespace Argus.Deploy.Tests;

public sealed class PromQlTests
{
    [Fact]
    public void A_quantile_over_a_histogram_selects_its_bucket_series_with_the_matchers_labels()
    {
        var selectors = PromQl.Selectors(
            """histogram_quantile(0.95, sum by (le, model) (rate(argus_inference_duration_seconds_bucket{model=~"$model", lane!="by (x)"}[$__rate_interval])))""");

        var selector = Assert.Single(selectors);
        Assert.Equal("argus_inference_duration_seconds_bucket", selector.Metric);
        Assert.Equal(["model", "lane"], selector.Labels);
    }

    [Fact]
    public void Both_sides_of_a_binary_operation_are_selectors_and_keywords_and_numbers_are_not()
    {
        var selectors = PromQl.Selectors(
            "sum by (model) (rate(a_sum[5m])) / on (model) group_left sum without (device) (rate(a_count[5m] offset 1h)) > bool 1e3 or vector(0) and max(b:recorded)");

        Assert.Equal(["a_sum", "a_count", "b:recorded"], selectors.Select(s => s.Metric));
        Assert.All(selectors, s => Assert.Empty(s.Labels));
    }
}
