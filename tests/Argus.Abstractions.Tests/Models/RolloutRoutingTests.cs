using Argus.Models;

namespace Argus.Abstractions.Tests.Models;

public sealed class RolloutRoutingTests
{
    private static readonly ulong[] Keys = [.. Enumerable.Range(0, 20_000).Select(i => RouteKeys.Of($"camera-{i}"))];

    private static Rollout Canary(double percent, double compare = 0) =>
        Rollout.None("m") with { Stable = "1", Canary = "2", CanaryPercent = percent, ComparePercent = compare };

    [Theory]
    [InlineData(1)]
    [InlineData(20)]
    [InlineData(50)]
    [InlineData(99)]
    public void A_canary_takes_its_share_of_keys(double percent)
    {
        var share = Keys.Count(k => RolloutRouting.Choose(Canary(percent), k).Version == "2") / (double)Keys.Length;

        Assert.InRange(share * 100, percent - 1, percent + 1);
    }

    [Fact]
    public void Raising_the_percent_only_moves_keys_from_stable_to_canary_and_a_key_always_lands_on_the_same_version()
    {
        foreach (var key in Keys)
        {
            var at20 = RolloutRouting.Choose(Canary(20), key);
            Assert.Equal(at20, RolloutRouting.Choose(Canary(20), key));
            if (at20.Role == RouteRole.Canary)
            {
                Assert.Equal(RouteRole.Canary, RolloutRouting.Choose(Canary(30), key).Role);
            }
        }
    }

    [Fact]
    public void The_edges_send_every_key_to_one_version()
    {
        Assert.All(Keys, k => Assert.Equal("1", RolloutRouting.Choose(Canary(0), k).Version));
        Assert.All(Keys, k => Assert.Equal("2", RolloutRouting.Choose(Canary(100), k).Version));
        Assert.All(Keys, k => Assert.Equal(RouteChoice.Default, RolloutRouting.Choose(Rollout.None("m"), k)));
    }

    [Fact]
    public void Shadow_copies_sample_stable_calls_independently_of_the_canary()
    {
        var rollout = Canary(50) with { Shadow = "3", ShadowPercent = 10 };
        var choices = Keys.Select(k => RolloutRouting.Choose(rollout, k)).ToArray();
        var stable = choices.Where(c => c.Role == RouteRole.Stable).ToArray();

        Assert.All(choices.Where(c => c.Role == RouteRole.Canary), c => Assert.Null(c.CopyTo)); // canary answers are compared with stable only
        Assert.InRange(stable.Count(c => c.CopyTo == "3") * 100.0 / stable.Length, 9, 11);
    }

    [Fact]
    public void A_share_of_canary_calls_is_copied_to_stable_for_comparison()
    {
        var canary = Keys.Select(k => RolloutRouting.Choose(Canary(50, compare: 20), k)).Where(c => c.Role == RouteRole.Canary).ToArray();

        Assert.InRange(canary.Count(c => c.CopyTo == "1") * 100.0 / canary.Length, 18, 22);
    }

    [Fact]
    public void Route_keys_hash_the_same_in_every_process_and_inputs_hash_by_their_bytes()
    {
        // XXH3 of "camera-1" is a fixed number: a key lands on the same version on every silo and client.
        Assert.Equal(RouteKeys.Of("camera-1"u8), RouteKeys.Of("camera-1"));
        Assert.NotEqual(RouteKeys.Of("camera-1"), RouteKeys.Of("camera-2"));
        var image = new Argus.Devices.InferenceRequest("m", [Argus.Devices.InferenceInput.FromImage([1, 2, 3])], Argus.Devices.Lane.Interactive, DateTime.MaxValue);
        Assert.Equal(RouteKeys.Of([1, 2, 3]), RouteKeys.Of(image));
    }
}
