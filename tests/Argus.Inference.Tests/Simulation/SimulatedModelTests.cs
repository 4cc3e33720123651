using System.Diagnostics;
using Argus.Inference.Sessions;
using Argus.Inference.Simulation;

namespace Argus.Inference.Tests.Simulation;

public sealed class SimulatedModelTests
{
    private static readonly TensorDescription Input = new("data", [-1, 3, 4, 4]);
    private static readonly TensorDescription Output = new("embedding", [-1, 16]);

    private static float[] Item(float value) => Enumerable.Repeat(value, Input.ItemLength).ToArray();

    [Fact]
    public void A_batch_holds_the_device_at_least_as_long_as_its_profile_says()
    {
        var profile = new LatencyProfile("flat", new Dictionary<int, double> { [1] = 30, [4] = 40 });
        using var model = new SimulatedModel(profile, Input, Output);

        var started = Stopwatch.GetTimestamp();
        model.Run([Item(1), Item(2), Item(3), Item(4)]);

        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(40));
    }

    [Fact]
    public void Each_item_gets_an_output_of_the_models_shape_the_same_for_the_same_input()
    {
        using var model = new SimulatedModel(new LatencyProfile("fast", new Dictionary<int, double> { [1] = 0.1 }), Input, Output);

        var outputs = model.Run([Item(1), Item(2), Item(1)]);

        Assert.All(outputs, o => Assert.Equal(16, o.Length));
        Assert.All(outputs, o => Assert.All(o, v => Assert.InRange(v, -1f, 1f)));
        Assert.Equal(outputs[0], outputs[2]);
        Assert.NotEqual(outputs[0], outputs[1]);
    }

    [Fact]
    public void An_input_of_the_wrong_size_fails_the_batch_like_a_real_session()
    {
        using var model = new SimulatedModel(LatencyProfile.Textbook, Input, Output);

        Assert.Throws<ArgumentException>(() => model.Run([new float[3]]));
    }

    [Fact]
    public void The_shipped_failing_profile_fails_every_batch_after_its_time()
    {
        var failing = LatencyProfile.ResolveName("failing");
        using var model = new SimulatedModel(failing, Input, Output);

        Assert.Equal(1, failing.FailureRate);
        Assert.Equal(LatencyProfile.Textbook.Points, failing.Points);
        var started = Stopwatch.GetTimestamp();
        Assert.Throws<InvalidOperationException>(() => model.Run([Item(1)]));
        Assert.True(Stopwatch.GetElapsedTime(started) >= TimeSpan.FromMilliseconds(20));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0.25, 0.25)]
    [InlineData(1, 1)]
    public void A_failure_rate_fails_that_share_of_batches(double rate, double expected)
    {
        var profile = new LatencyProfile("p", new Dictionary<int, double> { [1] = 1 }, failureRate: rate);
        var random = new Random(7);

        var failed = Enumerable.Range(0, 4000).Count(_ => profile.Fails(random)) / 4000.0;

        Assert.Equal(expected, failed, 0.03);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.1)]
    [InlineData(double.NaN)]
    public void A_failure_rate_outside_0_to_1_is_refused(double rate) =>
        Assert.Throws<ArgumentException>(() => new LatencyProfile("p", new Dictionary<int, double> { [1] = 1 }, failureRate: rate));

    [Fact]
    public void A_failure_rate_survives_a_save_and_a_profile_without_one_never_fails()
    {
        var path = Path.Combine(Path.GetTempPath(), $"argus-profile-{Guid.NewGuid():N}.json");
        try
        {
            new LatencyProfile("flaky", new Dictionary<int, double> { [1] = 5 }, failureRate: 0.5).Save(path);
            Assert.Contains("\"failureRate\": 0.5", File.ReadAllText(path));
            Assert.Equal(0.5, LatencyProfile.Load(path).FailureRate);

            new LatencyProfile("steady", new Dictionary<int, double> { [1] = 5 }).Save(path);
            Assert.DoesNotContain("failureRate", File.ReadAllText(path));
            Assert.Equal(0, LatencyProfile.Load(path).FailureRate);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("../profiles/failing")]
    [InlineData("/etc/passwd")]
    [InlineData("absent")]
    public void By_name_only_built_in_and_shipped_profiles_resolve(string name) =>
        Assert.Throws<FileNotFoundException>(() => LatencyProfile.ResolveName(name));
}
