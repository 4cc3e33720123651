using Argus.Devices;

namespace Argus.Models;

/// <summary>
/// How close two versions' answers for the same input are, 0 to 1 (1: the same answer), in the measure that suits the
/// task: top-1 agreement for classifiers, cosine similarity for embeddings and raw outputs, box F1 for detectors. Pure.
/// </summary>
public static class Agreement
{
    /// <summary>The overlap (intersection over union) at which two boxes count as the same region.</summary>
    public const double MatchIou = 0.5;

    /// <summary>
    /// The agreement of two answers for one input: <see cref="TopOne"/> when both carry classes,
    /// <see cref="Cosine"/> when both carry embeddings, <see cref="BoxF1"/> when both carry detections, and the cosine of
    /// the raw outputs when both carry only those. Null when they cannot be compared: either failed, they answer
    /// different tasks, or the vectors differ in length.
    /// </summary>
    public static double? Of(ItemResult a, ItemResult b) =>
        a.Error is not null || b.Error is not null ? null
        : a.Classes is { } ac && b.Classes is { } bc ? TopOne(ac, bc)
        : a.Embedding is { } ae && b.Embedding is { } be ? Cosine(ae, be)
        : a.Detections is { } ad && b.Detections is { } bd ? BoxF1(ad, bd)
        : a.Raw is { } ar && b.Raw is { } br ? Cosine(ar, br)
        : null;

    /// <summary>1 when both rank the same class first, 0 when not; null when either ranks none.</summary>
    public static double? TopOne(IReadOnlyList<ClassScore> a, IReadOnlyList<ClassScore> b) =>
        a.Count == 0 || b.Count == 0 ? null : a[0].Index == b[0].Index ? 1 : 0;

    /// <summary>
    /// The cosine of the angle between two vectors, −1 to 1; null when their lengths differ. Two zero vectors are the same
    /// answer (1); a zero vector and another have no direction in common (0).
    /// </summary>
    public static double? Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            return null;
        }

        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return aa == 0 && bb == 0 ? 1
            : aa == 0 || bb == 0 ? 0
            : Math.Clamp(dot / Math.Sqrt(aa * bb), -1, 1);
    }

    /// <summary>
    /// The F1 score of <paramref name="b"/>'s boxes against <paramref name="a"/>'s: 2·matched ÷ (|a| + |b|), where boxes
    /// are matched one to one, the most overlapping pair first, while they overlap by at least <see cref="MatchIou"/>.
    /// Symmetric; 1 when neither found anything, 0 when only one did.
    /// </summary>
    public static double BoxF1(IReadOnlyList<Detection> a, IReadOnlyList<Detection> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return a.Count == b.Count ? 1 : 0;
        }

        List<(double Iou, int A, int B)> pairs = [];
        for (var i = 0; i < a.Count; i++)
        {
            for (var j = 0; j < b.Count; j++)
            {
                var iou = Iou(a[i], b[j]);
                if (iou >= MatchIou)
                {
                    pairs.Add((iou, i, j));
                }
            }
        }

        // Ties are broken by position so the score does not depend on the sort's stability.
        pairs.Sort((x, y) => (y.Iou, x.A, x.B).CompareTo((x.Iou, y.A, y.B)));
        var usedA = new bool[a.Count];
        var usedB = new bool[b.Count];
        var matched = 0;
        foreach (var (_, i, j) in pairs)
        {
            if (!usedA[i] && !usedB[j])
            {
                usedA[i] = usedB[j] = true;
                matched++;
            }
        }

        return 2.0 * matched / (a.Count + b.Count);
    }

    /// <summary>
    /// The intersection over union of two axis-aligned boxes, 0 to 1; 0 when their union has no area (a negative width
    /// or height counts as none).
    /// </summary>
    public static double Iou(Detection a, Detection b)
    {
        var width = Math.Min((double)a.X + Math.Max(a.Width, 0), (double)b.X + Math.Max(b.Width, 0)) - Math.Max(a.X, b.X);
        var height = Math.Min((double)a.Y + Math.Max(a.Height, 0), (double)b.Y + Math.Max(b.Height, 0)) - Math.Max(a.Y, b.Y);
        var intersection = Math.Max(width, 0) * Math.Max(height, 0);
        var union = Area(a) + Area(b) - intersection;
        return union > 0 ? intersection / union : 0;
    }

    private static double Area(Detection box) => (double)Math.Max(box.Width, 0) * Math.Max(box.Height, 0);
}
