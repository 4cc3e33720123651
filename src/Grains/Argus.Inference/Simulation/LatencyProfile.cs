using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Argus.Inference.Simulation;

/// <summary>
/// A device's latency curve: how long one batch of n items takes. Measured points are joined by straight lines; the
/// largest measured batch is the device's width, and a larger batch runs as whole waves of that width plus the rest.
/// Used by the simulated device (<c>sim</c>) and by capacity planning. A profile may also fail a share of its batches,
/// so fail-over and rollback can be tested on a device that breaks on purpose.
/// </summary>
public sealed class LatencyProfile
{
    /// <summary>The built-in profile of the textbook capacity-planning GPU: 20 ms for one image, 25 ms for a batch of 8.</summary>
    public const string TextbookName = "textbook";

    // Profiles are read and edited by people: indented, and '+' or quotes in the source text left as they are.
    private static readonly ProfileJson Json = new(new JsonSerializerOptions(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    private readonly (int Batch, double Ms)[] _points;

    /// <summary>Creates a profile from measured points; batch 1 must be among them.</summary>
    /// <exception cref="ArgumentException">
    /// No point for batch 1, a batch below 1, a latency not positive, a batch twice, or a jitter or failure rate out of range.
    /// </exception>
    public LatencyProfile(
        string name, IEnumerable<KeyValuePair<int, double>> latencyMs, double jitter = 0, string? source = null, double failureRate = 0)
    {
        Name = name;
        Source = source ?? "";
        Jitter = jitter;
        FailureRate = failureRate;
        _points = [.. latencyMs.Select(p => (p.Key, p.Value)).OrderBy(p => p.Key)];
        if (_points.Length == 0 || _points[0].Batch != 1)
        {
            throw new ArgumentException($"Latency profile '{name}' needs a latency for batch 1.", nameof(latencyMs));
        }

        if (_points.Any(p => p.Batch < 1 || !(p.Ms > 0) || !double.IsFinite(p.Ms)))
        {
            throw new ArgumentException($"Latency profile '{name}': every batch size must be at least 1 and every latency positive.", nameof(latencyMs));
        }

        if (_points.DistinctBy(p => p.Batch).Count() != _points.Length)
        {
            throw new ArgumentException($"Latency profile '{name}' names a batch size twice.", nameof(latencyMs));
        }

        if (jitter is < 0 or >= 1 || !double.IsFinite(jitter))
        {
            throw new ArgumentException($"Latency profile '{name}': jitter must be in [0, 1) (is {jitter}).", nameof(jitter));
        }

        if (failureRate is < 0 or > 1 || !double.IsFinite(failureRate))
        {
            throw new ArgumentException($"Latency profile '{name}': failureRate must be in [0, 1] (is {failureRate}).", nameof(failureRate));
        }
    }

    /// <summary>The textbook capacity-planning GPU: single image 20 ms, 5 ms more for a full batch of 8, linear between.</summary>
    public static LatencyProfile Textbook { get; } = new(
        TextbookName, new Dictionary<int, double> { [1] = 20, [8] = 25 }, jitter: 0.02,
        source: "The textbook capacity-planning GPU: 20 ms for one image, 5 ms batching overhead at batch 8, linear between; 2% jitter.");

    /// <summary>The profile's name, shown wherever a simulated device reports.</summary>
    public string Name { get; }

    /// <summary>Where the numbers come from (device, model, command).</summary>
    public string Source { get; }

    /// <summary>Standard deviation of a batch's latency as a share of its mean (0: none).</summary>
    public double Jitter { get; }

    /// <summary>The share of batches that fail, from 0 (none, the default) to 1 (every one).</summary>
    public double FailureRate { get; }

    /// <summary>The measured points, by batch size.</summary>
    public IReadOnlyList<(int Batch, double Ms)> Points => _points;

    /// <summary>Items the device runs side by side: the largest measured batch.</summary>
    public int Width => _points[^1].Batch;

    /// <summary>The mean time one batch of <paramref name="batchSize"/> items takes.</summary>
    public TimeSpan BatchLatency(int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var waves = (batchSize - 1) / Width;
        var rest = batchSize - waves * Width;
        return TimeSpan.FromMilliseconds(waves * _points[^1].Ms + Interpolate(rest));
    }

    /// <summary>Items per second a device sustains when every batch has <paramref name="batchSize"/> items.</summary>
    public double Throughput(int batchSize) => batchSize / BatchLatency(batchSize).TotalSeconds;

    /// <summary>One batch's latency drawn with the profile's jitter (normal, clipped to ±3 standard deviations).</summary>
    public TimeSpan Sample(int batchSize, Random random)
    {
        var mean = BatchLatency(batchSize);
        if (Jitter == 0)
        {
            return mean;
        }

        return mean * (1 + Jitter * Math.Clamp(Statistics.Gaussian.Sample(random), -3, 3));
    }

    /// <summary>Whether the next batch fails, drawn from <paramref name="random"/> at <see cref="FailureRate"/>.</summary>
    public bool Fails(Random random) => FailureRate > 0 && random.NextDouble() < FailureRate;

    /// <summary>
    /// The built-in profile of that name (<c>textbook</c>), a profile shipped in <c>profiles/</c> by name
    /// (<see cref="ResolveName"/>), or a profile file (JSON, as <see cref="Save"/> writes it).
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither a built-in or shipped name nor an existing file.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid profile.</exception>
    public static LatencyProfile Resolve(string nameOrPath)
    {
        var isFile = Path.IsPathRooted(nameOrPath) || File.Exists(nameOrPath);
        if (!isFile || string.Equals(nameOrPath, TextbookName, StringComparison.OrdinalIgnoreCase))
        {
            return ResolveName(nameOrPath);
        }

        return File.Exists(nameOrPath) ? Load(nameOrPath) : throw Missing(nameOrPath, nameOrPath);
    }

    /// <summary>
    /// The built-in profile of that name (<c>textbook</c>) or a profile shipped in <c>profiles/</c> (e.g. <c>failing</c>),
    /// never a file elsewhere: what a model version loaded at run time may name, since its definition comes from a client.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such built-in or shipped profile, or the name holds a directory separator.</exception>
    /// <exception cref="InvalidDataException">The shipped file is not a valid profile.</exception>
    public static LatencyProfile ResolveName(string name)
    {
        if (string.Equals(name, TextbookName, StringComparison.OrdinalIgnoreCase))
        {
            return Textbook;
        }

        var path = Path.Combine(ShippedFolder, name.EndsWith(".json", StringComparison.Ordinal) ? name : name + ".json");
        return name.IndexOfAny(['/', '\\']) < 0 && File.Exists(path) ? Load(path) : throw Missing(name, path);
    }

    private static string ShippedFolder => Path.Combine(AppContext.BaseDirectory, "profiles");

    private static FileNotFoundException Missing(string nameOrPath, string path) => new(
        $"No latency profile '{nameOrPath}': name the built-in '{TextbookName}', a profile shipped in {ShippedFolder}, or a profile file.", path);

    /// <summary>Reads a profile file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid profile.</exception>
    public static LatencyProfile Load(string path)
    {
        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllText(path), Json.ProfileFile)
                ?? throw new InvalidDataException("empty");
            return new LatencyProfile(
                file.Name ?? Path.GetFileNameWithoutExtension(path),
                file.LatencyMs?.Select(p => KeyValuePair.Create(int.Parse(p.Key, CultureInfo.InvariantCulture), p.Value)) ?? [],
                file.Jitter, file.Source, file.FailureRate);
        }
        catch (Exception e) when (e is JsonException or FormatException or OverflowException or ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"{path} is not a latency profile: {e.Message}", e);
        }
    }

    /// <summary>Writes the profile as JSON, the format <see cref="Load"/> reads.</summary>
    public void Save(string path)
    {
        var file = new ProfileFile(
            Name, Source, Jitter, FailureRate, _points.ToDictionary(p => p.Batch.ToString(CultureInfo.InvariantCulture), p => Math.Round(p.Ms, 3)));
        File.WriteAllText(path, JsonSerializer.Serialize(file, Json.ProfileFile));
    }

    private double Interpolate(int batchSize)
    {
        var upper = Array.FindIndex(_points, p => p.Batch >= batchSize);
        var (b1, ms1) = _points[upper];
        if (b1 == batchSize || upper == 0)
        {
            return ms1;
        }

        var (b0, ms0) = _points[upper - 1];
        return ms0 + (ms1 - ms0) * (batchSize - b0) / (b1 - b0);
    }

    internal sealed record ProfileFile(
        string? Name,
        string? Source,
        double Jitter,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] double FailureRate,
        Dictionary<string, double>? LatencyMs);
}

[JsonSerializable(typeof(LatencyProfile.ProfileFile))]
internal sealed partial class ProfileJson : JsonSerializerContext;
