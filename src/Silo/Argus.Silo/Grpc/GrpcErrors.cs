using Argus.Errors;
using Grpc.Core;

namespace Argus.Silo.Grpc;

/// <summary>How failures become gRPC statuses, with the messages HTTP gives (<see cref="Http.HttpErrors.StatusOf"/>).</summary>
internal static class GrpcErrors
{
    public static StatusCode CodeOf(ErrorKind kind) => kind switch
    {
        ErrorKind.BadInput => StatusCode.InvalidArgument,
        ErrorKind.UnknownModel => StatusCode.NotFound,
        ErrorKind.Overloaded => StatusCode.ResourceExhausted,
        ErrorKind.NotReady => StatusCode.Unavailable,
        ErrorKind.Cancelled => StatusCode.Cancelled,
        _ => StatusCode.Internal,
    };

    /// <summary>The call's failure as the exception Grpc.AspNetCore answers with its status.</summary>
    public static RpcException Of(InferenceError error) => new(new Status(CodeOf(error.Kind), error.Message));
}
