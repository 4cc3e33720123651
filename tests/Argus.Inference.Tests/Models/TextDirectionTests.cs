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
        using var page = Cv2.ImDecode(TestData.Image("imageTextN.png"), ImreadModes.Color);
        using var upright = page[TextLine(page)].Clone();
        using var flipped = new Mat();
        Cv2.Rotate(upright, flipped, RotateFlags.Rotate180);

        var up = Scores(upright);
        var down = Scores(flipped);

        Assert.Equal(2, up.Length);
        Assert.Equal(1f, up.Sum(), 3);
        Assert.True(up[0] > up[1], $"upright text scored 0°={up[0]}, 180°={up[1]}");
        Assert.True(down[1] > down[0], $"upside-down text scored 0°={down[0]}, 180°={down[1]}");
    }

    /// <summary>The band of rows around the first line of dark text on the page.</summary>
    private static Rect TextLine(Mat page)
    {
        using var gray = page.CvtColor(ColorConversionCodes.BGR2GRAY);
        var rows = Enumerable.Range(0, gray.Rows).Select(y => Cv2.Mean(gray.Row(y)).Val0 < 250).ToArray();
        var top = Array.IndexOf(rows, true);
        var bottom = top;
        while (bottom < rows.Length && rows[bottom])
        {
            bottom++;
        }

        Assert.True(top >= 0 && bottom - top >= 8, "imageTextN.png should start with a line of text");
        var margin = Math.Min(4, top);
        return new Rect(0, top - margin, page.Cols, Math.Min(page.Rows - top + margin, bottom - top + (2 * margin)));
    }
}
