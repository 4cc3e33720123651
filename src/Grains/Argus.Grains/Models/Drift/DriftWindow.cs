using Argus.Models;

namespace Argus.Grains.Models.Drift;

/// <summary>
/// One model version's drift checks, without the grain around them: the reference, the sliding window of the newest
/// outputs, when a window is due for a test (each time <see cref="DriftOptions.WindowSize"/> new outputs have come in,
/// so tested windows share no outputs, as <see cref="DriftAlarm"/> assumes), the test itself (<see cref="DriftCheck"/>)
/// and the alarm. Pure; not thread-safe (the grain calls it from its turns only; a check runs apart).
/// </summary>
/// <remarks>
/// The first output taken in fixes the kind and length every later one must have (a v2 raw call to an embedding model
/// gives an unnormalised vector the embeddings cannot be compared with: it is ignored and counted, as is a vector with a
/// NaN or an infinity). A folder reference
/// fixes them in its turn and drops window outputs of another kind.
/// </remarks>
internal sealed class DriftWindow
{
    /// <summary>The projection's seed: fixed, so a version's reference and its windows are projected alike on every silo.</summary>
    private const int ProjectionSeed = 20261206;

    private readonly DriftOptions _options;
    private readonly Random _random;
    private readonly List<DriftSample> _reference = [];
    private readonly Queue<DriftSample> _window = new();
    private DriftSample? _shape;
    private RandomProjection? _projection;
    private int _fresh;
    private DriftAlarm _alarm;
    private DriftVerdict? _last;
    private DateTime? _lastCheckedAt;
    private long _checks;
    private long _samples;
    private long _ignored;

    /// <summary>A window whose reference is its first outputs, or, with <paramref name="folder"/>, that folder's (<see cref="UseReference"/>).</summary>
    /// <param name="options">Sizes, test and alarm; read, not kept in step with later changes.</param>
    /// <param name="folder">The folder the reference will come from; null for the first outputs.</param>
    /// <param name="random">Draws each check's seed.</param>
    public DriftWindow(DriftOptions options, string? folder, Random random)
    {
        (_options, _random, Folder) = (options, random, folder);
    }

    /// <summary>The reference's folder; null once the reference is the first outputs.</summary>
    public string? Folder { get; private set; }

    /// <summary>Whether the reference is to come from <see cref="Folder"/> and has not yet.</summary>
    public bool AwaitsFolder => Folder is not null && _reference.Count == 0;

    /// <summary>Whether there is anything to report: a reference or an output.</summary>
    public bool HasState => _reference.Count > 0 || _samples > 0;

    /// <summary>
    /// Makes <paramref name="samples"/> (a folder's outputs) the reference, up to <see cref="DriftOptions.ReferenceSize"/>;
    /// with fewer than two there is nothing to test against, and the first outputs become the reference instead, those
    /// already in the window first.
    /// </summary>
    public void UseReference(IReadOnlyList<DriftSample> samples)
    {
        if (samples.Count < 2)
        {
            Folder = null;
            var early = _window.ToArray();
            _window.Clear();
            _fresh = 0;
            foreach (var sample in early)
            {
                Place(sample);
            }

            return;
        }

        _reference.Clear();
        _reference.AddRange(samples.Take(_options.ReferenceSize));
        SetShape(_reference[0]);
        var kept = _window.Where(SameShape).ToArray();
        _window.Clear();
        foreach (var sample in kept)
        {
            _window.Enqueue(sample);
        }

        _fresh = Math.Min(_fresh, _window.Count);
    }

    /// <summary>Takes <paramref name="samples"/> in, in order, and answers the checks of the windows they completed, oldest first.</summary>
    public IReadOnlyList<DriftCheck> Add(IReadOnlyList<DriftSample> samples)
    {
        List<DriftCheck>? due = null;
        foreach (var sample in samples)
        {
            if (_shape is null)
            {
                SetShape(sample);
            }

            if (!SameShape(sample) || (sample.Vector is { } vector && !MmdDrift.IsFinite(vector)))
            {
                _ignored++;
                continue;
            }

            _samples++;
            if (Place(sample))
            {
                (due ??= []).Add(new DriftCheck([.. _reference], [.. _window], _projection, _options.Permutations, _random.Next()));
                _fresh = 0;
            }
        }

        return due ?? [];
    }

    /// <summary>Records a check's outcome, which moves the alarm.</summary>
    /// <returns>How the alarm changed: raised by this window, cleared by it, or neither.</returns>
    public AlarmChange Record(DriftVerdict verdict, DateTime checkedAt)
    {
        var was = _alarm.Raised;
        _alarm = _alarm.Next(verdict.PValue, _options.Alpha, _options.AlarmAfter);
        (_last, _lastCheckedAt) = (verdict, checkedAt);
        _checks++;
        return _alarm.Raised == was ? AlarmChange.None : _alarm.Raised ? AlarmChange.Raised : AlarmChange.Cleared;
    }

    /// <summary>The status, as <see cref="IDriftMonitorGrain"/> reports it.</summary>
    public DriftStatus Status(string model, string version) => new(
        model, version, Statistic(_shape), _last?.Score, _last?.PValue, _last?.Psi,
        Folder is null ? DriftReferenceSource.FirstSamples : DriftReferenceSource.Folder, Folder, _reference.Count, _options.WindowSize,
        _options.Alpha, _alarm.DriftingWindows, _alarm.Raised, _checks, _lastCheckedAt, _samples, _ignored);

    /// <summary>The statistic outputs like <paramref name="sample"/> are tested with.</summary>
    public static DriftStatistic Statistic(DriftSample? sample) => sample?.Vector is null
        ? sample is null ? DriftStatistic.None : DriftStatistic.JensenShannon
        : DriftStatistic.Mmd;

    /// <summary>Puts an output into the reference while it fills, else into the window; true when a window is due.</summary>
    private bool Place(DriftSample sample)
    {
        if (Folder is null && _reference.Count < _options.ReferenceSize)
        {
            _reference.Add(sample);
            return false;
        }

        _window.Enqueue(sample);
        if (_window.Count > _options.WindowSize)
        {
            _window.Dequeue();
        }

        _fresh++;
        return _reference.Count >= 2 && _window.Count == _options.WindowSize && _fresh >= _options.WindowSize;
    }

    private void SetShape(DriftSample sample)
    {
        _shape = sample;
        var length = sample.Vector?.Length ?? 0;
        _projection = _options.ProjectionDimensions > 0 && length > _options.ProjectionDimensions
            ? new RandomProjection(length, _options.ProjectionDimensions, ProjectionSeed)
            : null;
    }

    private bool SameShape(DriftSample sample) =>
        _shape is null || (sample.Output == _shape.Output && sample.Vector?.Length == _shape.Vector?.Length);
}

/// <summary>How one tested window moved the alarm.</summary>
internal enum AlarmChange
{
    /// <summary>It stayed as it was.</summary>
    None,

    /// <summary>This window raised it.</summary>
    Raised,

    /// <summary>This window, not drifting, cleared it.</summary>
    Cleared,
}

/// <summary>The outcome of a <see cref="DriftCheck"/>.</summary>
/// <param name="Statistic">The statistic.</param>
/// <param name="Score">MMD² or the Jensen–Shannon divergence in bits.</param>
/// <param name="PValue">The permutation p-value.</param>
/// <param name="Psi">The population stability index, for histograms.</param>
internal sealed record DriftVerdict(DriftStatistic Statistic, double Score, double PValue, double? Psi);

/// <summary>
/// One window's test against the reference, on copies of both, so it can run on the thread pool while the window takes
/// more outputs: <see cref="MmdDrift"/> for vectors, <see cref="HistogramDrift"/> for values.
/// </summary>
/// <param name="Reference">The reference outputs.</param>
/// <param name="Window">The window's outputs, oldest first.</param>
/// <param name="Projection">The projection for long vectors; null for none.</param>
/// <param name="Permutations">Relabellings to draw.</param>
/// <param name="Seed">The relabellings' seed.</param>
internal sealed record DriftCheck(
    IReadOnlyList<DriftSample> Reference, IReadOnlyList<DriftSample> Window, RandomProjection? Projection, int Permutations, int Seed)
{
    /// <summary>Runs the test: for vectors O((n + m)²·d) once and O((n + m)²) per relabelling (see <see cref="MmdDrift"/>).</summary>
    public DriftVerdict Run()
    {
        var random = new Random(Seed);
        if (DriftWindow.Statistic(Reference[0]) == DriftStatistic.Mmd)
        {
            var mmd = MmdDrift.Test(Vectors(Reference), Vectors(Window), random, Permutations, Projection);
            return new(DriftStatistic.Mmd, mmd.Mmd2, mmd.PValue, null);
        }

        var histogram = HistogramDrift.Test(Values(Reference), Values(Window), random, Permutations);
        return new(DriftStatistic.JensenShannon, histogram.JensenShannon, histogram.PValue, histogram.Psi);
    }

    private static float[][] Vectors(IReadOnlyList<DriftSample> samples) => [.. samples.Select(s => s.Vector!)];

    private static int[] Values(IReadOnlyList<DriftSample> samples) => [.. samples.Select(s => s.Value)];
}
