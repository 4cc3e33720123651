namespace Argus.Devices;

/// <summary>
/// A caller's copy of the routing table, read from <see cref="IDeviceDirectoryGrain"/> at most once per
/// <see cref="MaxAge"/> and on demand after a failure.
/// </summary>
public sealed class DeviceTable(IGrainFactory grains, TimeProvider time)
{
    /// <summary>How old a copy may get before it is read again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a read of the directory may take before it is given up. A read sent to the directory's silo just as it
    /// died can go unanswered until the cluster's (long) call timeout, and the table would not move meanwhile.
    /// </summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private IReadOnlyList<DeviceLoad> _devices = [];
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    /// <summary>The table, fresh within <see cref="MaxAge"/>; the last one read while the directory does not answer.</summary>
    /// <exception cref="TimeoutException">The first read found no directory within <see cref="ReadTimeout"/>.</exception>
    public async Task<IReadOnlyList<DeviceLoad>> GetAsync(CancellationToken cancellationToken = default)
    {
        if (time.GetUtcNow() - _readAt < MaxAge)
        {
            return _devices;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (time.GetUtcNow() - _readAt >= MaxAge)
            {
                try
                {
                    _devices = await grains.GetGrain<IDeviceDirectoryGrain>(0).GetDevicesAsync().WaitAsync(ReadTimeout, time, cancellationToken);
                    _readAt = time.GetUtcNow();
                }
                catch (Exception e) when (SiloLoss.Is(e) && (_readAt != DateTimeOffset.MinValue || _devices.Count > 0))
                {
                    // The directory's silo may just have died: route on the last table (its dead devices fail fast and
                    // are excluded) and read again in half a period, once the directory is back on another silo.
                    _readAt = time.GetUtcNow() - (MaxAge / 2);
                }
            }

            return _devices;
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>
    /// Completes once <paramref name="device"/> is no longer in the table (its silo left the cluster or stopped
    /// reporting), checking twice per <see cref="MaxAge"/>. A call to a silo that died may otherwise wait for its
    /// response until Orleans' call timeout.
    /// </summary>
    public async Task WaitUntilGoneAsync(string device, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Task.Delay(MaxAge / 2, time, cancellationToken);
            if (!(await GetAsync(cancellationToken)).Any(d => d.Key == device))
            {
                return;
            }
        }
    }

    /// <summary>Makes the next <see cref="GetAsync"/> read the directory again (after a device failed).</summary>
    public void Invalidate() => _readAt = DateTimeOffset.MinValue;
}
