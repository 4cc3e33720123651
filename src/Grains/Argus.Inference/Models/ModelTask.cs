namespace Argus.Inference.Models;

/// <summary>What a model's output means, and so how it is postprocessed.</summary>
public enum ModelTask
{
    /// <summary>A feature vector, returned L2-normalised.</summary>
    Embedding,

    /// <summary>Class scores, returned as the top-k classes with labels.</summary>
    Classification,
}
