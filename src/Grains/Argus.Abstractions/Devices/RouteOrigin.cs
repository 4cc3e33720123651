namespace Argus.Devices;

/// <summary>Where a routed call starts: the caller's silo, if it runs on one, and how long it waits on a device there.</summary>
/// <param name="Silo">The caller's silo; null for a client outside the cluster.</param>
/// <param name="LocalWaitLimit">A device of <paramref name="Silo"/> is taken while its expected wait is at most this.</param>
public readonly record struct RouteOrigin(string? Silo, TimeSpan LocalWaitLimit)
{
    /// <summary>A client outside the cluster: every device is remote.</summary>
    public static RouteOrigin Client => new(null, TimeSpan.Zero);
}
