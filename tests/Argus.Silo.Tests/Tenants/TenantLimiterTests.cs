using System.Diagnostics.Metrics;
using Argus.Errors;
using Argus.Grains.Tenants;
using Argus.Silo.Tenants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Argus.Silo.Tests.Tenants;

/// <summary>The limiter's partitions: a bucket per tenant, the default's rate for each unlisted tenant, one bucket for the tenantless.</summary>
public sealed class TenantLimiterTests : IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly TenantLimiter _limiter;

    public TenantLimiterTests()
    {
        var options = new TenantOptions
        {
            ["a"] = new() { RatePerSecond = 0.1, Burst = 2 },
            ["fast"] = new() { Weight = 4 },
            [TenantOptions.DefaultKey] = new() { RatePerSecond = 0.1 },
        };
        _limiter = new TenantLimiter(Options.Create(options), new TenantInstruments(_services.GetRequiredService<IMeterFactory>()));
    }

    public void Dispose()
    {
        _limiter.Dispose();
        _services.Dispose();
    }

    [Fact]
    public void A_tenant_over_its_burst_is_refused_with_its_name_its_rate_and_when_to_retry()
    {
        Assert.Null(_limiter.Admit("a"));
        Assert.Null(_limiter.Admit("a"));

        var refused = _limiter.Admit("a");

        Assert.NotNull(refused);
        Assert.Equal(ErrorKind.Overloaded, refused.Kind);
        Assert.Equal("Tenant 'a' is over its rate of 0.1 requests/s on this silo.", refused.Message);
        Assert.InRange(refused.RetryAfterMs!.Value, 1, 10_000);
    }

    [Fact]
    public void Each_tenant_has_its_own_bucket_and_a_tenant_without_a_rate_is_never_refused()
    {
        Assert.Null(_limiter.Admit("a"));
        Assert.Null(_limiter.Admit("a"));
        Assert.NotNull(_limiter.Admit("a"));

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Null(_limiter.Admit("fast")));
        Assert.Null(_limiter.Admit("x")); // unlisted: the default's rate, a bucket of its own
        Assert.Null(_limiter.Admit("y"));
        Assert.NotNull(_limiter.Admit("x"));
    }

    [Fact]
    public void Requests_without_a_tenant_share_one_bucket()
    {
        Assert.Null(_limiter.Admit(null));
        var refused = _limiter.Admit(null);

        Assert.Equal("Requests without a tenant are over their shared rate of 0.1 requests/s on this silo.", refused!.Message);
        Assert.Null(_limiter.Admit("z"));
    }
}
