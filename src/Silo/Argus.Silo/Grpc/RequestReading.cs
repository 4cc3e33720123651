using Google.Protobuf;
using Grpc.Core;
using Inference;

namespace Argus.Silo.Grpc;

/// <summary>
/// A request body that is no protobuf message of the method's request type is the client's mistake: InvalidArgument
/// naming it, where Grpc.AspNetCore would answer a failed read as Unknown ("exception was thrown by handler").
/// </summary>
internal static class RequestReading
{
    /// <summary>
    /// Binds the generated service's methods as Grpc.Tools' <c>BindService</c> does, each with <see cref="Guard{TRequest, TResponse}"/>.
    /// Named by <see cref="BindServiceMethodAttribute"/> on <see cref="OpenInferenceGrpcService"/>.
    /// </summary>
    public static void BindService(ServiceBinderBase binder, GRPCInferenceService.GRPCInferenceServiceBase service) =>
        GRPCInferenceService.BindService(new GuardingBinder(binder), service);

    /// <summary><paramref name="method"/>, whose request reading answers an unreadable message InvalidArgument.</summary>
    public static Method<TRequest, TResponse> Guard<TRequest, TResponse>(Method<TRequest, TResponse> method)
        where TRequest : class where TResponse : class
    {
        var reader = method.RequestMarshaller;
        var guarded = new Marshaller<TRequest>(reader.ContextualSerializer, context =>
        {
            try
            {
                return reader.ContextualDeserializer(context);
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request is not a {typeof(TRequest).Name} message: {e.Message}"));
            }
        });
        return new Method<TRequest, TResponse>(method.Type, method.ServiceName, method.Name, guarded, method.ResponseMarshaller);
    }

    private sealed class GuardingBinder(ServiceBinderBase binder) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            binder.AddMethod(Guard(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            binder.AddMethod(Guard(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
            binder.AddMethod(Guard(method), handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            binder.AddMethod(Guard(method), handler);
    }
}
