using Argus.Inference.Imaging;
using Argus.Testing;
using OpenCvSharp;

namespace Argus.Inference.Tests.Models;

/// <summary>The PP-OCR text-direction classifier (0° or 180°) on a real line of printed text.</summary>
public sealed class TextDirectionTests(ModelFixture models) : IClassFixture<ModelFixture>
{
    private float[] Scores(Mat image) => models.TextDirection.Run([models.TextDirectionPreprocessor.Process(image)])[0];

    [Fact]
    public void It_scores_its_two_directions_and_tells_upright_text_from_upside_down()
    {
        using var upright = TestData.TextLine();
        using var flipped = new Mat();
        Cv2.Rotate(upright, flipped, RotateFlags.Rotate180);

        var up = Scores(upright);
        var down = Scores(flipped);

        Assert.Equal(2, up.Length);
        Assert.Equal(1f, up.Sum(), 3);
        Assert.True(up[0] > up[1], $"upright text scored 0°={up[0]}, 180°={up[1]}");
        Assert.True(down[1] > down[0], $"upside-down text scored 0°={down[0]}, 180°={down[1]}");
    }
}
