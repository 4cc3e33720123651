using System.Globalization;

namespace Argus.LoadTesting.Load;

/// <summary>
/// The load levels of a sweep, as perf_analyzer writes them: <c>start:end[:step]</c>, where the step is <c>xK</c>
/// (multiply by K) or <c>+K</c> / <c>K</c> (add K; default 1). Levels run from start while they do not pass end.
/// </summary>
/// <param name="Start">The first level.</param>
/// <param name="End">The last level allowed.</param>
/// <param name="Step">What each level adds to, or multiplies, the one before.</param>
/// <param name="Multiplies">True when <paramref name="Step"/> multiplies.</param>
public sealed record LoadRange(double Start, double End, double Step, bool Multiplies)
{
    /// <summary>The most levels a range may have.</summary>
    public const int MaxLevels = 64;

    /// <summary>The levels, from <see cref="Start"/> up to <see cref="End"/>.</summary>
    public IReadOnlyList<double> Levels()
    {
        List<double> levels = [];
        for (var level = Start; level <= End * (1 + 1e-9) && levels.Count < MaxLevels; level = Multiplies ? level * Step : level + Step)
        {
            levels.Add(level);
        }

        return levels;
    }

    /// <summary>The range as it would be written on a command line.</summary>
    public override string ToString() => Start == End
        ? Start.ToString("G6", CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Start:G6}:{End:G6}:{(Multiplies ? "x" : "+")}{Step:G6}");

    /// <summary>
    /// Parses <paramref name="text"/>; with <paramref name="integers"/> (concurrency) every level must be a whole number.
    /// On failure <paramref name="error"/> says why.
    /// </summary>
    public static bool TryParse(string text, bool integers, out LoadRange? range, out string? error)
    {
        range = null;
        var parts = text.Split(':');
        if (parts.Length is < 1 or > 3 || parts.Any(string.IsNullOrWhiteSpace))
        {
            error = $"'{text}' is not start:end[:step].";
            return false;
        }

        var multiplies = parts.Length == 3 && parts[2].StartsWith('x');
        var stepText = parts.Length == 3 ? parts[2].TrimStart('x', '+') : "1";
        if (!Number(parts[0], out var start) || !Number(parts.Length > 1 ? parts[1] : parts[0], out var end) || !Number(stepText, out var step))
        {
            error = $"'{text}': start, end and step must be numbers (step written xK to multiply, +K or K to add).";
            return false;
        }

        error = (start, end, step) switch
        {
            _ when !(start > 0) => $"'{text}': the start must be positive.",
            _ when end < start => $"'{text}': the end is below the start.",
            _ when multiplies && !(step > 1) => $"'{text}': a multiplying step must be above 1.",
            _ when !multiplies && !(step > 0) => $"'{text}': the step must be positive.",
            _ when integers && (!IsWhole(start) || !IsWhole(end) || !IsWhole(step)) => $"'{text}': concurrency takes whole numbers.",
            _ => null,
        };
        if (error is null)
        {
            range = new LoadRange(start, end, step, multiplies);
            var count = Count(range);
            if (count > MaxLevels)
            {
                error = $"'{text}' has {count} levels; at most {MaxLevels} are allowed (take a larger step).";
                range = null;
            }
        }

        return error is null;
    }

    private static long Count(LoadRange range) => range.Multiplies
        ? (long)Math.Floor(Math.Log(range.End / range.Start) / Math.Log(range.Step) + 1e-9) + 1
        : (long)Math.Floor((range.End - range.Start) / range.Step + 1e-9) + 1;

    private static bool Number(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static bool IsWhole(double value) => value == Math.Floor(value);
}
