using System.Globalization;
using Argus.Devices;

namespace Argus.Silo.Http;

/// <summary>A request's lane and deadline, from the query (<c>lane</c>, <c>timeout_ms</c>) or headers (<c>X-Argus-Lane</c>, <c>X-Argus-Timeout-Ms</c>).</summary>
internal readonly record struct RequestOptions(Lane Lane, DateTime Deadline)
{
    /// <summary>Default time budgets per lane when the caller gives none.</summary>
    private static readonly TimeSpan[] DefaultTimeouts = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60)];

    /// <summary>Reads the lane and the timeout; false with the reason when either is not one the API knows.</summary>
    public static bool TryParse(HttpRequest request, Lane defaultLane, out RequestOptions options, out string? error)
    {
        options = default;
        error = null;
        var laneText = First(request, "lane", "X-Argus-Lane");
        var lane = defaultLane;
        if (laneText is not null && !TryParseLane(laneText, out lane))
        {
            error = $"Unknown lane '{laneText}': use realtime, interactive or batch.";
            return false;
        }

        var timeout = DefaultTimeouts[(int)lane];
        var timeoutText = First(request, "timeout_ms", "X-Argus-Timeout-Ms");
        if (timeoutText is not null)
        {
            var max = ClusterIdentity.MaxRequestTimeout.TotalMilliseconds;
            // Written so that NaN fails too: it compares false with everything, and TimeSpan refuses it by throwing.
            if (!double.TryParse(timeoutText, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) || !(ms > 0 && ms <= max))
            {
                error = $"timeout_ms must be a positive number of milliseconds up to {max} (is '{timeoutText}').";
                return false;
            }

            timeout = TimeSpan.FromMilliseconds(ms);
        }

        options = new RequestOptions(lane, DateTime.UtcNow + timeout);
        return true;
    }

    /// <summary>A lane by its name only: <see cref="Enum.TryParse{TEnum}(string, bool, out TEnum)"/> would also take numbers and comma lists.</summary>
    private static bool TryParseLane(string text, out Lane lane)
    {
        foreach (var candidate in Enum.GetValues<Lane>())
        {
            if (string.Equals(candidate.ToString(), text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                lane = candidate;
                return true;
            }
        }

        lane = default;
        return false;
    }

    private static string? First(HttpRequest request, string query, string header)
    {
        var value = request.Query[query].FirstOrDefault() ?? request.Headers[header].FirstOrDefault();
        return string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
