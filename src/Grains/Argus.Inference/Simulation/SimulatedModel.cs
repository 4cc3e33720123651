using System.Diagnostics;
using Argus.Inference.Sessions;

namespace Argus.Inference.Simulation;

/// <summary>
/// A model on a simulated device: a batch holds the batcher's thread for the time the device's latency profile gives
/// for its size, as a real accelerator would, and each item gets a well-formed output of the real model's shape whose
/// values are derived from its input (the same input gets the same output). No model runs. A batch fails, after its
/// time, at the profile's <see cref="LatencyProfile.FailureRate"/>.
/// </summary>
public sealed class SimulatedModel(LatencyProfile profile, TensorDescription input, TensorDescription output) : IModelSession
{
    // Only the batcher's thread runs batches, so one generator serves them all.
    private readonly Random _jitter = new();

    /// <summary>The latency profile it replays.</summary>
    public LatencyProfile Profile { get; } = profile;

    /// <inheritdoc />
    public TensorDescription Input { get; } = input;

    /// <inheritdoc />
    public TensorDescription Output { get; } = output;

    /// <inheritdoc />
    public float[][] Run(IReadOnlyList<float[]> inputs)
    {
        var started = Stopwatch.GetTimestamp();
        var latency = Profile.Sample(inputs.Count, _jitter);
        var fails = Profile.Fails(_jitter);
        var outputs = new float[inputs.Count][];
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Length != Input.ItemLength)
            {
                throw new ArgumentException($"Item {i} has {inputs[i].Length} elements; the model takes {Input.ItemLength}.");
            }

            outputs[i] = OutputFor(inputs[i]);
        }

        // Sleeping, not spinning: simulated devices must leave the cores to the real work around them. Sleep truncates to
        // whole milliseconds, so round up, or a batch would end up to 1 ms before its profile says.
        var remaining = latency - Stopwatch.GetElapsedTime(started);
        if (remaining > TimeSpan.Zero)
        {
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)));
        }

        return fails
            ? throw new InvalidOperationException($"The simulated device failed the batch, as its profile '{Profile.Name}' does for {Profile.FailureRate:P0} of batches.")
            : outputs;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private float[] OutputFor(float[] item)
    {
        // An FNV-1a hash of up to 64 values spread over the input seeds the output: stable across processes, and it
        // costs the same for any input size.
        var hash = 2166136261u;
        var step = Math.Max(1, item.Length / 64);
        for (var i = 0; i < item.Length; i += step)
        {
            hash = (hash ^ BitConverter.SingleToUInt32Bits(item[i])) * 16777619u;
        }

        var values = new Random((int)hash);
        var row = new float[Output.ItemLength];
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = values.NextSingle() * 2 - 1;
        }

        return row;
    }
}
