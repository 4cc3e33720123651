using System.Globalization;
using System.Text.RegularExpressions;

namespace Argus.Testing;

/// <summary>One sample of a Prometheus text exposition: <c>name{label="value",…} number</c>.</summary>
public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    /// <summary>Whether the sample carries every one of <paramref name="labels"/> with that value.</summary>
    public bool Has(params (string Label, string Value)[] labels) =>
        labels.All(l => Labels.TryGetValue(l.Label, out var v) && v == l.Value);
}

/// <summary>Reads the samples of a scrape; comment lines (HELP, TYPE) are skipped.</summary>
public static partial class PrometheusText
{
    /// <summary>The samples of <paramref name="text"/>, in order.</summary>
    public static IReadOnlyList<Sample> Parse(string text) => [.. text.Split('\n')
        .Where(l => l.Length > 0 && l[0] != '#')
        .Select(l => SampleLine().Match(l))
        .Where(m => m.Success)
        .Select(m => new Sample(
            m.Groups["name"].Value,
            LabelPair().Matches(m.Groups["labels"].Value).ToDictionary(p => p.Groups[1].Value, p => p.Groups[2].Value),
            Number(m.Groups["value"].Value)))];

    private static double Number(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})? (?<value>\S+)")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
