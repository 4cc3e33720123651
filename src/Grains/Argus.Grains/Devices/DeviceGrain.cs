using System.Diagnostics;
using System.Text.Json;
using Argus.Devices;
using Argus.Errors;
using Argus.Inference.Batching;
using Argus.Inference.Devices;
using Argus.Inference.Imaging;
using Argus.Inference.Postprocessing;
using Argus.Inference.Telemetry;
using Argus.Models;
using Orleans.Concurrency;
using Orleans.Runtime;

namespace Argus.Grains.Devices;

/// <summary>
/// The addressable face of one device of its silo. Thin: the silo-wide <see cref="DeviceRuntime"/> owns the sessions
/// and the batcher, so deactivating this grain never unloads a model. Reentrant, so concurrent requests pile up into
/// batches; decoding and inference run off the Orleans scheduler.
/// </summary>
[Reentrant]
[DevicePlacement]
internal sealed class DeviceGrain(DeviceRuntime runtime, InferenceInstruments instruments, ILocalSiloDetails silo) : Grain, IDeviceGrain
{
    private DeviceKey _key;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _key = DeviceKey.Parse(this.GetPrimaryKeyString());
        if (_key.Silo != silo.Name)
        {
            throw new InvalidOperationException($"Device '{_key}' belongs to silo '{_key.Silo}', not to '{silo.Name}'.");
        }

        return Task.CompletedTask;
    }

    public async Task<InferenceResponse> InferAsync(Immutable<InferenceRequest> request, CancellationToken cancellationToken)
    {
        var r = request.Value;
        var device = ReadyDevice();
        var model = device.FindModel(r.Model) ?? throw new UnknownModelException(r.Model);
        var items = new Task<ItemResult>[r.Inputs.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var input = r.Inputs[i];
            items[i] = Task.Run(() => RunItemAsync(device, model, input, r, cancellationToken), CancellationToken.None);
        }

        return new InferenceResponse(model.Name, model.Version, _key.ToString(), device.Target.Kind, await Task.WhenAll(items));
    }

    public Task<DeviceStatus> GetStatusAsync()
    {
        var target = runtime.Targets.FirstOrDefault(t => t.Device == _key.Device)
            ?? throw new InvalidOperationException($"Silo '{silo.Name}' has no device '{_key.Device}'.");
        var device = runtime.FindDevice(_key.Device);
        var stats = device?.Batcher.GetStats();
        var depth = Enum.GetValues<Lane>().ToDictionary(l => l, l => stats?.QueueDepth[(int)l] ?? 0);
        var busy = stats is null || stats.Uptime <= TimeSpan.Zero ? 0 : stats.Busy / stats.Uptime;
        return Task.FromResult(new DeviceStatus(
            _key.ToString(), target.Kind, target.Provider, target.Note, device is not null,
            device?.Models.Select(ModelDescriptions.Describe).ToArray() ?? [], depth, stats?.Batches ?? 0, stats?.Items ?? 0, busy));
    }

    private InferenceDevice ReadyDevice()
    {
        if (!runtime.IsReady)
        {
            throw new NotReadyException($"Silo '{silo.Name}' is still loading its models.");
        }

        return runtime.FindDevice(_key.Device)
            ?? throw new InvalidOperationException($"Silo '{silo.Name}' has no device '{_key.Device}'.");
    }

    /// <summary>Runs one item and records its outcome and timings (<see cref="InferenceInstruments"/>).</summary>
    private async Task<ItemResult> RunItemAsync(
        InferenceDevice device, LoadedModel model, InferenceInput input, InferenceRequest request, CancellationToken cancellationToken)
    {
        var lane = (BatchLane)request.Lane;
        using var counted = device.TrackItem(lane);
        var arrived = Stopwatch.GetTimestamp();
        var (item, ran, failure) = await RunItemCoreAsync(device, model, input, request, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(arrived);
        if (ran is not null)
        {
            instruments.ItemSucceeded(model.Queue.Labels, lane, elapsed, ran);
        }
        else
        {
            instruments.ItemFailed(model.Queue.Labels, lane, failure!, elapsed);
        }

        return item;
    }

    /// <summary>The item's result, and either what its batch cost or why it failed, in metrics' words.</summary>
    private async Task<(ItemResult Item, BatchItemResult? Ran, string? Failure)> RunItemCoreAsync(
        InferenceDevice device, LoadedModel model, InferenceInput input, InferenceRequest request, CancellationToken cancellationToken)
    {
        try
        {
            if (input.Image is not null && !device.PreprocessesOnDevice)
            {
                // Here images are decoded before they queue: decode none that the queue would refuse.
                device.Batcher.ThrowIfWouldReject(model.Queue, (BatchLane)request.Lane, request.Deadline);
            }

            var prepared = (input.Image, input.Tensor) switch
            {
                ({ } image, null) => model.PrepareImage(image, runtime.ImageLimits, device.PreprocessesOnDevice),
                (null, { } tensor) => model.PrepareTensor(tensor),
                _ => throw new InvalidInputException("Each input needs either an image or a tensor, not both or neither."),
            };
            var result = await device.RunAsync(model, prepared, (BatchLane)request.Lane, request.Deadline, cancellationToken);
            var item = new ItemResult
            {
                QueueMs = result.QueueTime.TotalMilliseconds,
                ComputeMs = result.ComputeTime.TotalMilliseconds,
                PreprocessMs = result.PrepareTime.TotalMilliseconds,
                BatchSize = result.BatchSize,
            };
            if (request.Output == OutputKind.Raw)
            {
                return (item with { Raw = result.Output }, result, null);
            }

            var output = model.Postprocess(result.Output, prepared.Fit);
            return (item with
            {
                Embedding = output.Embedding,
                Classes = output.Classes?.Select(c => new ClassScore(c.Index, c.Label, c.Score)).ToArray(),
                Detections = output.Detections?.Select(ToDetection).ToArray(),
            }, result, null);
        }
        catch (InvalidInputException e)
        {
            return (ItemResult.Failed(new InferenceError(ErrorKind.BadInput, e.Message)), null, "bad_input");
        }
        catch (InferenceRejectedException e)
        {
            // The reason (queue_full, deadline_unreachable, deadline_expired, shutting_down) says which control refused it.
            return (ItemResult.Failed(new InferenceError(ErrorKind.Overloaded, e.Message, e.RetryAfter.TotalMilliseconds)), null,
                JsonNamingPolicy.SnakeCaseLower.ConvertName(e.Reason.ToString()));
        }
        catch (OperationCanceledException)
        {
            return (ItemResult.Failed(new InferenceError(ErrorKind.Cancelled, "The caller cancelled the request.")), null, "cancelled");
        }
        catch (ItemFailedException e)
        {
            return (ItemResult.Failed(new InferenceError(ErrorKind.Internal, e.Message)), null, "model_error");
        }
    }

    private static Detection ToDetection(TextRegion r) => new(
        r.Score, r.Box.X, r.Box.Y, r.Box.Width, r.Box.Height, [.. r.Corners.Select(c => new ImagePoint(c.X, c.Y))]);
}
