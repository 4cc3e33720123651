using Argus.Grains.Tenants;
using Microsoft.Extensions.Configuration;

namespace Argus.Grains.Tests.Tenants;

public sealed class TenantOptionsTests
{
    private readonly TenantOptionsValidator _validator = new();

    private static TenantOptions Bind(Dictionary<string, string?> settings)
    {
        var options = new TenantOptions();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(TenantOptions.Section).Bind(options);
        return options;
    }

    [Fact]
    public void Tenants_bind_by_name_and_the_default_entry_covers_the_unlisted_and_the_tenantless()
    {
        var options = Bind(new()
        {
            ["Argus:Tenants:a:Weight"] = "3",
            ["Argus:Tenants:a:RatePerSecond"] = "50",
            ["Argus:Tenants:a:Burst"] = "100",
            ["Argus:Tenants:Default:RatePerSecond"] = "2.5",
        });

        Assert.True(_validator.Validate(null, options).Succeeded);
        var a = options.PolicyOf("a");
        Assert.Equal((3.0, 50.0, 100), (a.Weight, a.RatePerSecond, a.BucketSize));
        Assert.Same(options.PolicyOf("b"), options.PolicyOf(null));
        Assert.Equal((1.0, 2.5, 3), (options.PolicyOf("b").Weight, options.PolicyOf("b").RatePerSecond, options.PolicyOf("b").BucketSize));
    }

    [Fact]
    public void With_nothing_configured_every_tenant_weighs_one_and_is_unlimited()
    {
        var options = new TenantOptions();
        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal((1.0, null), (options.PolicyOf("a").Weight, options.PolicyOf(null).RatePerSecond));
    }

    [Fact]
    public void Every_invalid_entry_is_listed_in_one_result()
    {
        var options = Bind(new()
        {
            ["Argus:Tenants:a:Weight"] = "0",
            ["Argus:Tenants:a:RatePerSecond"] = "-1",
            ["Argus:Tenants:b:Burst"] = "0",
            ["Argus:Tenants:c:Burst"] = "5",
            ["Argus:Tenants:d!e:Weight"] = "2",
        });

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Equal(
            ["Argus:Tenants:a:Weight", "Argus:Tenants:a:RatePerSecond", "Argus:Tenants:b:Burst", "Argus:Tenants:b:Burst", "Argus:Tenants:c:Burst", "Argus:Tenants:d!e:"],
            result.Failures!.Select(f => f.Split(' ')[0]));
    }
}
