using Argus.Grains.Models.Drift;

namespace Argus.Grains.Tests.Models.Drift;

public sealed class RandomProjectionTests
{
    [Fact]
    public void The_same_seed_gives_the_same_map()
    {
        float[] vector = [.. Enumerable.Range(0, 64).Select(i => (float)Math.Sin(i))];

        Assert.Equal(new RandomProjection(64, 8, 3).Project(vector), new RandomProjection(64, 8, 3).Project(vector));
        Assert.NotEqual(new RandomProjection(64, 8, 3).Project(vector), new RandomProjection(64, 8, 4).Project(vector));
    }

    [Fact]
    public void Squared_distances_are_kept_on_average()
    {
        var random = new Random(1);
        var ratios = new List<double>();
        for (var seed = 0; seed < 200; seed++)
        {
            var projection = new RandomProjection(128, 32, seed);
            float[] vector = [.. Enumerable.Range(0, 128).Select(_ => (float)Argus.Inference.Statistics.Gaussian.Sample(random))];
            ratios.Add(SquaredNorm(projection.Project(vector)) / SquaredNorm(vector));
        }

        // Each ratio is χ²₃₂/32: mean 1, sd 0.25, so the mean of 200 is within 0.05 of 1 at 2.8 sd.
        Assert.InRange(ratios.Average(), 0.95, 1.05);
    }

    [Fact]
    public void A_vector_of_another_length_is_refused() =>
        Assert.Throws<ArgumentException>(() => new RandomProjection(4, 2, 1).Project([1, 2, 3]));

    private static double SquaredNorm(float[] v) => v.Sum(x => (double)x * x);
}
