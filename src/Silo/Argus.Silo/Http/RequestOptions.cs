using System.Globalization;
using Argus.Devices;

namespace Argus.Silo.Http;

/// <summary>
/// A request's lane, deadline, model version and route key, from the query (<c>lane</c>, <c>timeout_ms</c>,
/// <c>version</c>, <c>route_key</c>) or headers (<c>X-Argus-Lane</c>, <c>X-Argus-Timeout-Ms</c>,
/// <c>X-Argus-Model-Version</c>, <c>X-Argus-Route-Key</c>). Without a version the model's rollout decides, by the route
/// key (the hash of the input without one).
/// </summary>
internal readonly record struct RequestOptions(Lane Lane, DateTime Deadline, string? Version = null, string? RouteKey = null)
{
    /// <summary>The longest version or route key taken.</summary>
    internal const int MaxKeyLength = 256;

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

        var version = First(request, "version", "X-Argus-Model-Version");
        var routeKey = First(request, "route_key", "X-Argus-Route-Key");
        error = Key("version", version) ?? Key("route_key", routeKey);
        if (error is not null)
        {
            return false;
        }

        options = new RequestOptions(lane, DateTime.UtcNow + timeout, version, routeKey);
        return true;

        static string? Key(string name, string? value) => value is not null && (value.Length > MaxKeyLength || value.Any(char.IsControl))
            ? $"{name} must be at most {MaxKeyLength} characters without control characters."
            : null;
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
