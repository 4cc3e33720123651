using Argus.Inference.Sessions;

namespace Argus.Inference.Tests.Sessions;

public sealed class TensorValuesTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(17)]
    [InlineData(27_648)]
    public void Finite_values_of_any_length_pass(int length)
    {
        var values = Enumerable.Range(0, length).Select(i => (i - length / 2) * 1e30f).ToArray();

        Assert.True(TensorValues.AllFinite(values));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void A_single_bad_value_anywhere_fails(float bad)
    {
        // Every position, so the vectorised part and the scalar tail both see it.
        for (var length = 1; length <= 40; length++)
        {
            for (var at = 0; at < length; at++)
            {
                var values = new float[length];
                values[at] = bad;
                Assert.False(TensorValues.AllFinite(values), $"length {length}, at {at}");
            }
        }
    }

    [Fact]
    public void The_largest_and_smallest_finite_values_pass()
    {
        Assert.True(TensorValues.AllFinite([float.MaxValue, float.MinValue, float.Epsilon, -0f]));
    }
}
