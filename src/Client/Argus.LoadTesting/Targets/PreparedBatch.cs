using Argus.Errors;

namespace Argus.LoadTesting.Targets;

/// <summary>A batch decoded and preprocessed by <see cref="RawTarget.Prepare"/>, ready to run.</summary>
/// <param name="Inputs">Each image's model input in order; null where the image was unusable.</param>
/// <param name="Errors">Each image's error in order; null where it has an input.</param>
/// <param name="PreprocessMs">How long decoding and preprocessing the batch took.</param>
public sealed record PreparedBatch(IReadOnlyList<float[]?> Inputs, IReadOnlyList<InferenceError?> Errors, double PreprocessMs)
{
    /// <summary>Images with an input, which <see cref="RawTarget.Run(PreparedBatch)"/> runs.</summary>
    public int Ready => Inputs.Count(i => i is not null);
}
