namespace Argus.Inference.Postprocessing;

/// <summary>Turns a model's raw output row into what its task promises.</summary>
public static class Postprocess
{
    /// <summary>The vector scaled to unit length (unchanged when all zero).</summary>
    public static float[] L2Normalize(ReadOnlySpan<float> vector)
    {
        double sum = 0;
        foreach (var v in vector)
        {
            sum += (double)v * v;
        }

        var result = vector.ToArray();
        if (sum > 0)
        {
            var inv = (float)(1 / Math.Sqrt(sum));
            for (var i = 0; i < result.Length; i++)
            {
                result[i] *= inv;
            }
        }

        return result;
    }

    /// <summary>Softmax, stable for large logits.</summary>
    public static float[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = float.NegativeInfinity;
        foreach (var v in logits)
        {
            max = Math.Max(max, v);
        }

        var result = new float[logits.Length];
        double sum = 0;
        for (var i = 0; i < logits.Length; i++)
        {
            var e = Math.Exp(logits[i] - max);
            result[i] = (float)e;
            sum += e;
        }

        for (var i = 0; i < result.Length; i++)
        {
            result[i] = (float)(result[i] / sum);
        }

        return result;
    }

    /// <summary>The <paramref name="k"/> best (index, score) pairs, best first; ties keep the lower index first.</summary>
    public static IReadOnlyList<(int Index, float Score)> TopK(ReadOnlySpan<float> scores, int k)
    {
        var indices = Enumerable.Range(0, scores.Length).ToArray();
        var copy = scores.ToArray();
        return [.. indices.OrderByDescending(i => copy[i]).ThenBy(i => i).Take(k).Select(i => (i, copy[i]))];
    }
}
