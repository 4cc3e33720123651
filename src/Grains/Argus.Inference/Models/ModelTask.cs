namespace Argus.Inference.Models;

/// <summary>What a model's output means, and so how it is postprocessed.</summary>
public enum ModelTask
{
    /// <summary>A feature vector, returned L2-normalised.</summary>
    Embedding,

    /// <summary>Class scores, returned as the top-k classes with labels.</summary>
    Classification,

    /// <summary>
    /// A text probability map the size of the input ([N,1,H,W], a DB text detector's), returned as scored boxes in the
    /// original image's coordinates.
    /// </summary>
    Detection,
}
