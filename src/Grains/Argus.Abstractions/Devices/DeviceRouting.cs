namespace Argus.Devices;

/// <summary>Which device a request goes to: a pure function of the routing table, unit-tested on its own.</summary>
public static class DeviceRouting
{
    /// <summary>
    /// Picks a device serving <paramref name="model"/> at <paramref name="version"/> (its default version when null) that is not in <paramref name="excluded"/> and not draining (its
    /// silo is stopping): a device of
    /// <paramref name="localSilo"/> whose expected wait is at most <paramref name="localWaitLimit"/> (the one that waits
    /// least), otherwise the less loaded of two devices sampled at random (power of two choices). Load is the device's
    /// reported expected wait plus the caller's own requests in flight to it (<paramref name="inFlight"/>) at the model's
    /// cost per item: reports are up to a second old, and without its own in-flight count every caller would send all
    /// its requests to whichever device last reported the lowest wait. Ties go to the shorter queue. Null when no device
    /// serves the model.
    /// </summary>
    public static DeviceLoad? Choose(
        IReadOnlyList<DeviceLoad> devices, string model, string? version, string? localSilo, TimeSpan localWaitLimit,
        IReadOnlySet<string> excluded, Random random, IReadOnlyDictionary<string, int>? inFlight = null)
    {
        // Loops rather than LINQ: this runs on every call. The candidates are counted first, then the sampled ones found by
        // their rank among them.
        var count = 0;
        DeviceLoad? local = null;
        for (var i = 0; i < devices.Count; i++)
        {
            var d = devices[i];
            if (IsCandidate(d))
            {
                count++;
                if (d.Silo == localSilo && d.ExpectedWaitMs <= localWaitLimit.TotalMilliseconds && (local is null || d.ExpectedWaitMs < local.ExpectedWaitMs))
                {
                    local = d;
                }
            }
        }

        if (count == 0)
        {
            return null;
        }

        if (local is not null || count == 1)
        {
            return local ?? Candidate(0);
        }

        var first = random.Next(count);
        var second = random.Next(count - 1);
        if (second >= first)
        {
            second++;
        }

        var (a, b) = (Candidate(first), Candidate(second));
        return (Load(b), b.QueueDepth).CompareTo((Load(a), a.QueueDepth)) < 0 ? b : a;

        bool IsCandidate(DeviceLoad d) => !d.Draining && !excluded.Contains(d.Key) && d.Find(model, version) is not null;

        DeviceLoad Candidate(int rank)
        {
            for (var i = 0; i < devices.Count; i++)
            {
                if (IsCandidate(devices[i]) && rank-- == 0)
                {
                    return devices[i];
                }
            }

            throw new InvalidOperationException("The routing table changed while a device was chosen from it.");
        }

        double Load(DeviceLoad d) =>
            d.ExpectedWaitMs + (inFlight?.GetValueOrDefault(d.Key) ?? 0) * (d.Find(model, version)?.ItemCostMs ?? 1);
    }
}
