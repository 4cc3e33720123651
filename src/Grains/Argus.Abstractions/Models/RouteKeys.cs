using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using Argus.Devices;

namespace Argus.Models;

/// <summary>
/// The hash a call's version is chosen by (<see cref="RolloutRouting"/>): of a key the caller gives (a camera's id,
/// <c>X-Argus-Route-Key</c>, the SDK's <c>routeKey</c>), or else of its input, so the same input lands on the same version.
/// XXH3: the same on every machine and process, and cheap on a large image.
/// </summary>
public static class RouteKeys
{
    /// <summary>The hash of a caller's key.</summary>
    public static ulong Of(string key) => XxHash3.HashToUInt64(Encoding.UTF8.GetBytes(key));

    /// <summary>The hash of bytes, e.g. a request's body.</summary>
    public static ulong Of(ReadOnlySpan<byte> bytes) => XxHash3.HashToUInt64(bytes);

    /// <summary>The hash of a request's first input (its image, or its tensor's bytes).</summary>
    public static ulong Of(InferenceRequest request) => request.Inputs is [var first, ..]
        ? first.Image is { } image ? Of(image) : Of(MemoryMarshal.AsBytes((first.Tensor ?? []).AsSpan()))
        : 0;
}
