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
}
