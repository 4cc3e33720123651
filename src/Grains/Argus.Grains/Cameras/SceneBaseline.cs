namespace Argus.Grains.Cameras;

/// <summary>
/// A camera's running baseline of its scene: an exponential average of unit embeddings, kept unit length, and the
/// cosine distance of a frame's embedding from it. Pure.
/// </summary>
internal static class SceneBaseline
{
    /// <summary>The weight of a new frame in the baseline: about the last ten calm frames count.</summary>
    public const float Weight = 0.1f;

    /// <summary>1 − cos(a, b): 0 for the same direction, 1 for orthogonal, 2 for opposite; 1 when either is zero.</summary>
    public static double CosineDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length)
        {
            throw new ArgumentException($"Embeddings of {a.Length} and {b.Length} dimensions cannot be compared.", nameof(b));
        }

        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return aa == 0 || bb == 0 ? 1 : 1 - (dot / Math.Sqrt(aa * bb));
    }

    /// <summary>The baseline moved towards <paramref name="embedding"/> by <see cref="Weight"/>, scaled back to unit length.</summary>
    public static float[] Blend(ReadOnlySpan<float> baseline, ReadOnlySpan<float> embedding)
    {
        var blended = new float[baseline.Length];
        for (var i = 0; i < blended.Length; i++)
        {
            blended[i] = ((1 - Weight) * baseline[i]) + (Weight * embedding[i]);
        }

        return Normalise(blended);
    }

    /// <summary>A copy of <paramref name="embedding"/> scaled to unit length: the first frame's baseline.</summary>
    public static float[] Start(ReadOnlySpan<float> embedding) => Normalise(embedding.ToArray());

    private static float[] Normalise(float[] vector)
    {
        double norm = 0;
        foreach (var v in vector)
        {
            norm += (double)v * v;
        }

        if (norm > 0)
        {
            var scale = 1 / Math.Sqrt(norm);
            for (var i = 0; i < vector.Length; i++)
            {
                vector[i] = (float)(vector[i] * scale);
            }
        }

        return vector;
    }
}
