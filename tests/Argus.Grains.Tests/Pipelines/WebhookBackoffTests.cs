using Argus.Grains.Pipelines;

namespace Argus.Grains.Tests.Pipelines;

public sealed class WebhookBackoffTests
{
    [Fact]
    public void The_wait_doubles_from_a_second_and_stops_at_the_cap()
    {
        Assert.Equal(
            [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300],
            Enumerable.Range(1, 11).Select(n => WebhookBackoff.After(n).TotalSeconds));
        Assert.Equal(WebhookBackoff.Cap, WebhookBackoff.After(int.MaxValue));
    }
}
