using Argus.Devices;
using Argus.Errors;
using Argus.Grains.Devices;
using Argus.Inference.Telemetry;
using Argus.Models;
using Argus.Silo.Auth;
using Argus.Silo.Http;
using Argus.Silo.Http.OpenInference;
using Argus.Silo.Tenants;
using Google.Protobuf;
using Grpc.Core;
using Inference;
using Microsoft.AspNetCore.Authorization;
using Protocol = Argus.Silo.Http.OpenInference;

namespace Argus.Silo.Grpc;

/// <summary>
/// The Open Inference Protocol over gRPC: KServe's <c>inference.GRPCInferenceService</c> (protos/grpc_predict_v2.proto)
/// and Triton's <c>ModelStreamInfer</c> at Triton's path (<see cref="TritonStreamMethods"/>). Inference goes through the
/// same path as HTTP's (<see cref="OpenInferenceCall"/>: the tenant's rate, the one door, the same checks and messages),
/// with the statuses of <see cref="GrpcErrors"/>. Lane, timeout and route key come as metadata, as HTTP's headers
/// (<c>x-argus-lane</c>, …); a gRPC deadline shortens the call's own.
/// </summary>
[BindServiceMethod(typeof(RequestReading), nameof(RequestReading.BindService))]
internal sealed class OpenInferenceGrpcService(InferenceDoor door, TenantLimiter limiter) : GRPCInferenceService.GRPCInferenceServiceBase
{
    /// <summary>How many requests of one stream run at once: enough to keep a device's batches full while answers travel.</summary>
    private const int StreamWindow = 16;

    /// <inheritdoc />
    [AllowAnonymous]
    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    /// <inheritdoc />
    [AllowAnonymous]
    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = door.IsReady });

    /// <inheritdoc />
    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context)
    {
        // While models load the answer is "not ready"; once loaded, a model the silo does not serve is NotFound.
        if (!door.IsReady)
        {
            return Task.FromResult(new ModelReadyResponse { Ready = false });
        }

        Find(request.Name, request.Version);
        return Task.FromResult(new ModelReadyResponse { Ready = true });
    }

    /// <inheritdoc />
    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context)
    {
        var server = Protocol.ServerMetadata.Argus;
        var response = new ServerMetadataResponse { Name = server.Name, Version = server.Version ?? "" };
        response.Extensions.Add(server.Extensions);
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        var version = Given(request.Version);
        var metadata = Protocol.ModelMetadata.Of(door, Find(request.Name, version), version);
        var response = new ModelMetadataResponse { Name = metadata.Name, Platform = metadata.Platform };
        response.Versions.Add(metadata.Versions);
        response.Inputs.Add(metadata.Inputs.Select(Tensor));
        response.Outputs.Add(metadata.Outputs.Select(Tensor));
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest request, ServerCallContext context)
    {
        var (response, error) = await InferAsync(request, context);
        return response ?? throw GrpcErrors.Of(error!);
    }

    /// <summary>
    /// Triton's streaming inference: each request of the stream is answered on it, a failure as its
    /// <c>error_message</c> (the stream goes on). Up to <see cref="StreamWindow"/> requests run at once, so answers come
    /// in the order they finish, each with its request's id.
    /// </summary>
    public async Task ModelStreamInfer(
        IAsyncStreamReader<ModelInferRequest> requests, IServerStreamWriter<ModelStreamInferResponse> responses, ServerCallContext context)
    {
        using var window = new SemaphoreSlim(StreamWindow);
        using var writing = new SemaphoreSlim(1);
        List<Task> running = [];
        try
        {
            await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
            {
                await window.WaitAsync(context.CancellationToken);
                running.RemoveAll(t => t.IsCompletedSuccessfully);
                running.Add(AnswerAsync(request));
            }
        }
        catch
        {
            // The caller left or the stream broke: the requests under way end before their semaphores are disposed.
            await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        await Task.WhenAll(running);

        async Task AnswerAsync(ModelInferRequest request)
        {
            try
            {
                var (response, error) = await InferAsync(request, context);
                var answer = new ModelStreamInferResponse
                {
                    ErrorMessage = error?.Message ?? "",
                    InferResponse = response ?? new ModelInferResponse { ModelName = request.ModelName, ModelVersion = request.ModelVersion, Id = request.Id },
                };
                await writing.WaitAsync(context.CancellationToken);
                try
                {
                    await responses.WriteAsync(answer, context.CancellationToken);
                }
                finally
                {
                    writing.Release();
                }
            }
            finally
            {
                window.Release();
            }
        }
    }

    /// <summary>One inference, as HTTP's <c>POST /v2/models/{model}/infer</c> runs it.</summary>
    private async Task<(ModelInferResponse? Response, InferenceError? Error)> InferAsync(ModelInferRequest request, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        if (!RequestOptions.TryParse(http.Request, Lane.Interactive, out var options, out var invalid))
        {
            return (null, new InferenceError(ErrorKind.BadInput, invalid!));
        }

        if (context.Deadline < options.Deadline)
        {
            options = options with { Deadline = context.Deadline };
        }

        if (Given(request.ModelName) is not { } name)
        {
            return (null, new InferenceError(ErrorKind.BadInput, "The request needs a model_name."));
        }

        var version = Given(request.ModelVersion);
        var tenant = http.Tenant();
        if (OpenInferenceCall.Admit(door, limiter, tenant, name, version, out var model) is { } refused)
        {
            return (null, refused);
        }

        var (answer, error) = await OpenInferenceCall.RunAsync(door, tenant, model!, version, options,
            () => RouteKeys.Of(request.ToByteArray()), m => GrpcInferRequestReader.Read(request, m), context.CancellationToken);
        if (answer is null)
        {
            return (null, error);
        }

        using var write = StageClock.Start(ServingStage.Write);
        return (GrpcInferResponse.Of(answer), null);
    }

    private ModelInfo Find(string name, string? version) =>
        OpenInferenceCall.Find(door, name, Given(version), out var model) is { } error ? throw GrpcErrors.Of(error) : model!;

    private static ModelMetadataResponse.Types.TensorMetadata Tensor(TensorMetadata tensor)
    {
        var metadata = new ModelMetadataResponse.Types.TensorMetadata { Name = tensor.Name, Datatype = tensor.Datatype };
        metadata.Shape.Add(tensor.Shape);
        return metadata;
    }

    private static string? Given(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
