using Google.Protobuf;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Inference;

namespace Argus.Silo.Grpc;

/// <summary>
/// Serves Triton's <c>ModelStreamInfer</c> where Triton's clients call it, <c>/inference.GRPCInferenceService/ModelStreamInfer</c>:
/// Triton declares it in its own copy of KServe's service, which cannot be compiled beside KServe's, so the method is
/// added to the service here (protos/triton_model_stream_infer.proto).
/// </summary>
internal sealed class TritonStreamMethods : IServiceMethodProvider<OpenInferenceGrpcService>
{
    /// <summary>The RPC as Triton's grpc_service.proto declares it.</summary>
    public static readonly Method<ModelInferRequest, ModelStreamInferResponse> ModelStreamInfer = RequestReading.Guard(new Method<ModelInferRequest, ModelStreamInferResponse>(
        MethodType.DuplexStreaming,
        GRPCInferenceService.Descriptor.FullName,
        "ModelStreamInfer",
        Marshallers.Create(r => r.ToByteArray(), ModelInferRequest.Parser.ParseFrom),
        Marshallers.Create(r => r.ToByteArray(), ModelStreamInferResponse.Parser.ParseFrom)));

    /// <inheritdoc />
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<OpenInferenceGrpcService> context) =>
        context.AddDuplexStreamingMethod(ModelStreamInfer, [], (service, requests, responses, call) => service.ModelStreamInfer(requests, responses, call));
}
