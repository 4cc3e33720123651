using Microsoft.Extensions.Options;

namespace Argus.Grains.Tenants;

/// <summary>One tenant's share of a device and its request rate.</summary>
public sealed class TenantPolicy
{
    /// <summary>
    /// The tenant's weight in a contended lane of a device: with weights 3 and 1, two flooding tenants get 3 and 1 items of
    /// every 4. Default 1.
    /// </summary>
    public double Weight { get; set; } = 1;

    /// <summary>
    /// Inference requests per second the tenant may make over HTTP to each silo (a token bucket); null: unlimited.
    /// Default null.
    /// </summary>
    public double? RatePerSecond { get; set; }

    /// <summary>Requests the tenant may make at once above its rate (the bucket's size). Default: one second's worth, at least 1.</summary>
    public int? Burst { get; set; }

    /// <summary>The bucket's size: <see cref="Burst"/>, or one second's worth of <see cref="RatePerSecond"/>, at least 1.</summary>
    public int BucketSize => Burst ?? (int)Math.Max(1, Math.Ceiling(RatePerSecond ?? 1));
}

/// <summary>
/// Tenants' weights and rates (<c>Argus:Tenants</c>), keyed by tenant, e.g. <c>Argus:Tenants:a:Weight</c>. The entry
/// <see cref="DefaultKey"/> applies to every tenant not listed, each on its own, and to requests without a tenant, which
/// share one queue and one bucket.
/// </summary>
public sealed class TenantOptions : Dictionary<string, TenantPolicy>
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Argus:Tenants";

    /// <summary>The entry for tenants not listed and for requests without a tenant.</summary>
    public const string DefaultKey = "Default";

    private static readonly TenantPolicy Unlisted = new();

    /// <summary>Creates an empty table: every tenant weighs 1 and is unlimited.</summary>
    public TenantOptions()
        : base(StringComparer.Ordinal)
    {
    }

    /// <summary>The policy of <paramref name="tenant"/>: its own entry, else <see cref="DefaultKey"/>'s, else weight 1 and no limit.</summary>
    public TenantPolicy PolicyOf(string? tenant) =>
        tenant is not null && TryGetValue(tenant, out var own) ? own
        : TryGetValue(DefaultKey, out var fallback) ? fallback
        : Unlisted;
}

/// <summary>Lists every problem with <see cref="TenantOptions"/> at start-up.</summary>
internal sealed class TenantOptionsValidator : IValidateOptions<TenantOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, TenantOptions options)
    {
        List<string> failures = [];
        foreach (var (tenant, policy) in options)
        {
            var at = $"{TenantOptions.Section}:{tenant}";
            if (tenant != TenantOptions.DefaultKey && Tenancy.Problem("The tenant", tenant) is { } problem) failures.Add($"{at}: {problem}");
            if (!(policy.Weight is >= 0.01 and <= 1000)) failures.Add($"{at}:Weight must be from 0.01 to 1000 (is {policy.Weight}).");
            if (policy.RatePerSecond is { } rate && !(rate > 0)) failures.Add($"{at}:RatePerSecond must be positive (is {rate}).");
            if (policy.Burst is { } burst && burst < 1) failures.Add($"{at}:Burst must be at least 1 (is {burst}).");
            if (policy.Burst is not null && policy.RatePerSecond is null) failures.Add($"{at}:Burst needs a RatePerSecond.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
