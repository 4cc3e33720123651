namespace Argus.Inference.Postprocessing;

/// <summary>
/// How a text detector's probability map becomes boxes (Differentiable Binarization post-processing). The defaults are
/// PaddleOCR's for its DB detectors (<c>det_db_thresh</c>, <c>det_db_box_thresh</c>, <c>det_db_unclip_ratio</c>,
/// <c>max_candidates</c> in <c>tools/infer/utility.py</c> and <c>predict_det.py</c>).
/// </summary>
public sealed class DetectionOptions
{
    /// <summary>Probability above which a pixel counts as text. Default 0.3.</summary>
    public float Threshold { get; set; } = 0.3f;

    /// <summary>The least mean probability inside a region for it to be reported. Default 0.6.</summary>
    public float BoxThreshold { get; set; } = 0.6f;

    /// <summary>
    /// How far a region's rectangle is grown, as a multiple of its area over its perimeter: the map marks a shrunk core
    /// of each text region. Default 1.5.
    /// </summary>
    public float UnclipRatio { get; set; } = 1.5f;

    /// <summary>The most regions examined per image (a noisy map could otherwise cost any time). Default 1000.</summary>
    public int MaxCandidates { get; set; } = 1000;

    internal IEnumerable<string> Validate(string owner)
    {
        if (Threshold is <= 0 or >= 1) yield return $"{owner}: Detection:Threshold must be between 0 and 1 (is {Threshold}).";
        if (BoxThreshold is <= 0 or >= 1) yield return $"{owner}: Detection:BoxThreshold must be between 0 and 1 (is {BoxThreshold}).";
        if (!(UnclipRatio >= 0)) yield return $"{owner}: Detection:UnclipRatio must not be negative (is {UnclipRatio}).";
        if (MaxCandidates < 1) yield return $"{owner}: Detection:MaxCandidates must be at least 1 (is {MaxCandidates}).";
    }
}
