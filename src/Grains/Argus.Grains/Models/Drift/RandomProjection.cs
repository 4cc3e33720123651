using Argus.Inference.Statistics;

namespace Argus.Grains.Models.Drift;

/// <summary>
/// A fixed random linear map to fewer dimensions (Johnson–Lindenstrauss): a Gaussian matrix scaled by 1/√k, so squared
/// distances are kept in expectation and the kernel two-sample test sees the same differences at a fraction of the cost.
/// The same seed gives the same map, so a reference projected once and windows projected later are comparable.
/// </summary>
internal sealed class RandomProjection
{
    private readonly float[] _matrix;

    /// <summary>A map from <paramref name="inputDimensions"/> to <paramref name="outputDimensions"/> drawn from <paramref name="seed"/>.</summary>
    public RandomProjection(int inputDimensions, int outputDimensions, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDimensions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputDimensions, 1);
        InputDimensions = inputDimensions;
        OutputDimensions = outputDimensions;
        var random = new Random(seed);
        var scale = 1 / Math.Sqrt(outputDimensions);
        _matrix = new float[inputDimensions * outputDimensions];
        for (var i = 0; i < _matrix.Length; i++)
        {
            _matrix[i] = (float)(Gaussian.Sample(random) * scale);
        }
    }

    /// <summary>The length of the vectors it takes.</summary>
    public int InputDimensions { get; }

    /// <summary>The length of the vectors it gives.</summary>
    public int OutputDimensions { get; }

    /// <summary><paramref name="vector"/> mapped to <see cref="OutputDimensions"/>.</summary>
    public float[] Project(ReadOnlySpan<float> vector)
    {
        if (vector.Length != InputDimensions)
        {
            throw new ArgumentException($"The projection takes {InputDimensions} dimensions, not {vector.Length}.", nameof(vector));
        }

        var projected = new float[OutputDimensions];
        for (var o = 0; o < projected.Length; o++)
        {
            var row = _matrix.AsSpan(o * InputDimensions, InputDimensions);
            double sum = 0;
            for (var i = 0; i < row.Length; i++)
            {
                sum += (double)row[i] * vector[i];
            }

            projected[o] = (float)sum;
        }

        return projected;
    }
}
