using System.Globalization;
using System.Threading.RateLimiting;
using Argus.Errors;
using Argus.Grains.Tenants;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Tenants;

/// <summary>
/// Each tenant's token bucket for inference over HTTP (<see cref="TenantPolicy.RatePerSecond"/>, <see cref="TenantPolicy.Burst"/>):
/// one bucket per tenant and one shared by requests without a tenant, on this silo only (a cluster of N silos behind a
/// balancer admits up to N times the rate). A tenant without a rate is never refused.
/// </summary>
internal sealed class TenantLimiter : IDisposable
{
    private readonly TenantOptions _tenants;
    private readonly TenantInstruments _instruments;
    private readonly PartitionedRateLimiter<string> _limiter;

    public TenantLimiter(IOptions<TenantOptions> tenants, TenantInstruments instruments)
    {
        _tenants = tenants.Value;
        _instruments = instruments;
        _limiter = PartitionedRateLimiter.Create<string, string>(key => Partition(key, _tenants.PolicyOf(TenantOf(key))));
    }

    /// <summary>
    /// Takes one request from <paramref name="tenant"/>'s bucket: null when it may go on, else the refusal to answer with
    /// (overloaded: 429, with when a token is back as its retry-after), counted per tenant.
    /// </summary>
    public InferenceError? Admit(string? tenant)
    {
        using var lease = _limiter.AttemptAcquire(tenant ?? "");
        if (lease.IsAcquired)
        {
            return null;
        }

        _instruments.Throttled(tenant);
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
        var rate = _tenants.PolicyOf(tenant).RatePerSecond!.Value.ToString("0.##", CultureInfo.InvariantCulture);
        var message = tenant is null
            ? $"Requests without a tenant are over their shared rate of {rate} requests/s on this silo."
            : $"Tenant '{tenant}' is over its rate of {rate} requests/s on this silo.";
        return new InferenceError(ErrorKind.Overloaded, message, retryAfter.TotalMilliseconds);
    }

    public void Dispose() => _limiter.Dispose();

    private static string? TenantOf(string key) => key.Length == 0 ? null : key;

    private static RateLimitPartition<string> Partition(string key, TenantPolicy policy)
    {
        if (policy.RatePerSecond is not { } rate)
        {
            return RateLimitPartition.GetNoLimiter(key);
        }

        // A whole number of tokens per period, so that rates below one per second and fractions above it stay exact.
        var tokens = (int)Math.Max(1, Math.Round(rate));
        return RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = policy.BucketSize,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = TimeSpan.FromSeconds(tokens / rate),
            QueueLimit = 0,
            AutoReplenishment = false, // the partitioned limiter's own timer replenishes every bucket
        });
    }
}
