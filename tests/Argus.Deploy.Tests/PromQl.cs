using System.Text.RegularExpressions;

namespace Argus.Deploy.Tests;

/// <summary>A series an expression selects: its metric name and the labels its matchers name.</summary>
internal sealed record Selector(string Metric, IReadOnlyList<string> Labels);

/// <summary>
/// The selectors of a PromQL expression, as far as a dashboard's queries need: string literals, range durations and
/// grouping label lists are set aside, then every name that is neither a function (followed by a parenthesis) nor a
/// keyword is a metric, with the label names of its matchers. Grafana's variables (<c>$model</c>,
/// <c>$__rate_interval</c>) only appear inside those parts.
/// </summary>
internal static partial class PromQl
{
    private static readonly HashSet<string> Keywords =
        ["and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "inf", "nan"];

    public static IReadOnlyList<Selector> Selectors(string expression)
    {
        var text = StringLiteral().Replace(expression, "\"\"");
        text = RangeOrSubquery().Replace(text, "");
        text = Grouping().Replace(text, "");
        return [.. Name().Matches(text)
            .Where(m => !Keywords.Contains(m.Groups["name"].Value.ToLowerInvariant()))
            .Select(m => new Selector(m.Groups["name"].Value, [.. MatcherLabel().Matches(m.Groups["matchers"].Value).Select(l => l.Groups[1].Value)]))];
    }

    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)*'")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex RangeOrSubquery();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Grouping();

    // Not after a letter, digit, '.', ':' or '$' (a number's exponent, a variable), and not followed by '(' (a function).
    [GeneratedRegex(@"(?<![\w:.$])(?<name>[a-zA-Z_:][\w:]*)(?![\w:])(?<matchers>\s*\{[^}]*\})?(?!\s*\()")]
    private static partial Regex Name();

    [GeneratedRegex(@"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)")]
    private static partial Regex MatcherLabel();
}
