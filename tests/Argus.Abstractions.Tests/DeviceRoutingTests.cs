using Argus.Devices;

namespace Argus.Abstractions.Tests;

public sealed class DeviceRoutingTests
{
    private static readonly HashSet<string> None = [];

    private static DeviceLoad Device(string silo, double waitMs, int depth = 0, params string[] models) =>
        new($"{silo}/cpu0", silo, [.. (models.Length == 0 ? ["resnet18"] : models).Select(m => new ServedModel(m, "1", 1, IsDefault: true))], depth, waitMs);

    private static DeviceLoad? Choose(IReadOnlyList<DeviceLoad> devices, string? local = null, double limitMs = 50, IReadOnlySet<string>? excluded = null, int seed = 1) =>
        DeviceRouting.Choose(devices, "resnet18", null, local, TimeSpan.FromMilliseconds(limitMs), excluded ?? None, new Random(seed));

    [Fact]
    public void The_local_device_wins_while_its_wait_is_short() =>
        Assert.Equal("b/cpu0", Choose([Device("a", 0), Device("b", 40), Device("c", 0)], local: "b")?.Key);

    [Fact]
    public void A_busy_local_device_loses_to_the_less_loaded_of_two_others()
    {
        DeviceLoad[] devices = [Device("a", 10), Device("b", 400), Device("c", 10)];
        for (var seed = 0; seed < 50; seed++)
        {
            Assert.NotEqual("b/cpu0", Choose(devices, local: "b", seed: seed)?.Key);
        }
    }

    [Fact]
    public void Power_of_two_choices_never_picks_the_most_loaded_and_favours_the_least()
    {
        DeviceLoad[] devices = [Device("a", 5), Device("b", 50), Device("c", 500)];
        var picks = Enumerable.Range(0, 600).Select(seed => Choose(devices, seed: seed)!.Key).ToArray();

        Assert.DoesNotContain("c/cpu0", picks);
        Assert.True(picks.Count(k => k == "a/cpu0") > picks.Count(k => k == "b/cpu0"));
    }

    [Fact]
    public void Power_of_two_choices_samples_only_the_candidates_wherever_they_sit_in_the_table()
    {
        // Between the candidates: a draining device, an excluded one and one serving another model, all idle.
        DeviceLoad[] devices =
        [
            Device("x", 0) with { Draining = true }, Device("a", 5), Device("y", 0), Device("b", 50), Device("z", 0, 0, "text-direction"), Device("c", 500),
        ];
        var picks = Enumerable.Range(0, 600).Select(seed => Choose(devices, excluded: new HashSet<string> { "y/cpu0" }, seed: seed)!.Key).ToArray();

        Assert.Equal(["a/cpu0", "b/cpu0"], picks.Distinct().Order());
        Assert.True(picks.Count(k => k == "a/cpu0") > picks.Count(k => k == "b/cpu0"));
    }

    [Fact]
    public void Equal_waits_are_broken_by_queue_depth()
    {
        for (var seed = 0; seed < 20; seed++)
        {
            Assert.Equal("a/cpu0", Choose([Device("a", 20, depth: 1), Device("b", 20, depth: 9)], seed: seed)?.Key);
        }
    }

    [Fact]
    public void The_callers_own_requests_in_flight_count_against_a_device_whose_report_is_stale()
    {
        // a reported a slightly lower wait, but this caller already has 5 requests of 14 ms in flight to it.
        DeviceLoad a = new("a/cpu0", "a", [new ServedModel("resnet18", "1", 14, IsDefault: true)], 0, 0.2);
        DeviceLoad b = new("b/cpu0", "b", [new ServedModel("resnet18", "1", 14, IsDefault: true)], 0, 0.4);
        var inFlight = new Dictionary<string, int> { ["a/cpu0"] = 5, ["b/cpu0"] = 1 };

        for (var seed = 0; seed < 20; seed++)
        {
            Assert.Equal("b/cpu0", DeviceRouting.Choose([a, b], "resnet18", null, null, TimeSpan.Zero, None, new Random(seed), inFlight)?.Key);
            Assert.Equal("a/cpu0", DeviceRouting.Choose([a, b], "resnet18", null, null, TimeSpan.Zero, None, new Random(seed))?.Key);
        }
    }

    [Fact]
    public void Only_devices_serving_the_model_and_not_excluded_are_candidates()
    {
        DeviceLoad[] devices = [Device("a", 0, 0, "text-direction"), Device("b", 900), Device("c", 0)];
        Assert.Equal("b/cpu0", Choose(devices, excluded: new HashSet<string> { "c/cpu0" })?.Key);
        Assert.Null(Choose(devices, excluded: new HashSet<string> { "b/cpu0", "c/cpu0" }));
        Assert.Null(Choose([]));
    }

    [Fact]
    public void A_draining_device_gets_nothing_new_even_on_the_callers_own_silo()
    {
        DeviceLoad[] devices = [Device("a", 0) with { Draining = true }, Device("b", 900), Device("c", 900) with { Draining = true }];
        for (var seed = 0; seed < 50; seed++)
        {
            Assert.Equal("b/cpu0", Choose(devices, local: "a", seed: seed)?.Key);
        }

        Assert.Null(Choose([Device("a", 0) with { Draining = true }], local: "a"));
    }
}
