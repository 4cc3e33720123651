using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Inference.Telemetry;
using Argus.Models;
using Argus.Silo.Tenants;

namespace Argus.Silo.Http.OpenInference;

/// <summary>A request of the protocol answered: the model version that ran, the request as checked, and the devices' answer.</summary>
internal sealed record OpenInferenceAnswer(ModelInfo Model, ValidInferRequest Request, InferenceResponse Response);

/// <summary>
/// The protocol's inference, whichever transport carried the request (HTTP in <see cref="OpenInferenceEndpoints"/>, gRPC
/// in <c>Grpc/OpenInferenceGrpcService</c>): admission within the tenant's rate, the model, the version, the check of the
/// request against that version's shapes, the call through the one door, and one answer for the whole request. Failures
/// are <see cref="InferenceError"/>s, which each transport turns into its statuses.
/// </summary>
internal static class OpenInferenceCall
{
    /// <summary>What a call made while the silo loads its models is told.</summary>
    public const string Loading = "Models are loading.";

    /// <summary>
    /// Admits a call for the caller's <paramref name="tenant"/> (<see cref="TenantLimiter"/>) to a model this silo
    /// serves; null when admitted, with the model found.
    /// </summary>
    public static InferenceError? Admit(
        InferenceDoor door, TenantLimiter limiter, string? tenant, string name, string? version, out ModelInfo? model)
    {
        model = null;
        return limiter.Admit(tenant) ?? Find(door, name, version, out model);
    }

    /// <summary>The model <paramref name="name"/> (at <paramref name="version"/>, if given), or why there is none to call.</summary>
    public static InferenceError? Find(InferenceDoor door, string name, string? version, out ModelInfo? model)
    {
        model = null;
        if (!door.IsReady)
        {
            return new InferenceError(ErrorKind.NotReady, Loading, 1000);
        }

        model = door.FindModel(name, version);
        return model is not null
            ? null
            : new InferenceError(ErrorKind.UnknownModel, version is null ? $"Unknown model '{name}'." : $"Unknown model '{name}' version '{version}'.");
    }

    /// <summary>
    /// Runs an admitted call: chooses the version (by the route key, else <paramref name="inputKey"/>), reads the request
    /// against that version with <paramref name="read"/>, and runs it. One failed item fails the whole request, bad
    /// input first, as the protocol answers a request whole.
    /// </summary>
    /// <param name="door">The silo's door to the devices.</param>
    /// <param name="tenant">The caller's tenant.</param>
    /// <param name="model">The model <see cref="Admit"/> found.</param>
    /// <param name="version">The version the caller named; null for the rollout's choice.</param>
    /// <param name="options">The call's lane, deadline and route key.</param>
    /// <param name="inputKey">The hash of the request's input, for a rollout that needs one when no route key is given.</param>
    /// <param name="read">Reads and checks the request against the chosen version.</param>
    /// <param name="cancellationToken">The caller's.</param>
    public static async Task<(OpenInferenceAnswer? Answer, InferenceError? Error)> RunAsync(
        InferenceDoor door, string? tenant, ModelInfo model, string? version, RequestOptions options, Func<ulong> inputKey,
        Func<ModelInfo, InferRequestCheck> read, CancellationToken cancellationToken)
    {
        // The version is chosen before the request is read as tensors: their shapes are the version's.
        RouteChoice choice;
        try
        {
            choice = await door.ChooseAsync(model.Name, version, () => options.RouteKey is { } key ? RouteKeys.Of(key) : inputKey(), cancellationToken);
        }
        catch (Exception e) when (HttpErrors.FromException(e) is { } error)
        {
            return (null, error);
        }

        model = door.FindModel(model.Name, choice.Version) ?? model;
        InferRequestCheck check;
        using (StageClock.Start(ServingStage.Read))
        {
            check = read(model);
        }

        if (check is not ValidInferRequest valid)
        {
            return (null, new InferenceError(ErrorKind.BadInput, string.Join(' ', ((InvalidInferRequest)check).Problems)));
        }

        InferenceResponse response;
        try
        {
            response = await door.InferAsync(
                new InferenceRequest(model.Name, valid.Inputs, options.Lane, options.Deadline, OutputKind.Raw, Tenant: tenant), choice, cancellationToken);
        }
        catch (Exception e) when (HttpErrors.FromException(e) is { } error)
        {
            return (null, error);
        }

        return FirstFailure(response.Items) is var (itemError, i)
            ? (null, itemError with { Message = $"Item {i}: {itemError.Message}" })
            : (new OpenInferenceAnswer(model, valid, response), null);
    }

    /// <summary>The request's answer when an item failed: the first bad input, else the first other failure.</summary>
    private static (InferenceError Error, int Item)? FirstFailure(IReadOnlyList<ItemResult> items)
    {
        (InferenceError, int)? first = null;
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i].Error is not { } error)
            {
                continue;
            }

            if (error.Kind == ErrorKind.BadInput)
            {
                return (error, i);
            }

            first ??= (error, i);
        }

        return first;
    }
}
