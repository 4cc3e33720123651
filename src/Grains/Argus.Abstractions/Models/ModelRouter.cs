using System.Diagnostics;
using Argus.Devices;
using Argus.Errors;

namespace Argus.Models;

/// <summary>
/// The version half of routing, written once for the silos' door and the SDK, in front of <see cref="DeviceRouter"/>:
/// a call that names a version goes to it; any other goes where the model's rollout sends its route key
/// (<see cref="RolloutRouting"/>). Every answer is recorded per version (<see cref="RolloutRecorder"/>), and a sampled
/// call's copy runs afterwards in the batch lane, on the shadow version or, for a canary call, on stable, to compare
/// the two answers. Copies never delay the caller and are never returned; they are dropped first when devices are full.
/// </summary>
public sealed class ModelRouter(DeviceRouter devices, DeviceTable table, RolloutTable rollouts, RolloutRecorder recorder, TimeProvider time)
{
    /// <summary>Copies in flight from this caller at most; more are dropped.</summary>
    internal const int MaxCopiesInFlight = 64;

    /// <summary>How long a copy may wait for spare capacity in the batch lane.</summary>
    internal static readonly TimeSpan CopyDeadline = TimeSpan.FromSeconds(10);

    private int _copies;

    /// <summary>The figures this router records.</summary>
    public RolloutRecorder Recorder => recorder;

    /// <summary>
    /// The version for <paramref name="model"/>: <paramref name="version"/> when the caller names one (refused when the
    /// cluster serves the model but not that version), else the rollout's choice for the key <paramref name="routeKey"/>
    /// hashes to (read only when the model has a rollout). A version the devices do not serve yet (a canary still
    /// warming) or any more gives way to stable.
    /// </summary>
    /// <exception cref="UnknownVersionException">No device serves <paramref name="version"/> of a model the cluster serves.</exception>
    public async ValueTask<RouteChoice> ChooseAsync(string model, string? version, Func<ulong> routeKey, CancellationToken cancellationToken)
    {
        // The table's versions of the model, read only when a version must be checked: a call to a model without a
        // rollout names none and needs none.
        ServedModel[]? served = null;
        var refreshed = false;
        if (version is not null)
        {
            return await ServesAsync(version)
                ? RouteChoice.Named(version)
                : throw new UnknownVersionException(model, version, [.. served!.Select(m => m.Version).Distinct().Order(StringComparer.Ordinal)]);
        }

        var rollout = await rollouts.GetAsync(model, cancellationToken);
        if (rollout is { Canary: null, Shadow: null })
        {
            // Nothing to split or copy: no key to hash.
            return rollout.Stable is { } only && await ServesAsync(only) ? new RouteChoice(only, RouteRole.Stable) : RouteChoice.Default;
        }

        var choice = RolloutRouting.Choose(rollout, routeKey());
        if (!await ServesAsync(choice.Version))
        {
            choice = await ServesAsync(rollout.Stable) ? new RouteChoice(rollout.Stable, RouteRole.Stable) : RouteChoice.Default;
        }

        return await ServesAsync(choice.CopyTo) ? choice : choice with { CopyTo = null };

        // Whether a device serves the version (an empty table: assume so). A version loaded within the last second may be
        // missing from this caller's copy of the table: read it again once before saying no.
        async ValueTask<bool> ServesAsync(string? v)
        {
            if (v is null)
            {
                return true;
            }

            served ??= await ServedAsync(model, cancellationToken);
            if (served.Length == 0 || served.Any(m => m.Version == v))
            {
                return true;
            }

            if (refreshed)
            {
                return false;
            }

            refreshed = true;
            table.Invalidate();
            served = await ServedAsync(model, cancellationToken);
            return served.Length == 0 || served.Any(m => m.Version == v);
        }
    }

    /// <summary>
    /// Runs <paramref name="request"/> on <paramref name="choice"/>'s version (<see cref="DeviceRouter.InferAsync"/>),
    /// records the answer, and starts the choice's copy once it is answered.
    /// </summary>
    public async Task<InferenceResponse> InferAsync(
        InferenceRequest request, RouteChoice choice, Func<string, string?>? fallback, CancellationToken cancellationToken)
    {
        var call = request with { Version = choice.Version };
        var started = time.GetTimestamp();
        InferenceResponse response;
        try
        {
            response = await devices.InferAsync(call, fallback, cancellationToken);
        }
        catch (Exception e) when (choice.Version is { } v && IsVersionFailure(e))
        {
            recorder.Answered(request.Model, v, shadow: false, time.GetElapsedTime(started), request.Inputs.Count, request.Inputs.Count);
            throw;
        }

        recorder.Answered(request.Model, response.Version, shadow: false, time.GetElapsedTime(started), response.Items.Count, Failures(response));
        if (choice.CopyTo is { } copy && request.Lane != Lane.Batch)
        {
            StartCopy(call with { Version = copy, Lane = Lane.Batch, Deadline = time.GetUtcNow().UtcDateTime + CopyDeadline }, response, choice);
        }

        return response;
    }

    /// <summary>
    /// Runs the copy in the background and compares it with the answer: a shadow's agreement is the shadow's, a
    /// comparison's (stable's copy of a canary call) is the canary's.
    /// </summary>
    private void StartCopy(InferenceRequest copy, InferenceResponse answer, RouteChoice choice)
    {
        if (Interlocked.Increment(ref _copies) > MaxCopiesInFlight)
        {
            Interlocked.Decrement(ref _copies);
            recorder.Dropped(copy.Model, copy.Version!);
            return;
        }

        _ = Task.Run(async () =>
        {
            var started = time.GetTimestamp();
            try
            {
                var copied = await devices.InferAsync(copy, null, CancellationToken.None);
                var rejected = copied.Items.Count(i => i.Error?.Kind == ErrorKind.Overloaded);
                for (var i = 0; i < rejected; i++)
                {
                    recorder.Dropped(copy.Model, copied.Version);
                }

                recorder.Answered(copy.Model, copied.Version, shadow: true, time.GetElapsedTime(started),
                    copied.Items.Count - rejected, Failures(copied) - rejected);
                var (sum, compared) = (0.0, 0);
                for (var i = 0; i < Math.Min(answer.Items.Count, copied.Items.Count); i++)
                {
                    if (Agreement.Of(answer.Items[i], copied.Items[i]) is { } a)
                    {
                        (sum, compared) = (sum + a, compared + 1);
                    }
                }

                var judged = choice.Role == RouteRole.Canary ? answer.Version : copied.Version;
                if (compared > 0)
                {
                    recorder.Compared(copy.Model, judged, sum, compared);
                }
            }
            catch (Exception e) when (e is OverloadedException or InferenceTimeoutException or NoDeviceException or NotReadyException || SiloLoss.Is(e))
            {
                recorder.Dropped(copy.Model, copy.Version!);
            }
            catch (Exception e)
            {
                Trace.TraceWarning($"A copy of a call to model '{copy.Model}' for version '{copy.Version}' failed: {e.Message}");
                recorder.Answered(copy.Model, copy.Version!, shadow: true, time.GetElapsedTime(started), copy.Inputs.Count, copy.Inputs.Count);
            }
            finally
            {
                Interlocked.Decrement(ref _copies);
            }
        });
    }

    /// <summary>The versions of <paramref name="model"/> the routing table lists; none while the table cannot be read.</summary>
    private async Task<ServedModel[]> ServedAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            return [.. ServedModel.Of(await table.GetAsync(cancellationToken), model)];
        }
        catch (Exception e) when (SiloLoss.Is(e) && !cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }

    /// <summary>Items that failed for the version's own reasons: not the caller's input, not the caller's cancellation.</summary>
    private static int Failures(InferenceResponse response) =>
        response.Items.Count(i => i.Error is { Kind: not (ErrorKind.BadInput or ErrorKind.Cancelled) });

    private static bool IsVersionFailure(Exception e) =>
        e is OverloadedException or InferenceTimeoutException or NoDeviceException || SiloLoss.Is(e);
}
