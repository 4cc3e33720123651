using Argus.Grains.Cameras;

namespace Argus.Grains.Tests.Cameras;

public sealed class SceneBaselineTests
{
    [Fact]
    public void Cosine_distance_is_zero_for_the_same_direction_one_for_orthogonal_and_two_for_opposite()
    {
        Assert.Equal(0, SceneBaseline.CosineDistance([1, 2, 3], [2, 4, 6]), 6);
        Assert.Equal(1, SceneBaseline.CosineDistance([1, 0], [0, 5]), 6);
        Assert.Equal(2, SceneBaseline.CosineDistance([1, 1], [-1, -1]), 6);
        Assert.Equal(1, SceneBaseline.CosineDistance([0, 0], [1, 0]), 6);
    }

    [Fact]
    public void Embeddings_of_different_sizes_are_refused()
    {
        Assert.Throws<ArgumentException>(() => SceneBaseline.CosineDistance([1, 0], [1, 0, 0]));
    }

    [Fact]
    public void The_baseline_starts_as_the_first_embedding_at_unit_length()
    {
        var start = SceneBaseline.Start([3, 4]);

        Assert.Equal([0.6, 0.8], start.Select(v => Math.Round(v, 6)));
    }

    [Fact]
    public void Blending_moves_a_tenth_of_the_way_and_stays_unit_length()
    {
        float[] baseline = [1, 0];

        var blended = SceneBaseline.Blend(baseline, [0, 1]);

        Assert.Equal(1, Math.Sqrt(blended.Sum(v => (double)v * v)), 5);
        Assert.Equal(0.1 / 0.9, blended[1] / blended[0], 5);
        Assert.Equal([1f, 0f], baseline); // the old baseline is left as it was
    }

    [Fact]
    public void Blending_the_same_embedding_again_and_again_converges_on_it()
    {
        var baseline = SceneBaseline.Start([1, 0, 0]);
        for (var i = 0; i < 100; i++)
        {
            baseline = SceneBaseline.Blend(baseline, [0, 1, 0]);
        }

        Assert.True(SceneBaseline.CosineDistance(baseline, [0, 1, 0]) < 1e-3);
    }
}
