using Argus.Inference.Imaging;
using Argus.Inference.Postprocessing;
using Argus.Testing;

namespace Argus.Inference.Tests.Models;

/// <summary>ResNet18 (batch dimension made symbolic at load) on real photos.</summary>
public sealed class ResNet18Tests(ModelFixture models) : IClassFixture<ModelFixture>
{
    private static readonly string[] Photos =
        ["apple.jpg", "baboon.jpg", "aloeL.jpg", "leuvenA.jpg", "fruits.jpg", "home.jpg", "building.jpg", "messi5.jpg"];

    private float[] Input(string photo) => models.ResNetPreprocessor.Process(TestData.Image(photo), new ImageLimits());

    private float[] Embed(string photo) => Postprocess.L2Normalize(models.ResNet.Run([Input(photo)])[0]);

    private static float Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => x * y).Sum();

    [Fact]
    public void The_fixed_batch_of_one_is_made_symbolic() => Assert.Equal([-1L, 3, 224, 224], models.ResNet.Input.Shape);

    [Fact]
    public void An_embedding_has_512_unit_length_dimensions()
    {
        var e = Embed("apple.jpg");
        Assert.Equal(512, e.Length);
        Assert.Equal(1.0, Math.Sqrt(e.Sum(v => (double)v * v)), 4);
    }

    [Fact]
    public void An_image_gets_the_same_embedding_alone_and_at_every_position_of_a_batch_of_8()
    {
        var inputs = Photos.Select(Input).ToArray();
        var alone = inputs.Select(i => models.ResNet.Run([i])[0]).ToArray();

        for (var shift = 0; shift < Photos.Length; shift++)
        {
            var order = Enumerable.Range(0, Photos.Length).Select(i => (i + shift) % Photos.Length).ToArray();
            var batch = models.ResNet.Run([.. order.Select(i => inputs[i])]);
            for (var position = 0; position < order.Length; position++)
            {
                var expected = alone[order[position]];
                var maxDiff = expected.Zip(batch[position], (x, y) => Math.Abs(x - y)).Max();
                Assert.True(maxDiff < 1e-5f, $"{Photos[order[position]]} at position {position}: max difference {maxDiff}");
            }
        }
    }

    [Fact]
    public void Similar_photos_score_a_higher_cosine_than_unrelated_ones()
    {
        (string, string)[] similar = [("aloeL.jpg", "aloeR.jpg"), ("leuvenA.jpg", "leuvenB.jpg"), ("left01.jpg", "left02.jpg")];
        (string, string)[] unrelated = [("apple.jpg", "baboon.jpg"), ("aloeL.jpg", "leuvenA.jpg"), ("left01.jpg", "fruits.jpg")];

        var similarScores = similar.Select(p => Cosine(Embed(p.Item1), Embed(p.Item2))).ToArray();
        var unrelatedScores = unrelated.Select(p => Cosine(Embed(p.Item1), Embed(p.Item2))).ToArray();

        Assert.True(similarScores.Min() > unrelatedScores.Max(),
            $"similar {string.Join(", ", similarScores)}; unrelated {string.Join(", ", unrelatedScores)}");
    }
}
