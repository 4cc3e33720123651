using Argus.Inference.Imaging;
using OpenCvSharp;

namespace Argus.Inference.Postprocessing;

/// <summary>One text region found by a detector, in the image's pixel coordinates.</summary>
/// <param name="Score">The mean text probability inside the region's outline on the map.</param>
/// <param name="Box">The axis-aligned box around <paramref name="Corners"/>.</param>
/// <param name="Corners">The region's rotated rectangle: four corners clockwise from the top-left.</param>
public sealed record TextRegion(float Score, Rect2f Box, IReadOnlyList<Point2f> Corners);

/// <summary>
/// Differentiable Binarization (DB) post-processing, as PaddleOCR's <c>DBPostProcess</c> does it for its quad boxes:
/// threshold the probability map, take each connected region's outline, score it by the mean probability inside the
/// outline (PaddleOCR's "slow" score mode), grow its minimum-area rectangle by area × ratio / perimeter (the map marks a
/// shrunk core of each text region), and map the corners back onto the image.
/// </summary>
public static class TextDetection
{
    /// <summary>Regions whose rectangle is thinner than this on the map are noise (PaddleOCR's <c>min_size</c>).</summary>
    private const float MinSide = 3;

    /// <summary>Finds the text regions of one probability map.</summary>
    /// <param name="probabilities">The map, one probability per input pixel, row-major (<paramref name="height"/> × <paramref name="width"/>).</param>
    /// <param name="width">The map's width: the model's input width.</param>
    /// <param name="height">The map's height: the model's input height.</param>
    /// <param name="fit">Where the image lies in the input, to map regions back onto it.</param>
    /// <param name="options">Thresholds and the growth ratio.</param>
    /// <returns>The regions, top to bottom then left to right, clamped to the image; regions wholly outside it are dropped.</returns>
    public static unsafe IReadOnlyList<TextRegion> Find(float[] probabilities, int width, int height, ImageFit fit, DetectionOptions options)
    {
        if (probabilities.Length != width * height)
        {
            throw new ArgumentException($"The map has {probabilities.Length} values; {width}×{height} needs {width * height}.", nameof(probabilities));
        }

        List<TextRegion> regions = [];
        fixed (float* data = probabilities)
        {
            using var map = Mat.FromPixelData(height, width, MatType.CV_32FC1, (IntPtr)data);
            using var mask = new Mat();
            Cv2.Compare(map, Scalar.All(options.Threshold), mask, CmpTypes.GT);
            Cv2.FindContours(mask, out var outlines, out _, RetrievalModes.List, ContourApproximationModes.ApproxSimple);
            foreach (var outline in outlines.Take(options.MaxCandidates))
            {
                var core = Cv2.MinAreaRect(outline);
                if (ShortSide(core) < MinSide)
                {
                    continue;
                }

                var score = MeanInside(map, outline);
                if (score < options.BoxThreshold)
                {
                    continue;
                }

                var grown = Unclip(core, options.UnclipRatio);
                if (ShortSide(grown) < MinSide + 2)
                {
                    continue;
                }

                var corners = Clockwise(grown.Points().Select(p => OnImage(p, fit)).ToArray());
                var box = Bounds(corners);
                if (box.Width >= 1 && box.Height >= 1)
                {
                    regions.Add(new TextRegion(score, box, corners));
                }
            }
        }

        return [.. regions.OrderBy(r => r.Box.Y).ThenBy(r => r.Box.X)];
    }

    private static float ShortSide(RotatedRect rect) => Math.Min(rect.Size.Width, rect.Size.Height);

    /// <summary>The mean probability inside the outline (its pixels included).</summary>
    private static float MeanInside(Mat map, Point[] outline)
    {
        var bounds = Cv2.BoundingRect(outline);
        using var inside = new Mat(bounds.Height, bounds.Width, MatType.CV_8UC1, Scalar.All(0));
        Cv2.FillPoly(inside, [outline.Select(p => p - bounds.Location)], Scalar.All(1));
        using var window = new Mat(map, bounds);
        return (float)Cv2.Mean(window, inside).Val0;
    }

    /// <summary>
    /// The rectangle grown by area × ratio / perimeter on every side. PaddleOCR offsets the rectangle's polygon with
    /// round joins (pyclipper) and takes the minimum-area rectangle of the result: for a rectangle that is this one.
    /// </summary>
    private static RotatedRect Unclip(RotatedRect rect, float ratio)
    {
        var (w, h) = (rect.Size.Width, rect.Size.Height);
        var distance = w * h * ratio / (2 * (w + h));
        return new RotatedRect(rect.Center, new Size2f(w + (2 * distance), h + (2 * distance)), rect.Angle);
    }

    private static Point2f OnImage(Point2f p, ImageFit fit) => new(
        Math.Clamp(fit.ToSourceX(p.X), 0, fit.SourceWidth),
        Math.Clamp(fit.ToSourceY(p.Y), 0, fit.SourceHeight));

    /// <summary>Top-left, top-right, bottom-right, bottom-left: the two leftmost points are the left side, each side ordered by y.</summary>
    private static Point2f[] Clockwise(Point2f[] corners)
    {
        var byX = corners.OrderBy(p => p.X).ThenBy(p => p.Y).ToArray();
        var left = byX[..2].OrderBy(p => p.Y).ToArray();
        var right = byX[2..].OrderBy(p => p.Y).ToArray();
        return [left[0], right[0], right[1], left[1]];
    }

    private static Rect2f Bounds(Point2f[] corners)
    {
        var (left, top) = (corners.Min(p => p.X), corners.Min(p => p.Y));
        return new Rect2f(left, top, corners.Max(p => p.X) - left, corners.Max(p => p.Y) - top);
    }
}
