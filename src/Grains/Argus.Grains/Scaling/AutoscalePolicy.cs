using System.Globalization;

namespace Argus.Grains.Scaling;

/// <summary>What the policy sees at one decision.</summary>
/// <param name="Now">The time of the sample.</param>
/// <param name="CurrentSilos">Active silos now.</param>
/// <param name="DevicesPerSilo">Devices of a silo that takes work (draining ones left out); 0 when none has reported.</param>
/// <param name="AverageInFlight">Items in flight across the cluster, averaged over the look-back window.</param>
internal readonly record struct AutoscaleContext(DateTimeOffset Now, int CurrentSilos, double DevicesPerSilo, double AverageInFlight);

/// <summary>What the policy keeps between decisions.</summary>
/// <param name="Desired">The desired silo count decided last.</param>
/// <param name="Proposed">A different count the load has asked for since <paramref name="Since"/>; null when none.</param>
/// <param name="Since">When the load first asked for a change in that direction.</param>
internal sealed record AutoscaleState(int Desired, int? Proposed = null, DateTimeOffset? Since = null);

/// <summary>A decision: the state to keep (its <see cref="AutoscaleState.Desired"/> is the answer) and why.</summary>
internal sealed record AutoscaleDecision(AutoscaleState State, string Reason);

/// <summary>
/// The scaling policy, a pure function of the options, what the autoscaler sees and what it decided before, in the
/// manner of Ray Serve's replica-queue-length policy: the load asks for ceil(in-flight ÷ (target per device × devices
/// per silo)) silos, smoothed towards the last decision, held within a tolerance band around it, bounded by the minimum
/// and the maximum, and taken only once it has asked in the same direction for the upscale or downscale delay.
/// </summary>
internal static class AutoscalePolicy
{
    /// <summary>The state of a new autoscaler: the silos there are, within the bounds.</summary>
    public static AutoscaleState Initial(AutoscaleOptions options, int currentSilos) => new(Bound(options, currentSilos));

    /// <summary>The next decision.</summary>
    public static AutoscaleDecision Decide(AutoscaleOptions options, AutoscaleContext context, AutoscaleState state)
    {
        var desired = state.Desired;
        if (context.DevicesPerSilo <= 0)
        {
            return new(new(desired), $"No device takes work yet: holding {desired}.");
        }

        var load = LoadInSilos(context.AverageInFlight, options.TargetInFlightPerDevice, context.DevicesPerSilo);
        var proposed = Propose(options, load, desired);
        var why = string.Create(CultureInfo.InvariantCulture,
            $"{context.AverageInFlight:F1} in flight over {options.LookBackSeconds:G} s is {load:F2} silos at {options.TargetInFlightPerDevice:G} per device and {context.DevicesPerSilo:G3} devices per silo");
        if (proposed == desired)
        {
            return new(new(desired), $"{why}: holding {desired}.");
        }

        var up = proposed > desired;
        var since = state.Proposed is { } before && before > desired == up && state.Since is { } at ? at : context.Now;
        var delay = TimeSpan.FromSeconds(up ? options.UpscaleDelaySeconds : options.DownscaleDelaySeconds);
        var waited = context.Now - since;
        if (waited >= delay)
        {
            return new(new(proposed), $"{why}: scaling {(up ? "up" : "down")} from {desired} to {proposed}.");
        }

        return new(new(desired, proposed, since), string.Create(CultureInfo.InvariantCulture,
            $"{why}: {proposed} wanted for {waited.TotalSeconds:F0} of {delay.TotalSeconds:G} s before scaling {(up ? "up" : "down")}; holding {desired}."));
    }

    /// <summary>The silos the load fills at the target: in-flight items ÷ (target per device × devices per silo).</summary>
    public static double LoadInSilos(double inFlight, double targetPerDevice, double devicesPerSilo) =>
        inFlight / (targetPerDevice * devicesPerSilo);

    /// <summary>
    /// The count the load asks for: <paramref name="desired"/> while the load is within the tolerance band around it,
    /// else the step from <paramref name="desired"/> towards the load times the upscale or downscale factor, rounded up
    /// and bounded.
    /// </summary>
    public static int Propose(AutoscaleOptions options, double loadInSilos, int desired)
    {
        if (Math.Abs(loadInSilos - desired) <= options.Tolerance * desired)
        {
            return desired;
        }

        var factor = loadInSilos > desired ? options.UpscaleFactor : options.DownscaleFactor;
        var smoothed = desired + ((loadInSilos - desired) * factor);
        return Bound(options, (int)Math.Ceiling(Math.Round(smoothed, 9)));
    }

    /// <summary><paramref name="silos"/> within the minimum and the maximum.</summary>
    public static int Bound(AutoscaleOptions options, int silos) => Math.Clamp(silos, options.MinSilos, options.MaxSilos);
}
