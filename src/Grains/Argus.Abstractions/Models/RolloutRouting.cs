namespace Argus.Models;

/// <summary>How a call's version was chosen.</summary>
public enum RouteRole
{
    /// <summary>The model has no rollout: the devices' default version answers.</summary>
    Default,

    /// <summary>The caller named the version.</summary>
    Named,

    /// <summary>The rollout's stable version.</summary>
    Stable,

    /// <summary>The rollout's canary, by the call's route key.</summary>
    Canary,
}

/// <summary>The version a call goes to, and the version a copy of it goes to in the batch lane, if any.</summary>
/// <param name="Version">The version; null for the devices' default.</param>
/// <param name="Role">How it was chosen.</param>
/// <param name="CopyTo">
/// Where a copy of the call runs after it is answered: the shadow version (a stable call sampled for shadow traffic),
/// or stable (a canary call sampled for comparison); null for none.
/// </param>
public sealed record RouteChoice(string? Version, RouteRole Role, string? CopyTo = null)
{
    /// <summary>A call that names its version.</summary>
    public static RouteChoice Named(string version) => new(version, RouteRole.Named);

    /// <summary>A call to a model without a rollout.</summary>
    public static RouteChoice Default { get; } = new(null, RouteRole.Default);
}

/// <summary>
/// Which version a call goes to under a model's rollout: a pure function of the rollout and the call's route key, so
/// every silo and every SDK client sends a key to the same version. A key's bucket (0–9999) is fixed by its hash; the
/// canary takes the buckets below its percent, so a key keeps its version while the percent holds, and raising the
/// percent only moves keys from stable to canary. Copies (shadow, comparison) are sampled on a second, independent
/// bucket of the same key.
/// </summary>
public static class RolloutRouting
{
    /// <summary>Buckets per 100 %: shares are honoured to 0.01 %.</summary>
    public const int Buckets = 10_000;

    /// <summary>The version for a call with route key hash <paramref name="key"/>.</summary>
    public static RouteChoice Choose(Rollout rollout, ulong key)
    {
        var bucket = (int)(key % Buckets);
        var copyBucket = (int)(Mix(key) % Buckets);
        if (rollout.Canary is { } canary && bucket < rollout.CanaryPercent * (Buckets / 100))
        {
            var compare = rollout.Stable is { } stable && copyBucket < rollout.ComparePercent * (Buckets / 100) ? stable : null;
            return new RouteChoice(canary, RouteRole.Canary, compare);
        }

        var shadow = rollout.Shadow is { } s && copyBucket < rollout.ShadowPercent * (Buckets / 100) ? s : null;
        return rollout.Stable is { } st
            ? new RouteChoice(st, RouteRole.Stable, shadow)
            : new RouteChoice(null, RouteRole.Default, shadow);
    }

    /// <summary>SplitMix64's finaliser: a second bucket independent of the first.</summary>
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
