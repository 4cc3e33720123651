using System.Collections.Concurrent;
using Argus.Errors;
using Orleans.Concurrency;

namespace Argus.Devices;

/// <summary>
/// Route-and-call, written once for the silos' door and the SDK: picks a device (<see cref="DeviceRouting"/> over the
/// <see cref="DeviceTable"/>), calls it, and when the call was lost with the device's silo (<see cref="SiloLoss"/>)
/// calls another device, until the request's deadline or the caller's token ends. What a device answered (bad input, overload, an unknown model)
/// is never retried.
/// </summary>
/// <param name="grains">The cluster.</param>
/// <param name="table">The routing table.</param>
/// <param name="origin">Where calls start.</param>
/// <param name="attemptTimeout">
/// How long one attempt at a device of another silo may run beyond that device's expected wait before it is abandoned:
/// the backstop for a message lost with a silo that is never declared dead.
/// </param>
/// <param name="whenSiloGone">Completes once the named silo has left the cluster: the signal to stop waiting for its answer.</param>
public sealed class DeviceRouter(
    IGrainFactory grains, DeviceTable table, RouteOrigin origin, TimeSpan attemptTimeout,
    Func<DeviceLoad, CancellationToken, Task> whenSiloGone)
{
    /// <summary>Attempts made while no device serves the model (the table refills after a silo left) before giving up.</summary>
    internal const int NoDeviceAttempts = 5;

    private static readonly TimeSpan NoDeviceDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>This caller's calls in flight per device, which routing adds to the devices' (older) reports.</summary>
    private readonly ConcurrentDictionary<string, int> _inFlight = new();

    /// <summary>
    /// The devices' grain references, made once: Orleans' <c>GetGrain</c> resolves the interface's grain type by reflection
    /// on every call (≈ 3 % of a silo's CPU on v2 binary requests, in a profile), and a reference never changes.
    /// </summary>
    private readonly ConcurrentDictionary<string, IDeviceGrain> _grains = new();

    /// <summary>
    /// Runs <paramref name="request"/> on a device routing picks, or on <paramref name="fallback"/>'s device while the table
    /// lists none (this silo's own device before the first reports are in).
    /// </summary>
    /// <exception cref="NoDeviceException">No device serves the model, or none is left after losses.</exception>
    /// <exception cref="InferenceTimeoutException">The request's deadline passed while devices were being lost.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> ended it (the caller's deadline).</exception>
    public async Task<InferenceResponse> InferAsync(
        InferenceRequest request, Func<string, string?>? fallback, CancellationToken cancellationToken)
    {
        var immutable = request.AsImmutable();
        HashSet<string> failed = [];
        var empty = 0;
        while (true)
        {
            var device = DeviceRouting.Choose(
                await ReadTableAsync(cancellationToken), request.Model, request.Version, origin.Silo, origin.LocalWaitLimit, failed, Random.Shared, _inFlight);
            var key = device?.Key ?? (failed.Count == 0 ? fallback?.Invoke(request.Model) : null);
            if (key is null)
            {
                table.Invalidate();
                if (++empty >= NoDeviceAttempts)
                {
                    throw new NoDeviceException(failed.Count == 0
                        ? $"No device in the cluster serves model '{request.Model}'."
                        : $"No device serving model '{request.Model}' is left: {string.Join(", ", failed)} failed.");
                }

                await Task.Delay(NoDeviceDelay * (1 << (empty - 1)), cancellationToken);
                continue;
            }

            try
            {
                return await CallAsync(key, device, immutable, cancellationToken);
            }
            catch (Exception e) when (SiloLoss.Is(e) && !cancellationToken.IsCancellationRequested)
            {
                failed.Add(key);
                table.Invalidate();
                if (DateTime.UtcNow >= request.Deadline)
                {
                    throw new InferenceTimeoutException(
                        $"No device answered model '{request.Model}' before the request's deadline: {string.Join(", ", failed)} failed.");
                }
            }
        }
    }

    /// <summary>The routing table; empty while its first read finds no directory (the fallback or a retry then serves).</summary>
    private async Task<IReadOnlyList<DeviceLoad>> ReadTableAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await table.GetAsync(cancellationToken);
        }
        catch (Exception e) when (SiloLoss.Is(e) && !cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }

    /// <summary>One attempt; on another silo it ends early when that silo leaves or the attempt outlasts its timeout.</summary>
    private async Task<InferenceResponse> CallAsync(
        string key, DeviceLoad? device, Immutable<InferenceRequest> request, CancellationToken cancellationToken)
    {
        var grain = _grains.GetOrAdd(key, static (key, grains) => grains.GetGrain<IDeviceGrain>(key), grains);
        _inFlight.AddOrUpdate(key, 1, (_, n) => n + 1);
        try
        {
            if (device is null || device.Silo == origin.Silo)
            {
                return await grain.InferAsync(request, cancellationToken); // a device of this silo is lost only with the caller
            }

            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(attemptTimeout + TimeSpan.FromMilliseconds(device.ExpectedWaitMs));
            try
            {
                var call = grain.InferAsync(request, attempt.Token);
                var gone = whenSiloGone(device, attempt.Token);
                if (await Task.WhenAny(call, gone) == gone && gone.IsCompletedSuccessfully)
                {
                    throw new SiloUnavailableException($"Device {key} left the cluster during the call.");
                }

                return await call;
            }
            catch (OperationCanceledException) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Device {key} did not answer within its attempt timeout.");
            }
            finally
            {
                attempt.Cancel(); // the call, when abandoned, and the watch
            }
        }
        finally
        {
            _inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
        }
    }
}
